-- Pins an image through Neovim's own code-action machinery, for tests/nvim/main.rs: puts
-- the cursor on the image of the first FROM, calls `vim.lsp.buf.code_action()` and
-- answers Neovim's `vim.ui.select` prompt with the "Pin … to its digest" action, as a
-- user picking it from the menu would. The action arrives without an edit: Neovim
-- resolves it (`codeAction/resolve`, where the server asks the registry) and applies the
-- workspace edit. Then it hovers the image and records the hover text (the fetched facts).
--
-- Inputs (environment): DLSP_BIN, DLSP_FILE, DLSP_OUT, DLSP_TIMEOUT_MS, DLSP_DIR and
-- DLSP_SETTINGS as in start.lua. Output: `offered` (the action titles), `title` (the one
-- picked), `resolved_late` (it came without an edit), `text` (the buffer after the
-- edit), `hover` (the hover text on the pinned image), `messages` (window/showMessage).

local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local timeout = start.timeout

local result = { errors = {}, offered = {}, messages = {} }

start.capture_messages(result.messages)

local function run(session, fail)
  local buf = session.buf
  if not start.settle(session, fail, 'open') then
    return
  end
  -- The cursor on the image of the first FROM line (after `FROM `).
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, true)
  local row
  for i, line in ipairs(lines) do
    if line:match('^FROM ') then
      row = i
      break
    end
  end
  if not row then
    fail('no FROM line')
    return
  end
  vim.api.nvim_win_set_cursor(0, { row, 6 })
  vim.ui.select = function(items, _, on_choice)
    for i, item in ipairs(items) do
      table.insert(result.offered, start.action(item).title)
    end
    for i, item in ipairs(items) do
      if start.action(item).title:match('^Pin .* to its digest$') then
        result.title = start.action(item).title
        result.resolved_late = start.action(item).edit == nil
        return on_choice(item, i)
      end
    end
    fail('no pin action among ' .. vim.fn.json_encode(result.offered))
    on_choice(nil)
  end
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  vim.lsp.buf.code_action()
  if not vim.wait(timeout, function() return vim.api.nvim_buf_get_changedtick(buf) ~= tick end, 20) then
    fail('the pin action did not change the buffer; messages: ' .. vim.fn.json_encode(result.messages))
    return
  end
  result.text = start.text(buf)
  -- The hover on the pinned image shows what the registry said.
  vim.wait(timeout, function() return start.caught_up(session) end, 20)
  vim.api.nvim_win_set_cursor(0, { row, 6 })
  local params = vim.lsp.util.make_position_params()
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, timeout)
  for _, response in pairs(responses or {}) do
    if response.result and response.result.contents then
      result.hover = response.result.contents.value
    end
  end
  start.stop(session, result, fail)
end

start.main(result, run)
