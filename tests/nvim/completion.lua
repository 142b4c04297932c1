-- Asks dockerfile-lsp for completions through Neovim's own LSP client for
-- tests/nvim/main.rs: for each position it sends `textDocument/completion` with
-- `vim.lsp.buf_request_sync` (as completion plugins do), records the labels and the
-- edits, and turns the answer into Vim complete-items with Neovim's
-- `vim.lsp.util.text_document_completion_list_to_complete_items`, as its omnifunc does.
--
-- Inputs (environment): DLSP_BIN, DLSP_FILE, DLSP_OUT, DLSP_TIMEOUT_MS, DLSP_DIR as in
-- client.lua, and DLSP_POSITIONS: a JSON list of {line, character} (0-based, UTF-16).

local positions = vim.fn.json_decode(os.getenv('DLSP_POSITIONS'))
local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local timeout = start.timeout

local result = { errors = {}, answers = {} }

local function run(session, fail)
  local buf, client_id = session.buf, session.client_id
  -- The first push means the server is initialized and has the document.
  if not vim.wait(timeout, function() return start.caught_up(session) or session.exited end, 20) then
    fail('no diagnostics pushed within ' .. timeout .. ' ms of opening the file')
    return
  end

  -- The omnifunc is set (by the plugin on 0.7, by Neovim itself on 0.11), so <C-x><C-o> asks the server.
  result.omnifunc = vim.bo[buf].omnifunc

  for _, pos in ipairs(positions) do
    local answer = { line = pos.line, character = pos.character, labels = {}, edits = {} }
    table.insert(result.answers, answer)
    local responses, err = vim.lsp.buf_request_sync(buf, 'textDocument/completion', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = pos.line, character = pos.character },
    }, timeout)
    local response = responses and responses[client_id]
    if not response then
      fail('no completion response within ' .. timeout .. ' ms: ' .. tostring(err))
    elseif type(response.error) == 'table' then
      fail('completion error: ' .. vim.inspect(response.error))
    elseif type(response.result) == 'table' then
      local items = response.result.items or response.result
      for _, item in ipairs(items) do
        table.insert(answer.labels, item.label)
        if item.textEdit then
          table.insert(answer.edits, {
            label = item.label,
            new_text = item.textEdit.newText,
            start = item.textEdit.range.start.character,
            ['end'] = item.textEdit.range['end'].character,
          })
        end
      end
      local line = vim.api.nvim_buf_get_lines(buf, pos.line, pos.line + 1, true)[1]
      local prefix = line:sub(1, pos.character):match('[%w_-]*$') or ''
      -- Neovim 0.11 moved the conversion its omnifunc uses into vim.lsp.completion.
      local complete_items
      if vim.lsp.completion and vim.lsp.completion._lsp_to_complete_items then
        complete_items = vim.lsp.completion._lsp_to_complete_items(response.result, prefix, client_id)
      else
        complete_items = vim.lsp.util.text_document_completion_list_to_complete_items(response.result, prefix)
      end
      answer.vim_words = {}
      for _, ci in ipairs(complete_items) do
        table.insert(answer.vim_words, ci.word)
      end
    end
  end

  start.stop(session, result, fail)
end

start.main(result, run)
