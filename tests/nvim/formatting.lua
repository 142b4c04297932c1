-- Drives Neovim 0.7's own formatting machinery against dockerfile-lsp for
-- tests/nvim/main.rs: once the server has published diagnostics (so it is initialised),
-- `vim.lsp.buf.formatting_sync()` formats the buffer with spaces (`expandtab`,
-- `shiftwidth=4`: Neovim sends tabSize 4, insertSpaces true), then again with
-- `noexpandtab` (insertSpaces false). Neovim applies the returned edits itself; the
-- buffer text after each run is recorded.
--
-- Inputs (environment): DLSP_BIN, DLSP_FILE, DLSP_OUT, DLSP_TIMEOUT_MS, DLSP_DIR as in client.lua.

local bin = os.getenv('DLSP_BIN')
local file = os.getenv('DLSP_FILE')
local out = os.getenv('DLSP_OUT')
local timeout = tonumber(os.getenv('DLSP_TIMEOUT_MS') or '20000')
local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')

local result = { errors = {}, texts = {} }

local function fail(msg)
  table.insert(result.errors, msg)
end

local function text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, true), '\n') .. '\n'
end

local function run()
  local published = false
  local session = start.start(bin, file, function()
    published = true
  end, fail)
  if not session then
    return
  end
  local buf, client_id = session.buf, session.client_id
  if not vim.wait(timeout, function() return published end, 20) then
    fail('no diagnostics published: the server did not start')
    return
  end
  vim.bo[buf].shiftwidth = 4
  vim.bo[buf].tabstop = 4
  vim.bo[buf].expandtab = true
  vim.lsp.buf.formatting_sync(nil, timeout)
  table.insert(result.texts, text(buf))
  vim.bo[buf].expandtab = false
  vim.lsp.buf.formatting_sync(nil, timeout)
  table.insert(result.texts, text(buf))
  vim.lsp.stop_client(client_id)
  if not vim.wait(timeout, function() return session.exited end, 20) then
    fail('the server did not exit within ' .. timeout .. ' ms of shutdown')
  end
  result.exit_code = session.exit_code
end

local ok, err = pcall(run)
if not ok then
  fail('lua error: ' .. tostring(err))
end
vim.fn.writefile({ vim.fn.json_encode(result) }, out)
vim.cmd('qall!')
