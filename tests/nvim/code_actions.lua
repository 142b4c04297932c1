-- Drives Neovim's own code-action machinery against dockerfile-lsp for tests/nvim/main.rs:
-- for each step, it puts the cursor on the diagnostic with the step's code, calls
-- `vim.lsp.buf.code_action()` (which asks the server with the line's diagnostics, data
-- included) and answers Neovim's `vim.ui.select` prompt with the server's preferred fix
-- for that code (or its first fix), exactly as a user picking it from the menu would. Neovim then resolves
-- and applies the workspace edit itself. After each step the buffer text is recorded.
--
-- Inputs (environment): DLSP_BIN, DLSP_FILE, DLSP_OUT, DLSP_TIMEOUT_MS, DLSP_DIR as in client.lua,
-- and DLSP_STEPS: a JSON list of rule codes, applied in order; `source.fixAll` runs fix-all.

local steps = vim.fn.json_decode(os.getenv('DLSP_STEPS'))
local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local timeout = start.timeout

local result = { errors = {}, steps = {} }

local text = start.text

local function run(session, fail)
  local buf = session.buf

  for _, code in ipairs(steps) do
    local step = { code = code, offered = {} }
    table.insert(result.steps, step)
    if code == 'source.fixAll' then
      -- Fix-all as an on-save hook would run it: a source action asked for by kind,
      -- resolved by Neovim (codeAction/resolve) when it comes without an edit.
      vim.wait(timeout, function() return start.caught_up(session) end, 20)
      vim.ui.select = function(items, _, on_choice)
        for i, item in ipairs(items) do
          table.insert(step.offered, start.action(item).title)
          if start.action(item).kind == 'source.fixAll.dockerfile-lsp' then
            step.title = start.action(item).title
            -- Offered without an edit: Neovim must resolve it.
            step.resolved_late = start.action(item).edit == nil
            return on_choice(item, i)
          end
        end
        fail('fix-all not offered among ' .. vim.fn.json_encode(step.offered))
        on_choice(nil)
      end
      local tick = vim.api.nvim_buf_get_changedtick(buf)
      -- Neovim 0.7 takes the context itself; 0.8+ takes options holding it.
      if vim.fn.has('nvim-0.8') == 1 then
        vim.lsp.buf.code_action({ context = { only = { 'source.fixAll' } } })
      else
        vim.lsp.buf.code_action({ only = { 'source.fixAll' } })
      end
      if not vim.wait(timeout, function() return vim.api.nvim_buf_get_changedtick(buf) ~= tick end, 20) then
        fail('fix-all did not change the buffer')
        return
      end
      step.text = text(buf)
      goto continue
    end
    -- Diagnostics of the buffer as it is now (the push for its current version).
    local current = function()
      return start.caught_up(session) and start.find(buf, code) ~= nil
    end
    if not vim.wait(timeout, current, 20) then
      fail(code .. ': no diagnostic with this code for the current buffer version')
      return
    end
    if not start.apply_fix(buf, code, step, fail) then
      return
    end
    step.text = text(buf)
    ::continue::
  end
  -- The final text's diagnostics, once the server has caught up.
  vim.wait(timeout, function() return start.caught_up(session) end, 20)
  result.final_codes = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.final_codes, d.code)
  end
  start.stop(session, result, fail)
end

start.main(result, run)
