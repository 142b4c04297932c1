-- Exercises the plugin itself (editors/nvim) for tests/nvim/main.rs: filetype detection
-- of Containerfiles and `*.dockerfile`, one client per root (found by `root_markers`)
-- shared by the buffers under it, settings answered through `workspace/configuration`
-- and sent as `initializationOptions`, a project's dockerfile-lsp.toml still honoured,
-- `lsp/dockerfile_lsp.lua` loaded with `dofile`, buffers that are not files left alone,
-- `:DockerfileLspInfo`,
-- `:DockerfileLspRestart`, and setup() called again with other settings.
--
-- Inputs (environment): DLSP_BIN, DLSP_FILE (proj/Containerfile), DLSP_OUT,
-- DLSP_TIMEOUT_MS, DLSP_DIR as in client.lua; DLSP_SETTINGS (the `dockerfileLsp`
-- settings); DLSP_PLUGIN (the plugin folder); DLSP_ROOT (the test directory); DLSP_FILES:
-- a JSON list of further files to open, relative to DLSP_ROOT.

local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local timeout = start.timeout
local root = os.getenv('DLSP_ROOT')
local files = vim.fn.json_decode(os.getenv('DLSP_FILES'))
local plugin = require('dockerfile_lsp')

local result = { errors = {}, files = {}, configuration = {}, init_options = {} }

-- What the server was told: every workspace/configuration answer (through Neovim's
-- default handler, which the plugin relies on) and the initializationOptions.
local opts = {
  handlers = {
    ['workspace/configuration'] = function(err, params, ctx, config)
      local answer = vim.lsp.handlers['workspace/configuration'](err, params, ctx, config)
      table.insert(result.configuration, { items = params.items, answer = answer })
      return answer
    end,
  },
  before_init = function(params)
    table.insert(result.init_options, params.initializationOptions or vim.NIL)
  end,
}

-- The diagnostics Neovim shows for `buf`: {code, severity, lnum}.
local function shown(buf)
  local items = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(items, { code = d.code, severity = d.severity, lnum = d.lnum })
  end
  table.sort(items, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.code < b.code)
  end)
  return items
end

-- A push for the session's current version, then a quiet moment (a configuration
-- change republishes).
local function settle(session, what, fail)
  return start.settle(session, fail, what, 500)
end

-- Waits until every session got a push after the counts in `before` and `also()`
-- holds; `fail`s with `what` otherwise.
local function all_pushed(sessions, before, also, fail, what)
  local ok = vim.wait(timeout, function()
    for i, session in ipairs(sessions) do
      if session.pushes <= before[i] then
        return false
      end
    end
    return also()
  end, 20)
  if not ok then
    fail(what)
  end
end

local function record(session, name)
  local client = vim.lsp.get_client_by_id(session.client_id)
  local entry = {
    name = name,
    filetype = vim.bo[session.buf].filetype,
    client_id = session.client_id,
    root = client and client.config.root_dir,
    diagnostics = shown(session.buf),
  }
  table.insert(result.files, entry)
  return entry
end

local function run(first, fail)
  local sessions = { first }
  settle(first, 'Containerfile', fail)
  record(first, 'Containerfile')
  for _, name in ipairs(files) do
    local session = start.open(root .. '/' .. name, fail)
    if not session then
      return
    end
    settle(session, name, fail)
    record(session, name)
    table.insert(sessions, session)
  end

  -- The 0.11 configuration file, read as Neovim 0.11's vim.lsp.config would read it.
  local config = dofile(os.getenv('DLSP_PLUGIN') .. '/lsp/dockerfile_lsp.lua')
  result.lsp_config = {
    cmd = config.cmd,
    filetypes = config.filetypes,
    root_markers = config.root_markers,
    settings = config.settings,
    before_init = type(config.before_init),
  }

  -- Buffers that are not files are left alone: a fugitive-style `scheme://` buffer and
  -- an unnamed scratch buffer, both with the dockerfile filetype.
  local clients_before = #plugin.clients()
  result.not_files = {}
  for _, name in ipairs({ 'fugitive://' .. root .. '/proj/.git//0/Containerfile', '' }) do
    local scratch = vim.api.nvim_create_buf(true, false)
    if name ~= '' then
      vim.api.nvim_buf_set_name(scratch, name)
    end
    vim.bo[scratch].filetype = 'dockerfile'
    table.insert(result.not_files, plugin.client(scratch) ~= nil or #plugin.clients() ~= clients_before)
  end

  result.info = vim.fn.execute('DockerfileLspInfo')

  -- Restart: every client stops cleanly, new ones start for every buffer.
  local old = {}
  for _, client in ipairs(plugin.clients()) do
    table.insert(old, client.id)
  end
  result.old_clients = old
  local before = {}
  for i, session in ipairs(sessions) do
    before[i] = session.pushes
  end
  result.asked_before_restart = #result.configuration
  vim.cmd('DockerfileLspRestart')
  all_pushed(sessions, before, function()
    for _, session in ipairs(sessions) do
      local client = plugin.client(session.buf)
      if not (client and client.initialized) then
        return false
      end
    end
    return true
  end, fail, 'after :DockerfileLspRestart not every buffer was attached again and got diagnostics')
  result.old_exits = {}
  for _, id in ipairs(old) do
    vim.wait(timeout, function() return start.exits[id] ~= nil end, 20)
    table.insert(result.old_exits, start.exits[id] or vim.NIL)
  end
  result.new_clients = {}
  for _, client in ipairs(plugin.clients()) do
    table.insert(result.new_clients, client.id)
  end
  result.after_restart = {}
  for _, session in ipairs(sessions) do
    local client = plugin.client(session.buf)
    table.insert(result.after_restart, {
      client_id = client and client.id or vim.NIL,
      root = client and client.config.root_dir or vim.NIL,
      diagnostics = shown(session.buf),
    })
  end

  -- setup() again with other settings: the running clients take them, no restart.
  -- First the restarted clients finish their start: both asked for their settings (as
  -- often as before the restart: Neovim 0.11 also sends didChangeConfiguration after
  -- initialize, and the server asks again) and republished with them.
  if not vim.wait(timeout, function() return #result.configuration >= 2 * result.asked_before_restart end, 20) then
    fail('the restarted clients did not ask for their settings')
  end
  for _, session in ipairs(sessions) do
    settle(session, 'after the restart', fail)
  end
  for i, session in ipairs(sessions) do
    before[i] = session.pushes
  end
  local asked = #result.configuration
  start.setup(nil, vim.tbl_deep_extend('force', opts, {
    settings = { dockerfileLsp = { rules = { ['run-cd'] = 'warning', ['maintainer-deprecated'] = 'off' } } },
  }))
  all_pushed(sessions, before, function()
    return #result.configuration >= asked + 2
  end, fail, 'after setup() with new settings not every buffer got new diagnostics')
  result.after_settings = {}
  for _, session in ipairs(sessions) do
    settle(session, 'after new settings', fail)
    table.insert(result.after_settings, shown(session.buf))
  end
  result.same_clients = #plugin.clients() == #result.new_clients

  start.stop_all(result, fail)
end

start.main(result, run, nil, opts)
