-- Types into a Dockerfile key by key through Neovim's own input machinery, for
-- tests/nvim/main.rs: each step places the cursor and types its keys (insert-mode
-- commands, <CR>, <BS>, non-ASCII text, <Esc>) as a user would: the command that
-- enters insert mode is fed with `nvim_feedkeys(…, 'nx!')`, which stays in insert mode
-- waiting for input, and a timer feeds the following keys one at a time, 5 ms apart,
-- until <Esc> ends insert mode. (Fed all at once, Vim's insert mode takes pending
-- typeahead in one batch, one change for many keys.) So Neovim sends one
-- `textDocument/didChange` per key (the plugin's client is set up with
-- `debounce_text_changes = 0`). Some steps wait for the server to catch up before the
-- next one, others follow at once.
--
-- After the last key it waits until the server published for the final version and no
-- push came for `QUIET_MS` (a ShellCheck re-push would come then), records the buffer
-- text, what Neovim shows (`vim.diagnostic.get`: byte columns) and the last push as the
-- server sent it (UTF-16 columns). Then it writes the final text to `fresh/Dockerfile`
-- (its own root, so the plugin starts a second client), opens it and records the same
-- for that fresh open.
--
-- Inputs (environment): DLSP_BIN, DLSP_FILE, DLSP_OUT, DLSP_TIMEOUT_MS, DLSP_DIR as in
-- client.lua; DLSP_STEPS: a JSON list of {cursor: [line (1-based), byte column] or
-- absent, keys: string with <CR>/<BS>/<Esc> notation, settle: bool}; DLSP_FRESH: the
-- path of the fresh copy.

local steps = vim.fn.json_decode(os.getenv('DLSP_STEPS'))
local fresh_path = os.getenv('DLSP_FRESH')
local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local timeout = start.timeout
local QUIET_MS = 700

local result = { errors = {}, steps = {} }

local shown = start.shown

local function settle(session, what, fail)
  return start.settle(session, fail, what, QUIET_MS)
end


local function run(session, fail)
  local buf = session.buf
  local client = vim.lsp.get_client_by_id(session.client_id)
  -- Counts the didChange notifications Neovim sends for the buffer.
  local changes = 0
  start.on_notify(client, function(method)
    if method == 'textDocument/didChange' then
      changes = changes + 1
    end
  end)
  if not settle(session, 'open', fail) then
    return
  end
  result.initial = shown(buf)

  for i, step in ipairs(steps) do
    if step.cursor then
      vim.api.nvim_win_set_cursor(0, step.cursor)
    end
    local before = changes
    start.type_keys(step.keys, fail)
    if vim.api.nvim_get_mode().mode ~= 'n' then
      fail('step ' .. i .. ' left Neovim in mode ' .. vim.api.nvim_get_mode().mode)
    end
    table.insert(result.steps, { keys = step.keys, did_change = changes - before, version = vim.lsp.util.buf_versions[buf] })
    if step.settle and not settle(session, 'step ' .. i, fail) then
      return
    end
  end

  if not settle(session, 'after the last key', fail) then
    return
  end
  result.text = start.text(buf)
  result.typed = shown(buf)
  result.typed_pushed = start.wire(session)
  -- The columns on the wire are in the negotiated encoding: UTF-16 with Neovim 0.7,
  -- UTF-8 with 0.11 (which offers it first).
  result.offset_encoding = vim.lsp.get_client_by_id(session.client_id).offset_encoding
  result.changes = changes

  -- The same text, opened fresh by a second client.
  vim.fn.mkdir(vim.fn.fnamemodify(fresh_path, ':h'), 'p')
  vim.fn.writefile(vim.api.nvim_buf_get_lines(buf, 0, -1, true), fresh_path)
  local fresh = start.open(fresh_path, fail)
  if not fresh then
    return
  end
  if fresh.client_id == session.client_id then
    fail('the fresh copy was attached to the typing client ' .. session.client_id)
  end
  if not settle(fresh, 'fresh open', fail) then
    return
  end
  result.fresh_text = start.text(fresh.buf)
  result.fresh = shown(fresh.buf)
  result.fresh_pushed = start.wire(fresh)
  start.stop(fresh, {}, fail)
  start.stop(session, result, fail)
end

start.main(result, run, nil, { flags = { debounce_text_changes = 0 } })
