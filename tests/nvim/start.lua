-- Shared by client.lua and code_actions.lua: starts dockerfile-lsp with Neovim 0.7's
-- `vim.lsp.start_client` (there is no `vim.lsp.start` before 0.8), opens `file` and
-- attaches the client by hand. `on_publish(params)` sees every pushed diagnostics
-- message before Neovim displays it. Returns a session table: `client_id`, `buf`, and
-- `exited`, `exit_code`, `exit_signal` once the server has exited; or nil after `fail`.
local M = {}

function M.start(bin, file, on_publish, fail)
  -- Debug level puts the whole JSON-RPC traffic into lsp.log, which the test prints on failure.
  vim.lsp.set_log_level('debug')
  local session = { exited = false }
  local client_id = vim.lsp.start_client({
    name = 'dockerfile-lsp',
    cmd = { bin, 'serve' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
    init_options = { diagnostics = { delayMs = 0 } },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
        on_publish(params)
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
