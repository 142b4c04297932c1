-- Drives Neovim's own formatting machinery against dockerfile-lsp for
-- tests/nvim/main.rs: once the server has published diagnostics (so it is initialised),
-- `vim.lsp.buf.formatting_sync()` (0.7; `vim.lsp.buf.format` on 0.11) formats the buffer with spaces (`expandtab`,
-- `shiftwidth=4`: Neovim sends tabSize 4, insertSpaces true), then again with
-- `noexpandtab` (insertSpaces false). Neovim applies the returned edits itself; the
-- buffer text after each run is recorded.
--
-- Inputs (environment): DLSP_BIN, DLSP_FILE, DLSP_OUT, DLSP_TIMEOUT_MS, DLSP_DIR as in client.lua.

local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local timeout = start.timeout

local result = { errors = {}, texts = {} }

local text = start.text

local function run(session, fail)
  local buf = session.buf
  if not start.settle(session, fail, 'open') then
    return
  end
  vim.bo[buf].shiftwidth = 4
  vim.bo[buf].tabstop = 4
  vim.bo[buf].expandtab = true
  start.format_sync(buf)
  table.insert(result.texts, text(buf))
  vim.bo[buf].expandtab = false
  start.format_sync(buf)
  table.insert(result.texts, text(buf))
  start.stop(session, result, fail)
end

start.main(result, run)
