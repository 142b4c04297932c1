-- Neovim 0.11's own way to start a server, for tests/nvim/main.rs: no setup(). The
-- plugin is only on the runtimepath (its lsp/dockerfile_lsp.lua and ftdetect/), and the
-- user writes
--   vim.lsp.config('dockerfile_lsp', { cmd = …, settings = { dockerfileLsp = … } })
--   vim.lsp.enable('dockerfile_lsp')
-- then `:edit`s a Dockerfile. Recorded: the client's name and root, the diagnostics
-- Neovim pulled for the file as opened, a hover, one quick fix picked from Neovim's
-- code-action menu, keys typed one by one, then the diagnostics of the same text opened
-- fresh (another root, so another client), a Containerfile in a third root, and its
-- diagnostics after the rule is turned back on.
--
-- The test only observes: `vim.lsp.handlers['textDocument/diagnostic']` (Neovim's
-- global handler, which the configuration leaves alone) records each pulled answer,
-- and the configuration's `on_exit` records how the servers exited.
--
-- Inputs (environment): DLSP_BIN, DLSP_FILE (the Dockerfile), DLSP_OUT, DLSP_TIMEOUT_MS,
-- DLSP_DIR as in client.lua; DLSP_ROOT; DLSP_RULE_OFF (the rule the settings turn
-- off); DLSP_FIX (the code whose preferred fix is applied); DLSP_STEPS (as in
-- typing.lua); DLSP_FRESH (where the fresh copy goes) and DLSP_CONTAINERFILE (both
-- relative to DLSP_ROOT).

local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local timeout = start.timeout
local root = os.getenv('DLSP_ROOT')
local steps = vim.fn.json_decode(os.getenv('DLSP_STEPS'))
local QUIET_MS = 700

local result = { errors = {}, files = {}, steps = {} }

-- The client of `buf` that vim.lsp.enable started.
local function client_of(buf)
  return vim.lsp.get_clients({ bufnr = buf, name = 'dockerfile_lsp' })[1]
end

-- Opens `file` (under DLSP_ROOT unless absolute), waits for its diagnostics and records
-- what the user sees in `result.files`. Returns the session, or nil after `fail`.
local function open(file, fail)
  local session = start.open(file, fail, client_of)
  if not (session and start.settle(session, fail, file, QUIET_MS)) then
    return nil
  end
  local client = client_of(session.buf)
  table.insert(result.files, {
    name = vim.fn.fnamemodify(file, ':t'),
    filetype = vim.bo[session.buf].filetype,
    client_name = client.name,
    client_id = client.id,
    root = client.root_dir or vim.NIL,
    offset_encoding = client.offset_encoding,
    shown = start.shown(session.buf),
    pulled = start.wire(session),
    text = start.text(session.buf),
  })
  return session
end

local function run(fail)
  vim.lsp.set_log_level('debug')
  vim.lsp.handlers['textDocument/diagnostic'] = start.pull_handler()
  vim.lsp.config('dockerfile_lsp', {
    cmd = { start.bin, 'serve' },
    settings = {
      dockerfileLsp = {
        diagnostics = { delayMs = 0 },
        rules = { [os.getenv('DLSP_RULE_OFF')] = 'off' },
      },
    },
    on_exit = function(code, signal, client_id)
      start.exits[client_id] = { code = code, signal = signal }
    end,
  })
  vim.lsp.enable('dockerfile_lsp')

  local session = open(start.file, fail)
  if not session then
    return
  end
  local buf = session.buf
  result.client_name = client_of(buf).name

  -- Hover on the FROM keyword.
  local client = client_of(buf)
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  params.position = { line = 0, character = 1 }
  local answers = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, timeout) or {}
  local hover = (answers[client.id] or {}).result
  result.hover = hover and hover.contents or vim.NIL

  -- One quick fix through the code-action menu.
  local fix = { code = os.getenv('DLSP_FIX'), offered = {} }
  result.fix = fix
  if not start.apply_fix(buf, fix.code, fix, fail) then
    return
  end
  fix.text = start.text(buf)
  if not start.settle(session, fail, 'after the fix', QUIET_MS) then
    return
  end

  -- Keys typed one by one.
  for i, step in ipairs(steps) do
    if step.cursor then
      vim.api.nvim_win_set_cursor(0, step.cursor)
    end
    start.type_keys(step.keys, fail)
    table.insert(result.steps, { keys = step.keys, version = vim.lsp.util.buf_versions[buf] })
    if step.settle and not start.settle(session, fail, 'step ' .. i, QUIET_MS) then
      return
    end
  end
  if not start.settle(session, fail, 'after the last key', QUIET_MS) then
    return
  end
  result.typed = {
    text = start.text(buf),
    shown = start.shown(buf),
    pulled = start.wire(session),
    client_id = client_of(buf).id,
  }

  -- The same text opened fresh, then a Containerfile.
  local fresh = root .. '/' .. os.getenv('DLSP_FRESH')
  vim.fn.mkdir(vim.fn.fnamemodify(fresh, ':h'), 'p')
  vim.fn.writefile(vim.api.nvim_buf_get_lines(buf, 0, -1, true), fresh)
  if not open(fresh, fail) then
    return
  end
  local other = open(root .. '/' .. os.getenv('DLSP_CONTAINERFILE'), fail)
  if not other then
    return
  end

  -- New settings for the Containerfile's client, the rule back on, as a user changes
  -- them: the server asks for them again and, since Neovim 0.11 pulls, asks for a new
  -- pull with workspace/diagnostic/refresh (which the plugin's lsp/dockerfile_lsp.lua
  -- announces and answers; Neovim alone does neither).
  local rule = os.getenv('DLSP_RULE_OFF')
  local c = client_of(other.buf)
  local before = other.pushes
  c.settings = vim.tbl_deep_extend('force', c.settings, { dockerfileLsp = { rules = { [rule] = 'warning' } } })
  c:notify('workspace/didChangeConfiguration', { settings = c.settings })
  result.rule_back_on = vim.wait(timeout, function()
    return other.pushes > before and start.find(other.buf, rule) ~= nil
  end, 20)
  result.after_settings = start.shown(other.buf)

  -- :DockerfileLspPinImages works without setup(): on a file whose only image cannot be
  -- pinned (`scratch`), the server offers nothing and the command says so.
  local scratch = root .. '/other/scratch.Dockerfile'
  vim.fn.writefile({ 'FROM scratch' }, scratch)
  local pinned = start.open(scratch, fail, client_of)
  if not pinned then
    return
  end
  local notes = {}
  local notify = vim.notify
  vim.notify = function(msg, level)
    table.insert(notes, { msg = msg, level = level })
  end
  vim.cmd('DockerfileLspPinImages')
  vim.wait(timeout, function() return #notes > 0 end, 20)
  vim.notify = notify
  result.pin_notes = notes
  result.pin_client = client_of(pinned.buf).id
  result.commands = {
    pin = vim.fn.exists(':DockerfileLspPinImages'),
    log = vim.fn.exists(':DockerfileLspLog'),
    info = vim.fn.exists(':DockerfileLspInfo'),
  }

  -- Every client shuts down cleanly. A refresh request arriving after `shutdown` (the
  -- server sends one when a restart follows a start closely) must not make the plugin
  -- pull from the stopping client: its server would answer with an error the user sees.
  local clients = vim.lsp.get_clients({ name = 'dockerfile_lsp' })
  for _, c in ipairs(clients) do
    c:stop()
    require('dockerfile_lsp.pull').on_refresh(nil, nil, { client_id = c.id })
  end
  start.stop_all(result, fail, clients)
end

start.run(result, run)
