-- Shared by every script here.
-- `M.start` starts dockerfile-lsp with Neovim 0.7's `vim.lsp.start_client` (there is no
-- `vim.lsp.start` before 0.8), opens `file` and attaches the client by hand.
-- `on_publish(params)` (optional) sees every pushed diagnostics message before Neovim
-- displays it. Returns a session table: `client_id`, `buf`, `published_version` (the
-- version of the last push, -1 before the first), and `exited`, `exit_code`,
-- `exit_signal` once the server has exited; or nil after `fail`. `M.caught_up(session)`
-- says whether the server has published diagnostics for the buffer as it is now.
-- `M.main(result, run)` starts the server and runs a script body, and always writes
-- `result` (with the errors `fail` collected) to DLSP_OUT, then quits; `M.stop` shuts
-- the server down and records how it exited; `M.text(buf)` is the buffer's text.
local M = {}

-- The inputs every script reads (environment): DLSP_BIN (the server binary), DLSP_FILE
-- (the Dockerfile to open), DLSP_OUT (where to write the JSON), DLSP_TIMEOUT_MS (how long
-- to wait for each step), and optionally DLSP_INIT (JSON initialization options).
M.bin = os.getenv('DLSP_BIN')
M.file = os.getenv('DLSP_FILE')
M.out = os.getenv('DLSP_OUT')
M.timeout = tonumber(os.getenv('DLSP_TIMEOUT_MS') or '20000')

-- Starts the server on DLSP_FILE (`on_publish` as in `M.start`) and runs
-- `run(session, fail)`; a Lua error becomes one of `result.errors`. Writes `result` as
-- JSON to DLSP_OUT and quits Neovim whatever happened.
function M.main(result, run, on_publish)
  result.errors = result.errors or {}
  local function fail(msg)
    table.insert(result.errors, msg)
  end
  local ok, err = pcall(function()
    local session = M.start(M.bin, M.file, on_publish, fail)
    if session then
      run(session, fail)
    end
  end)
  if not ok then
    fail('lua error: ' .. tostring(err))
  end
  vim.fn.writefile({ vim.fn.json_encode(result) }, M.out)
  vim.cmd('qall!')
end

-- Whether the last push was for the buffer's current version (the server has the buffer
-- as it is now, and has answered `initialize`).
function M.caught_up(session)
  return session.published_version == vim.lsp.util.buf_versions[session.buf]
end

-- A clean shutdown (`shutdown` request, then `exit`); records the exit code and signal.
function M.stop(session, result, fail)
  vim.lsp.stop_client(session.client_id)
  if not vim.wait(M.timeout, function() return session.exited end, 20) then
    fail('the server did not exit within ' .. M.timeout .. ' ms of shutdown')
  end
  result.exit_code = session.exit_code
  result.exit_signal = session.exit_signal
end

-- The buffer's text, one line break per line.
function M.text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, true), '\n') .. '\n'
end

function M.start(bin, file, on_publish, fail)
  -- Debug level puts the whole JSON-RPC traffic into lsp.log, which the test prints on failure.
  vim.lsp.set_log_level('debug')
  local session = { exited = false, published_version = -1 }
  local client_id = vim.lsp.start_client({
    name = 'dockerfile-lsp',
    cmd = { bin, 'serve' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
    -- DLSP_INIT (optional JSON) adds initialization options (registry settings).
    init_options = vim.tbl_deep_extend(
      'force',
      { diagnostics = { delayMs = 0 } },
      os.getenv('DLSP_INIT') and vim.fn.json_decode(os.getenv('DLSP_INIT')) or {}
    ),
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
        session.published_version = params.version or session.published_version
        if on_publish then
          on_publish(params)
        end
        return vim.lsp.diagnostic.on_publish_diagnostics(err, params, ctx, config)
      end,
    },
    on_exit = function(code, signal)
      session.exited = true
      session.exit_code = code
      session.exit_signal = signal
    end,
  })
  if not client_id then
    fail('vim.lsp.start_client returned nil')
    return nil
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = 'dockerfile'
  if not vim.lsp.buf_attach_client(buf, client_id) then
    fail('vim.lsp.buf_attach_client failed')
    return nil
  end
  session.client_id = client_id
  session.buf = buf
  return session
end

return M
