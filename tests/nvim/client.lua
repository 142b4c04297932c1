-- Drives a real Neovim (0.7+) against the dockerfile-lsp binary for tests/nvim/main.rs.
-- It opens a Dockerfile, waits for the pushed diagnostics, edits the buffer so that the
-- server must apply an incremental change, waits for the new diagnostics, asks for the
-- hover of the first FROM keyword, stops the server and writes everything it saw as JSON.
-- The server is started by the plugin's setup() and FileType autocommand (start.lua).
--
-- Inputs (environment): DLSP_BIN (the server binary), DLSP_FILE (the Dockerfile to open),
-- DLSP_OUT (where to write the JSON), DLSP_EDIT (JSON {line, col, text}: an insertion in
-- 0-based line and byte column), DLSP_TIMEOUT_MS (how long to wait for each step),
-- DLSP_DIR (the folder of these scripts).

local edit = vim.fn.json_decode(os.getenv('DLSP_EDIT'))
local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local timeout = start.timeout

local result = { errors = {}, published = {} }

local shown = start.shown

local function has_code(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return true
    end
  end
  return false
end

local function run(session, fail)
  local buf, client_id = session.buf, session.client_id

  -- Step 1: the diagnostics of the file as opened.
  vim.wait(timeout, function() return session.exited or has_code(buf, 'invalid-arguments') end, 20)
  if not has_code(buf, 'invalid-arguments') then
    fail('no invalid-arguments diagnostic within ' .. timeout .. ' ms of opening the file')
  end
  if session.exited then
    fail('the server exited early with code ' .. tostring(session.exit_code))
    return
  end
  result.initial = shown(buf)

  -- Step 2: an incremental edit that fixes the syntax error.
  vim.api.nvim_buf_set_text(buf, edit.line, edit.col, edit.line, edit.col, { edit.text })
  if not vim.wait(timeout, function() return not has_code(buf, 'invalid-arguments') end, 20) then
    fail('the invalid-arguments diagnostic was not cleared within ' .. timeout .. ' ms of the edit')
  end
  result.edited_text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, true), '\n')
  result.edited = shown(buf)

  -- Step 3: the hover of the FROM keyword (line 0, column 1), as `K` would ask for it.
  -- Recorded as { answered, error, kind, value }; main.rs checks it.
  local responses, err = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 0, character = 1 },
  }, timeout)
  local response = responses and responses[client_id]
  result.hover = { answered = response ~= nil }
  if not response then
    fail('no hover response within ' .. timeout .. ' ms: ' .. tostring(err))
  else
    -- A JSON null may arrive as vim.NIL (userdata): only tables are looked into.
    if type(response.error) == 'table' then
      result.hover.error = vim.inspect(response.error)
    end
    local contents = type(response.result) == 'table' and response.result.contents or nil
    if type(contents) == 'table' then
      result.hover.kind = contents.kind
      result.hover.value = contents.value
    end
  end

  -- Step 4: a clean shutdown (`shutdown` request, then `exit`).
  start.stop(session, result, fail)
end

start.main(result, run, function(params)
  -- Records every push as the server sent it.
  table.insert(result.published, params)
end)
