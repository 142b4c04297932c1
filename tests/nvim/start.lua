-- Shared by every script here: starts dockerfile-lsp the way a user does, through the
-- shipped plugin (editors/nvim, put on the runtimepath by main.rs with `--cmd`):
-- `require('dockerfile_lsp').setup{…}` registers the FileType autocommand, `:edit`
-- opens the Dockerfile, filetype detection says `dockerfile`, and the plugin starts the
-- client and attaches the buffer. The scripts only observe, through the `handlers` and
-- `on_exit` options that setup() passes on to the client.
--
-- `M.start` returns a session table: `client_id`, `buf`, `published_version` (the
-- version of the last push for that buffer, -1 before the first), `pushes` (how many
-- pushes the buffer got), `last_push_ms` (`vim.loop.now()` of the last one), and
-- `exited`, `exit_code`, `exit_signal` once that client's server has exited; or nil
-- after `fail`. `M.caught_up(session)` says whether the server has published
-- diagnostics for the buffer as it is now. `M.main(result, run, on_publish, opts)` starts
-- the server and runs a script body, and always writes `result` (with the errors `fail`
-- collected and Neovim's `:messages`) to DLSP_OUT, then quits (`M.run` does that part
-- for scripts that start differently); `M.stop` shuts the server down and records how
-- it exited, `M.stop_all` every client; `M.text(buf)` is the buffer's text. Shared by
-- several scripts: `M.type_keys` (keys typed one by one), `M.apply_fix` (a quick fix
-- picked from the code-action menu), `M.pull_handler` (records pulled answers),
-- `M.format_sync`, `M.action` and `M.on_notify`, which hide what Neovim 0.11 changed.
local M = {}

-- The inputs every script reads (environment): DLSP_BIN (the server binary), DLSP_FILE
-- (the Dockerfile to open), DLSP_OUT (where to write the JSON), DLSP_TIMEOUT_MS (how long
-- to wait for each step), and optionally DLSP_SETTINGS (JSON: the `dockerfileLsp`
-- settings, over `diagnostics.delayMs = 0`).
M.bin = os.getenv('DLSP_BIN')
M.file = os.getenv('DLSP_FILE')
M.out = os.getenv('DLSP_OUT')
M.timeout = tonumber(os.getenv('DLSP_TIMEOUT_MS') or '20000')

-- Pushes by buffer number, and exits by client id, as the handlers saw them.
M.pushes = {}
M.exits = {}

-- Starts the server on DLSP_FILE (`on_publish` and `opts` as in `M.start`) and runs
-- `run(session, fail)`; a Lua error becomes one of `result.errors`. Writes `result` as
-- JSON to DLSP_OUT and quits Neovim whatever happened.
function M.main(result, run, on_publish, opts)
  M.run(result, function(fail)
    local session = M.start(M.file, on_publish, fail, opts)
    if session then
      result.client_name = session.client_name
      run(session, fail)
    end
  end)
end

-- Runs `body(fail)` (a Lua error becomes one of `result.errors`), then writes `result`
-- with Neovim's `:messages` as JSON to DLSP_OUT and quits Neovim.
function M.run(result, body)
  result.errors = result.errors or {}
  local function fail(msg)
    table.insert(result.errors, msg)
  end
  local ok, err = pcall(body, fail)
  if not ok then
    fail('lua error: ' .. tostring(err))
  end
  result.messages_log = vim.fn.execute('messages')
  vim.fn.writefile({ vim.fn.json_encode(result) }, M.out)
  vim.cmd('qall!')
end

-- Shuts down every client of the plugin (or the `clients` given); `result.exit_code` is
-- 0 when all exited with 0, else the first other code.
function M.stop_all(result, fail, clients)
  result.exit_code = 0
  for _, client in ipairs(clients or require('dockerfile_lsp').clients()) do
    vim.lsp.stop_client(client.id)
    if not vim.wait(M.timeout, function() return M.exits[client.id] ~= nil end, 20) then
      fail('client ' .. client.id .. ' did not exit')
    elseif M.exits[client.id].code ~= 0 and result.exit_code == 0 then
      result.exit_code = M.exits[client.id].code
    end
  end
end

-- Whether the last push for the session's buffer was for its current version (the
-- server has the buffer as it is now, and has answered `initialize`).
function M.caught_up(session)
  return session.published_version == vim.lsp.util.buf_versions[session.buf]
end

-- Waits until the server published for the buffer's current version; `fail`s with
-- `what` otherwise. With `quiet_ms`, also until no push came for that long (a
-- ShellCheck or configuration re-push would come then).
function M.settle(session, fail, what, quiet_ms)
  local ok = vim.wait(M.timeout, function()
    return M.caught_up(session) and vim.loop.now() - session.last_push_ms >= (quiet_ms or 0)
  end, 20)
  if not ok then
    fail(what .. ': no diagnostics for version ' .. tostring(vim.lsp.util.buf_versions[session.buf])
      .. ' within ' .. M.timeout .. ' ms (last push: version ' .. tostring(session.published_version) .. ')')
  end
  return ok
end

-- What Neovim shows for `buf` (`vim.diagnostic.get`), every field the user sees, in
-- a stable order.
function M.shown(buf)
  local items = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(items, {
      code = d.code,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      message = d.message,
    })
  end
  table.sort(items, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    if a.col ~= b.col then
      return a.col < b.col
    end
    return vim.fn.json_encode(a) < vim.fn.json_encode(b)
  end)
  return items
end

-- The last diagnostics of the session's buffer as the server sent them (pushed or
-- pulled), in the negotiated position encoding.
function M.wire(session)
  local items = {}
  for _, d in ipairs((session.last_params or {}).diagnostics or {}) do
    table.insert(items, {
      code = d.code,
      line = d.range.start.line,
      character = d.range.start.character,
      end_line = d.range['end'].line,
      end_character = d.range['end'].character,
      message = d.message,
    })
  end
  return items
end

-- The code action of an item of `vim.lsp.buf.code_action`'s `vim.ui.select` menu:
-- `{client_id, action}` on Neovim 0.7, `{ action = …, ctx = … }` on 0.11.
function M.action(item)
  return item.action or item[2]
end

-- Calls `on(method, params)` for every notification `client` sends, then sends it.
-- Client methods take the client as `self` from Neovim 0.11 on (`client:notify`).
function M.on_notify(client, on)
  local notify = client.notify
  if vim.fn.has('nvim-0.11') == 1 then
    client.notify = function(self, method, params)
      on(method, params)
      return notify(self, method, params)
    end
  else
    client.notify = function(method, params)
      on(method, params)
      return notify(method, params)
    end
  end
end

-- Formats the buffer and waits for the edits: `vim.lsp.buf.formatting_sync` on Neovim
-- 0.7, which 0.11 removed for `vim.lsp.buf.format{ async = false }`.
function M.format_sync(buf)
  if vim.fn.has('nvim-0.11') == 1 then
    vim.lsp.buf.format({ bufnr = buf, async = false, timeout_ms = M.timeout })
  else
    vim.lsp.buf.formatting_sync(nil, M.timeout)
  end
end

-- The keys of a key-notation string: `<…>` names and single (UTF-8) characters, each
-- replaced by its internal code.
function M.tokens(notation)
  local out, i = {}, 1
  while i <= #notation do
    local name = notation:match('^<[%w%-]+>', i)
    local key = name or notation:match('^[%z\1-\127\194-\244][\128-\191]*', i)
    table.insert(out, vim.api.nvim_replace_termcodes(key, true, false, true))
    i = i + #key
  end
  return out
end

-- Types `notation` (Vim key notation) key by key: each run from a command entering insert mode to its <Esc>, the first
-- key fed with 'nx!' and the rest by a timer, one per tick.
function M.type_keys(notation, fail)
  local keys = M.tokens(notation)
  local esc = vim.api.nvim_replace_termcodes('<Esc>', true, false, true)
  local i = 1
  while i <= #keys do
    local j = i
    while j <= #keys and keys[j] ~= esc do
      j = j + 1
    end
    local next_key = i + 1
    local function feed()
      if next_key > j or next_key > #keys then
        return
      end
      vim.api.nvim_feedkeys(keys[next_key], 'n', false)
      next_key = next_key + 1
      vim.defer_fn(feed, 5)
    end
    vim.defer_fn(feed, 5)
    vim.api.nvim_feedkeys(keys[i], 'nx!', false)
    if next_key <= j and next_key <= #keys then
      fail('insert mode ended before key ' .. next_key .. ' of ' .. #keys)
      return
    end
    i = j + 1
  end
end

-- The first diagnostic Neovim shows for `buf` with this `code`, or nil.
function M.find(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == code then
      return d
    end
  end
  return nil
end

-- Applies a fix for the diagnostic `code` of `buf` as a user does: the cursor on it,
-- `vim.lsp.buf.code_action()`, and in Neovim's `vim.ui.select` menu the server's
-- preferred fix for that code (else its first fix; never an "Ignore" action). Records
-- `offered`, `title` and `preferred` in `step`; true once the buffer changed.
function M.apply_fix(buf, code, step, fail)
  local d = M.find(buf, code)
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  local picked = false
  vim.ui.select = function(items, _, on_choice)
    for _, item in ipairs(items) do
      table.insert(step.offered, M.action(item).title)
    end
    -- The preferred fix for the code; else (an unsafe fix is never preferred) the
    -- first fix for it, as a user reading the menu would pick.
    local first
    for i, item in ipairs(items) do
      local action = M.action(item)
      local diags = action.diagnostics or {}
      local fixes_code = diags[1] and diags[1].code == code and not action.title:find('^Ignore ')
      if fixes_code and action.isPreferred then
        first = { item, i }
        break
      end
      if fixes_code and not first then
        first = { item, i }
      end
    end
    if first then
      step.title = M.action(first[1]).title
      step.preferred = M.action(first[1]).isPreferred or false
      picked = true
      return on_choice(first[1], first[2])
    end
    fail(code .. ': no fix among ' .. vim.fn.json_encode(step.offered))
    on_choice(nil)
  end
  local tick = vim.api.nvim_buf_get_changedtick(buf)
  vim.lsp.buf.code_action()
  if not vim.wait(M.timeout, function() return vim.api.nvim_buf_get_changedtick(buf) ~= tick end, 20) then
    fail(code .. ': the buffer did not change (picked: ' .. tostring(picked) .. ')')
    return false
  end
  return true
end

-- Collects the server's `window/showMessage` texts into `list`.
function M.capture_messages(list)
  vim.lsp.handlers['window/showMessage'] = function(_, params)
    table.insert(list, params.message)
  end
end

-- A clean shutdown (`shutdown` request, then `exit`); records the exit code and signal.
function M.stop(session, result, fail)
  vim.lsp.stop_client(session.client_id)
  if not vim.wait(M.timeout, function() return session.exited end, 20) then
    fail('the server did not exit within ' .. M.timeout .. ' ms of shutdown')
  end
  result.exit_code = session.exit_code
  result.exit_signal = session.exit_signal
end

-- The buffer's text, one line break per line.
function M.text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, true), '\n') .. '\n'
end

-- The session of `buf`, filled by the handlers as pushes arrive.
local function push_state(buf)
  M.pushes[buf] = M.pushes[buf] or { published_version = -1, pushes = 0, last_push_ms = 0 }
  return M.pushes[buf]
end

-- Records diagnostics for `version` of `buf` (`params` as a push has them) and shows
-- them to `on_publish`.
local function record(buf, version, params, on_publish)
  local s = push_state(buf)
  s.published_version = version or s.published_version
  s.pushes = s.pushes + 1
  s.last_push_ms = vim.loop.now()
  s.last_params = params
  if on_publish then
    on_publish(params)
  end
end

-- A `textDocument/diagnostic` handler that records each answer as a push (then hands
-- it to Neovim's own handler, which also tells the user about an error answer).
function M.pull_handler(on_publish)
  local neovim = vim.lsp.handlers['textDocument/diagnostic']
  -- Neovim 0.11 pulls (`textDocument/diagnostic` after each didOpen/didChange; it
  -- declares the capability, so the server does not push): an answer counts as a
  -- push for the version the request was made for (`ctx.version`).
  return function(err, result, ctx, config)
    if err == nil and type(result) == 'table' and ctx.bufnr then
      local s = push_state(ctx.bufnr)
      -- An `unchanged` report keeps the items of the previous answer.
      local items = result.items
      if items == nil and s.last_params then
        items = s.last_params.diagnostics
      end
      record(ctx.bufnr, ctx.version, {
        uri = vim.uri_from_bufnr(ctx.bufnr),
        version = ctx.version,
        diagnostics = items or {},
      }, on_publish)
    end
    return neovim(err, result, ctx, config)
  end
end

-- The plugin's setup() with the test's binary, settings and observers; `opts` (optional)
-- adds to or overrides those setup options (tables merge).
function M.setup(on_publish, opts)
  local settings = vim.tbl_deep_extend(
    'force',
    { diagnostics = { delayMs = 0 } },
    os.getenv('DLSP_SETTINGS') and vim.fn.json_decode(os.getenv('DLSP_SETTINGS')) or {}
  )
  require('dockerfile_lsp').setup(vim.tbl_deep_extend('force', {
    cmd = { M.bin, 'serve' },
    settings = { dockerfileLsp = settings },
    handlers = {
      -- Neovim 0.7-0.10: the server pushes.
      ['textDocument/publishDiagnostics'] = function(err, params, ctx, config)
        record(vim.uri_to_bufnr(params.uri), params.version, params, on_publish)
        return vim.lsp.diagnostic.on_publish_diagnostics(err, params, ctx, config)
      end,
      -- Neovim 0.11 pulls (the server does not push then).
      ['textDocument/diagnostic'] = M.pull_handler(on_publish),
    },
    on_exit = function(code, signal, client_id)
      M.exits[client_id] = { code = code, signal = signal }
    end,
  }, opts or {}))
end

-- Opens `file` with `:edit` and waits until the plugin's client for it has initialized.
-- Returns the session (see the header), or nil after `fail`. `client_of(buf)`
-- (optional) finds the client instead of the plugin's `client()`.
function M.open(file, fail, client_of)
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  if vim.bo[buf].filetype ~= 'dockerfile' then
    fail(file .. ': filetype is `' .. vim.bo[buf].filetype .. '`, not dockerfile')
    return nil
  end
  client_of = client_of or require('dockerfile_lsp').client
  local ready = vim.wait(M.timeout, function()
    local client = client_of(buf)
    return client ~= nil and client.initialized == true
  end, 20)
  local client = client_of(buf)
  if not (ready and client) then
    fail(file .. ': no initialized dockerfile_lsp client attached within ' .. M.timeout .. ' ms')
    return nil
  end
  local session = setmetatable({ client_id = client.id, buf = buf, client_name = client.name }, {
    __index = function(_, key)
      if key == 'exited' then
        return M.exits[client.id] ~= nil
      elseif key == 'exit_code' then
        return (M.exits[client.id] or {}).code
      elseif key == 'exit_signal' then
        return (M.exits[client.id] or {}).signal
      end
      return push_state(buf)[key]
    end,
  })
  return session
end

-- setup() then open(): the usual start of a script.
function M.start(file, on_publish, fail, opts)
  -- Debug level puts the whole JSON-RPC traffic into lsp.log, which the test prints on failure.
  vim.lsp.set_log_level('debug')
  M.setup(on_publish, opts)
  return M.open(file, fail)
end

return M
