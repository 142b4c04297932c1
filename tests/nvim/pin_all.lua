-- `:DockerfileLspPinImages` for tests/nvim/main.rs: once the server has the buffer, runs
-- the plugin's command, which asks for the source action
-- `source.pinImages.dockerfile-lsp`, resolves it (the server asks the registry then)
-- and applies the edit. Records the text after it, then runs the command again on the
-- pinned file and records what the user is told (`vim.notify`, window/showMessage).
--
-- Inputs (environment): DLSP_BIN, DLSP_FILE, DLSP_OUT, DLSP_TIMEOUT_MS, DLSP_DIR and
-- DLSP_SETTINGS as in start.lua. Output: `text`, `first` / `second` ({ok, msg} as
-- `pin_images` reported them), `notes` (vim.notify), `messages` (window/showMessage).

local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local timeout = start.timeout

local result = { errors = {}, notes = {}, messages = {} }

start.capture_messages(result.messages)
vim.notify = function(msg, level)
  table.insert(result.notes, { msg = msg, level = level })
end

local function run(session, fail)
  local buf = session.buf
  local plugin = require('dockerfile_lsp')
  if not start.settle(session, fail, 'open') then
    return
  end
  -- The command as a user runs it; `pin_images` itself reports when it is done.
  local done
  local pin = plugin.pin_images
  plugin.pin_images = function(b, on_done)
    return pin(b, function(ok, msg)
      done = { ok = ok, msg = msg or vim.NIL }
      if on_done then
        on_done(ok, msg)
      end
    end)
  end
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  vim.cmd('DockerfileLspPinImages')
  if not vim.wait(timeout, function() return done ~= nil end, 20) then
    fail('the pin command did not finish; messages: ' .. vim.fn.json_encode(result.messages))
    return
  end
  result.first = done
  result.changed = vim.api.nvim_buf_get_changedtick(buf) ~= tick
  result.text = start.text(buf)

  -- Again, on the pinned file.
  vim.wait(timeout, function() return start.caught_up(session) end, 20)
  done = nil
  tick = vim.api.nvim_buf_get_changedtick(buf)
  vim.cmd('DockerfileLspPinImages')
  if not vim.wait(timeout, function() return done ~= nil end, 20) then
    fail('the second pin command did not finish')
    return
  end
  result.second = done
  result.changed_again = vim.api.nvim_buf_get_changedtick(buf) ~= tick
  start.stop(session, result, fail)
end

start.main(result, run)
