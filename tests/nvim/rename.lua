-- Drives Neovim's own rename against dockerfile-lsp for tests/nvim/main.rs: for each step
-- it puts the cursor on a name and calls `vim.lsp.buf.rename(new_name)`, which asks the
-- server with `textDocument/prepareRename`, then `textDocument/rename`, and applies the
-- workspace edit itself (positions converted by Neovim in the negotiated encoding). After
-- each step the buffer text is recorded. Finally it sends a rename with an invalid name
-- and records the error the server answers.
--
-- Inputs (environment): DLSP_BIN, DLSP_FILE, DLSP_OUT, DLSP_TIMEOUT_MS, DLSP_DIR as in
-- client.lua, and DLSP_STEPS: a JSON list of {line (1-based), col (0-based byte column),
-- name}; DLSP_INVALID: {line, col, name} for the refused rename.

local steps = vim.fn.json_decode(os.getenv('DLSP_STEPS'))
local invalid = vim.fn.json_decode(os.getenv('DLSP_INVALID'))
local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local timeout = start.timeout

local result = { errors = {}, steps = {} }

local text = start.text

local function run(session, fail)
  local buf, client_id = session.buf, session.client_id
  -- Messages Neovim would show the user (e.g. "Nothing to rename").
  local notes = {}
  vim.notify = function(msg)
    table.insert(notes, msg)
  end

  for _, step in ipairs(steps) do
    -- The server has the buffer as it is now once it published its diagnostics.
    if not vim.wait(timeout, function() return start.caught_up(session) end, 20) then
      fail('no diagnostics for the current buffer version before renaming to ' .. step.name)
      return
    end
    vim.api.nvim_win_set_cursor(0, { step.line, step.col })
    local tick = vim.api.nvim_buf_get_changedtick(buf)
    vim.lsp.buf.rename(step.name)
    if not vim.wait(timeout, function() return vim.api.nvim_buf_get_changedtick(buf) ~= tick end, 20) then
      fail('renaming to ' .. step.name .. ' did not change the buffer; notes: ' .. vim.fn.json_encode(notes))
      return
    end
    -- A workspace edit of several text edits is applied at once; let it settle.
    vim.wait(100)
    table.insert(result.steps, { name = step.name, text = text(buf) })
  end

  -- A name BuildKit would reject: the server answers an error, and the buffer stays.
  local client = vim.lsp.get_client_by_id(client_id)
  vim.api.nvim_win_set_cursor(0, { invalid.line, invalid.col })
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  params.newName = invalid.name
  local before = text(buf)
  local response = client.request_sync('textDocument/rename', params, timeout, buf)
  if not response then
    fail('no answer to the invalid rename')
  else
    result.invalid_error = response.err and response.err.message or vim.NIL
  end
  result.unchanged = text(buf) == before
  result.offset_encoding = client.offset_encoding

  start.stop(session, result, fail)
end

start.main(result, run)
