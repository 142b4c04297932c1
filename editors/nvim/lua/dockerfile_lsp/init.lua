--- dockerfile-lsp for Neovim 0.7+: `require('dockerfile_lsp').setup(opts)` starts the
--- server for Dockerfile buffers without nvim-lspconfig and without Neovim 0.11's
--- `vim.lsp.enable` (which reads `lsp/dockerfile_lsp.lua` instead; both share the defaults
--- of that file).
---
--- One client runs per root directory (the first of `root_markers` found walking up
--- from the file, else the file's folder) and every Dockerfile buffer under that root
--- attaches to it. Neovim 0.7 has no `vim.lsp.start`: there the client is started with
--- `vim.lsp.start_client` and buffers are attached with `vim.lsp.buf_attach_client`;
--- on 0.8+ `vim.lsp.start` is used. On 0.11, which pulls diagnostics, `pull.lua` pulls
--- for the buffers Neovim does not (hidden ones, those a restart re-attaches) and
--- answers `workspace/diagnostic/refresh` (announced through the defaults'
--- `capabilities` and `handlers`). Tested on Neovim 0.7.2 and 0.11.4 (tests/nvim). The server reads `settings.dockerfileLsp` through
--- `workspace/configuration`, which Neovim's default handler answers from the client's
--- `settings` (the plugin announces the capability, which 0.7 does not), and as
--- `initializationOptions`. Calling `setup` again hands new settings to running clients.
---
--- Commands (defined by `setup`): `:DockerfileLspInfo`, `:DockerfileLspRestart`,
--- `:DockerfileLspPinImages`, `:DockerfileLspLog`. See editors/nvim/README.md.
local M = {}

--- The client name (the same as the `vim.lsp.config` name on Neovim 0.11+).
M.name = 'dockerfile_lsp'

--- The kind of the server's "Pin all images in this file" source action.
M.PIN_ALL_KIND = 'source.pinImages.dockerfile-lsp'

local state = {
  -- The merged configuration of the last `setup` call; nil before.
  config = nil,
  -- Root directory -> client id.
  clients = {},
  -- Client id -> `serverInfo` of its initialize result.
  server_info = {},
  -- Commands already reported as not executable (reported once per session).
  missing = {},
}

local uv = vim.uv or vim.loop
local islist = vim.islist or vim.tbl_islist
-- Client methods are called with `:` from Neovim 0.11 on (the `.` form is deprecated
-- there) and with `.` before.
local method_call = vim.fn.has('nvim-0.11') == 1
local function call(client, method, ...)
  if method_call then
    return client[method](client, ...)
  end
  return client[method](...)
end

local function notify(msg, level)
  vim.notify('dockerfile-lsp: ' .. msg, level or vim.log.levels.INFO)
end

-- The folder holding this plugin (editors/nvim), from this file's own path.
local function plugin_root()
  local source = debug.getinfo(1, 'S').source
  if source:sub(1, 1) == '@' then
    return vim.fn.fnamemodify(source:sub(2), ':p:h:h:h')
  end
  return nil
end

--- The defaults: a fresh copy of the table `lsp/dockerfile_lsp.lua` returns (the
--- Neovim 0.11 configuration, which is the one place they are written down).
function M.defaults()
  local root = plugin_root()
  local file = root and root .. '/lsp/dockerfile_lsp.lua'
  if not (file and uv.fs_stat(file)) then
    file = vim.api.nvim_get_runtime_file('lsp/dockerfile_lsp.lua', false)[1]
  end
  if not file then
    error('dockerfile_lsp: lsp/dockerfile_lsp.lua is not next to this plugin nor on the runtimepath')
  end
  return dofile(file)
end

-- `b` over `a`: a table of keys (`settings`, `handlers`, `capabilities`, ...) merges
-- key by key, an empty table adding nothing to it; anything else (lists such as `cmd`
-- or `root_markers`, strings, functions) replaces.
local function merge(a, b)
  if b == nil then
    return a
  end
  local a_is_map = type(a) == 'table' and next(a) ~= nil and not islist(a)
  local b_is_map = type(b) == 'table' and (next(b) == nil or not islist(b))
  if not (a_is_map and b_is_map) then
    return b
  end
  local out = {}
  for k, v in pairs(a) do
    out[k] = v
  end
  for k, v in pairs(b) do
    out[k] = merge(a[k], v)
  end
  return out
end

-- The directory `marker` is found in, walking up from `dir`; nil when none.
local function find_upward(dir, marker)
  while true do
    if uv.fs_stat(dir .. '/' .. marker) then
      return dir
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

--- The root directory of the file `fname`: `opts.root_dir` (a string, or a function of
--- the file name and the buffer), else the folder of the first `root_markers` entry
--- found walking up from the file, else the file's own folder.
function M.root_dir(fname, bufnr, config)
  config = config or state.config or M.defaults()
  local dir = vim.fn.fnamemodify(fname, ':p:h')
  if type(config.root_dir) == 'string' then
    return config.root_dir
  elseif type(config.root_dir) == 'function' then
    local root = config.root_dir(fname, bufnr)
    if root then
      return root
    end
  end
  for _, marker in ipairs(config.root_markers or {}) do
    local found = find_upward(dir, marker)
    if found then
      return found
    end
  end
  return dir
end

-- The client id serving `root`, when that client is still alive.
local function live_client(root)
  local id = state.clients[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if client and not call(client, 'is_stopped') then
    return id
  end
  state.clients[root] = nil
  return nil
end

-- Whether `buf` holds a file of one of the configured filetypes (not a scratch or
-- special buffer, nor a `scheme://` buffer such as fugitive's).
local function wanted(buf, config)
  if not vim.api.nvim_buf_is_valid(buf) or vim.bo[buf].buftype ~= '' then
    return false
  end
  local name = vim.api.nvim_buf_get_name(buf)
  if name == '' or name:match('^%a[%w+.-]*://') then
    return false
  end
  return vim.tbl_contains(config.filetypes or {}, vim.bo[buf].filetype)
end

-- The configuration handed to Neovim for a new client on `root`.
local function client_config(config, root)
  local c = vim.deepcopy(config)
  -- Options of this plugin, not of the client.
  c.root_markers, c.filetypes = nil, nil
  c.name = c.name or M.name
  c.root_dir = root
  c.capabilities = merge(vim.lsp.protocol.make_client_capabilities(), config.capabilities or {})
  -- Neovim 0.7 answers `workspace/configuration` (its default handler reads
  -- `settings`) but does not announce it, and a server only asks clients that do.
  c.capabilities.workspace = c.capabilities.workspace or {}
  c.capabilities.workspace.configuration = true
  local user_on_init, user_on_exit = config.on_init, config.on_exit
  -- The defaults' before_init (settings as initializationOptions) runs before the user's.
  local own_before_init, user_before_init = state.own_before_init, config.before_init
  if own_before_init and user_before_init ~= own_before_init then
    c.before_init = function(params, cfg)
      own_before_init(params, cfg)
      return user_before_init(params, cfg)
    end
  end
  c.on_init = function(client, result)
    -- A client under another `name` still gets the background pulls (see pull.lua).
    require('dockerfile_lsp.pull').own[client.id] = true
    state.server_info[client.id] = result and result.serverInfo
    if user_on_init then
      return user_on_init(client, result)
    end
  end
  c.on_exit = function(code, signal, client_id)
    if state.clients[root] == client_id then
      state.clients[root] = nil
    end
    state.server_info[client_id] = nil
    require('dockerfile_lsp.pull').own[client_id] = nil
    if user_on_exit then
      return user_on_exit(code, signal, client_id)
    end
  end
  if vim.fn.has('nvim-0.8') == 0 then
    -- Neovim 0.7 sets no omnifunc of its own: completion with <C-x><C-o>.
    local user_on_attach = config.on_attach
    c.on_attach = function(client, bufnr)
      if vim.bo[bufnr].omnifunc == '' then
        vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
      end
      if user_on_attach then
        return user_on_attach(client, bufnr)
      end
    end
  end
  return c
end

--- Attaches `buf` (0: the current buffer) to the client of its root, starting that
--- client when none runs. Returns the client id, or nil when the buffer is not a
--- Dockerfile buffer of a file, `setup` was not called, or the server cannot start
--- (reported with `vim.notify`).
function M.attach(buf)
  local config = state.config
  if not config then
    return nil
  end
  if buf == nil or buf == 0 then
    buf = vim.api.nvim_get_current_buf()
  end
  if not wanted(buf, config) then
    return nil
  end
  local root = M.root_dir(vim.api.nvim_buf_get_name(buf), buf, config)
  local id = live_client(root)
  if id then
    vim.lsp.buf_attach_client(buf, id)
    return id
  end
  local cmd = config.cmd
  if type(cmd) == 'table' and vim.fn.executable(cmd[1]) ~= 1 then
    if not state.missing[cmd[1]] then
      state.missing[cmd[1]] = true
      notify(
        string.format(
          '`%s` is not executable or not on PATH, so the language server cannot start. '
            .. 'Install it (`cargo install --path server` in the dockerfile-lsp repository) '
            .. 'or pass its full path: require("dockerfile_lsp").setup({ cmd = { "/path/to/dockerfile-lsp" } })',
          cmd[1]
        ),
        vim.log.levels.ERROR
      )
    end
    return nil
  end
  local c = client_config(config, root)
  if vim.lsp.start then
    -- 0.8+: vim.lsp.start attaches the current buffer (0.8 has no `bufnr` option).
    id = vim.api.nvim_buf_call(buf, function()
      return vim.lsp.start(c, { bufnr = buf })
    end)
  else
    id = vim.lsp.start_client(c)
    if id then
      vim.lsp.buf_attach_client(buf, id)
    end
  end
  if not id then
    notify('the language server could not be started (see :DockerfileLspLog)', vim.log.levels.ERROR)
    return nil
  end
  state.clients[root] = id
  return id
end

--- The client serving `buf` (0 or nil: the current buffer), or nil: one `setup()`
--- started, or one named `dockerfile_lsp` that `vim.lsp.enable` started.
function M.client(buf)
  if buf == nil or buf == 0 then
    buf = vim.api.nvim_get_current_buf()
  end
  for _, id in pairs(state.clients) do
    local client = vim.lsp.get_client_by_id(id)
    if client and vim.lsp.buf_is_attached(buf, id) then
      return client
    end
  end
  -- A client `vim.lsp.enable('dockerfile_lsp')` started (Neovim 0.11+, no setup()).
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = buf, name = M.name })[1]
  end
  return nil
end

--- The running clients of this plugin, sorted by id.
function M.clients()
  local out = {}
  for _, id in pairs(state.clients) do
    local client = vim.lsp.get_client_by_id(id)
    if client then
      table.insert(out, client)
    end
  end
  table.sort(out, function(a, b)
    return a.id < b.id
  end)
  return out
end

--- What `:DockerfileLspInfo` shows: one line per fact.
function M.info()
  local config = state.config
  if not config then
    return { 'dockerfile-lsp: setup() has not been called' }
  end
  local cmd = type(config.cmd) == 'table' and table.concat(config.cmd, ' ') or tostring(config.cmd)
  local lines = {}
  local clients = M.clients()
  if #clients == 0 then
    table.insert(lines, 'dockerfile-lsp: no client is running')
  end
  for _, client in ipairs(clients) do
    local info = state.server_info[client.id]
    table.insert(
      lines,
      string.format(
        'dockerfile-lsp: client %d (%s), root %s',
        client.id,
        client.initialized and 'running' or 'starting',
        client.config.root_dir or '?'
      )
    )
    if info then
      table.insert(lines, string.format('  server: %s %s', info.name or '?', info.version or ''))
    end
    local bufs = {}
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.lsp.buf_is_attached(b, client.id) then
        table.insert(bufs, string.format('%d %s', b, vim.api.nvim_buf_get_name(b)))
      end
    end
    table.sort(bufs)
    table.insert(lines, '  buffers: ' .. (#bufs > 0 and table.concat(bufs, ', ') or 'none'))
    table.insert(lines, '  offset encoding: ' .. tostring(client.offset_encoding))
  end
  local executable = type(config.cmd) == 'table' and vim.fn.executable(config.cmd[1]) == 1
  table.insert(lines, string.format('  cmd: %s (%s)', cmd, executable and 'executable' or 'NOT executable'))
  table.insert(lines, '  filetypes: ' .. table.concat(config.filetypes or {}, ', '))
  table.insert(lines, '  root markers: ' .. table.concat(config.root_markers or {}, ', '))
  table.insert(lines, '  settings: ' .. vim.fn.json_encode(config.settings or {}))
  table.insert(lines, '  log: ' .. vim.lsp.get_log_path())
  return lines
end

--- Stops every client of this plugin and, once they have exited, starts them again for
--- every Dockerfile buffer. `on_done(ids)` (optional) gets the new client ids.
function M.restart(on_done)
  local config = state.config
  if not config then
    notify('setup() has not been called', vim.log.levels.WARN)
    return
  end
  local stopping = M.clients()
  for _, client in ipairs(stopping) do
    call(client, 'stop')
  end
  state.clients = {}
  local waited = 0
  local function start_again()
    local alive = vim.tbl_filter(function(client)
      return vim.lsp.get_client_by_id(client.id) ~= nil
    end, stopping)
    if #alive > 0 and waited < 3000 then
      waited = waited + 50
      vim.defer_fn(start_again, 50)
      return
    end
    for _, client in ipairs(alive) do
      call(client, 'stop', true)
    end
    local ids, n = {}, 0
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and wanted(buf, config) then
        local id = M.attach(buf)
        if id then
          ids[id] = true
          n = n + 1
        end
      end
    end
    notify(string.format('restarted (%d buffer%s)', n, n == 1 and '' or 's'))
    if on_done then
      on_done(vim.tbl_keys(ids))
    end
  end
  start_again()
end

-- Applies a resolved code action: its edit, then its command.
local function apply_action(client, action, buf)
  if action.edit then
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
  end
  local command = type(action.command) == 'table' and action.command or nil
  if command then
    call(client, 'request', 'workspace/executeCommand', {
      command = command.command,
      arguments = command.arguments,
    }, nil, buf)
  end
end

--- Pins every image of `buf` (0 or nil: the current buffer) to its digest: asks the
--- server for the source action `source.pinImages.dockerfile-lsp`, resolves it (the
--- server asks the registries then) and applies the edit. `on_done(ok, message)`
--- (optional) is called at the end.
function M.pin_images(buf, on_done)
  if buf == nil or buf == 0 then
    buf = vim.api.nvim_get_current_buf()
  end
  local done = function(ok, msg, level)
    if msg then
      notify(msg, level)
    end
    if on_done then
      on_done(ok, msg)
    end
  end
  local client = M.client(buf)
  if not client then
    return done(false, 'no language server is attached to this buffer', vim.log.levels.WARN)
  end
  local last = vim.api.nvim_buf_line_count(buf)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = last, character = 0 } },
    context = { diagnostics = {}, only = { M.PIN_ALL_KIND } },
  }
  call(client, 'request', 'textDocument/codeAction', params, function(err, actions)
    if err then
      return done(false, 'code action request failed: ' .. tostring(err.message), vim.log.levels.ERROR)
    end
    local action
    for _, a in ipairs(actions or {}) do
      if a.kind == M.PIN_ALL_KIND then
        action = a
        break
      end
    end
    if not action then
      return done(false, 'nothing to pin: every image reference in this file is pinned to its current digest or cannot be pinned')
    end
    if type(action.disabled) == 'table' then
      return done(false, action.disabled.reason, vim.log.levels.WARN)
    end
    local provider = client.server_capabilities.codeActionProvider
    if action.edit or not (type(provider) == 'table' and provider.resolveProvider) then
      apply_action(client, action, buf)
      return done(true)
    end
    call(client, 'request', 'codeAction/resolve', action, function(rerr, resolved)
      if rerr then
        return done(false, 'pinning failed: ' .. tostring(rerr.message), vim.log.levels.ERROR)
      end
      -- A failed lookup comes back without an edit; the server said why (showMessage).
      apply_action(client, resolved or action, buf)
      done(resolved ~= nil and resolved.edit ~= nil)
    end, buf)
  end, buf)
end

-- The commands, by name.
local commands = {
  DockerfileLspInfo = {
    function()
      local chunks = {}
      for _, line in ipairs(M.info()) do
        table.insert(chunks, { line .. '\n' })
      end
      vim.api.nvim_echo(chunks, false, {})
    end,
    'dockerfile-lsp: show the clients, their roots, buffers and settings',
  },
  DockerfileLspRestart = {
    function()
      M.restart()
    end,
    'dockerfile-lsp: restart the language server',
  },
  DockerfileLspPinImages = {
    function()
      M.pin_images(0)
    end,
    'dockerfile-lsp: pin all images in this file to their digests',
  },
  DockerfileLspLog = {
    function()
      vim.cmd('tabnew ' .. vim.fn.fnameescape(vim.lsp.get_log_path()))
    end,
    "dockerfile-lsp: open Neovim's LSP log (the server's stderr is logged there)",
  },
}

--- Defines the commands `names` (default: all four). `lsp/dockerfile_lsp.lua` defines
--- `:DockerfileLspPinImages` and `:DockerfileLspLog` for `vim.lsp.enable` users, for
--- whom `:DockerfileLspInfo` and `:DockerfileLspRestart` (which manage `setup()`'s
--- clients) do not apply.
function M.create_commands(names)
  names = names or vim.tbl_keys(commands)
  for _, name in ipairs(names) do
    vim.api.nvim_create_user_command(name, commands[name][1], { desc = commands[name][2] })
  end
end

--- Configures the plugin and starts the server for Dockerfile buffers (those open now
--- and those opened later). `opts` override the defaults of `lsp/dockerfile_lsp.lua`:
--- `cmd`, `filetypes`, `root_markers`, `root_dir`, `settings`, `init_options`,
--- `on_attach`, `capabilities`, `handlers`, and any other key of
--- `vim.lsp.start_client` (`flags`, `on_init`, `on_exit`, `cmd_env`, ...). Tables
--- merge key by key; lists (`cmd`, `filetypes`, `root_markers`) replace. Calling it
--- again replaces the configuration (running clients keep theirs until
--- `:DockerfileLspRestart`).
function M.setup(opts)
  opts = opts or {}
  local types = {
    cmd = { 'table', 'function' },
    settings = { 'table' },
    init_options = { 'table' },
    on_attach = { 'function' },
    capabilities = { 'table' },
    handlers = { 'table' },
    root_markers = { 'table' },
    filetypes = { 'table' },
    root_dir = { 'string', 'function' },
  }
  for key, allowed in pairs(types) do
    if opts[key] ~= nil and not vim.tbl_contains(allowed, type(opts[key])) then
      error(string.format('dockerfile_lsp.setup: `%s` must be a %s, got a %s', key, table.concat(allowed, ' or '), type(opts[key])), 2)
    end
  end
  local defaults = M.defaults()
  state.own_before_init = defaults.before_init
  state.config = merge(defaults, opts)
  -- Running clients take the new settings at once: Neovim's handler answers the
  -- server's next `workspace/configuration` from them (`client.config.settings` on
  -- 0.7–0.9, `client.settings` from 0.10), and `workspace/didChangeConfiguration`
  -- makes the server ask.
  for _, client in ipairs(M.clients()) do
    local settings = vim.deepcopy(state.config.settings or {})
    client.config.settings = settings
    client.settings = settings
    call(client, 'notify', 'workspace/didChangeConfiguration', { settings = settings })
  end
  state.missing = {}
  local group = vim.api.nvim_create_augroup('dockerfile_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = state.config.filetypes,
    desc = 'dockerfile-lsp: start or reuse the language server of the buffer',
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  M.create_commands()
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) then
      M.attach(buf)
    end
  end
end

return M
