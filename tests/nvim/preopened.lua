-- setup() after Dockerfiles are already open, for tests/nvim/main.rs: two files in two
-- roots are opened first (the first one then hidden), then `setup{}` must attach both,
-- each to the client of its root, and both get diagnostics.
--
-- With DLSP_SHIM set, `vim.lsp.start` is first given a stand-in with Neovim 0.8's
-- behaviour (start a client, attach the *current* buffer; reuse is the caller's
-- business), so that the plugin's 0.8+ branch runs on 0.7: it must make each buffer
-- current while starting its client. The stand-in records the current buffer and the
-- `bufnr` option of every call.
--
-- Inputs (environment): DLSP_BIN, DLSP_OUT, DLSP_TIMEOUT_MS, DLSP_DIR as in client.lua;
-- DLSP_ROOT; DLSP_FILES (JSON list of two paths under DLSP_ROOT).

local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local root = os.getenv('DLSP_ROOT')
local result = { errors = {}, starts = {}, buffers = {} }

start.run(result, function(fail)
  if os.getenv('DLSP_SHIM') then
    vim.lsp.start = function(config, opts)
      local current = vim.api.nvim_get_current_buf()
      table.insert(result.starts, { current = current, bufnr = opts and opts.bufnr, root = config.root_dir })
      local id = vim.lsp.start_client(config)
      if id then
        vim.lsp.buf_attach_client(current, id)
      end
      return id
    end
  end
  local bufs = {}
  for _, name in ipairs(vim.fn.json_decode(os.getenv('DLSP_FILES'))) do
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. name))
    table.insert(bufs, vim.api.nvim_get_current_buf())
  end
  result.current = vim.api.nvim_get_current_buf()
  vim.lsp.set_log_level('debug')
  start.setup()
  local plugin = require('dockerfile_lsp')
  for _, buf in ipairs(bufs) do
    local ready = vim.wait(start.timeout, function()
      local client = plugin.client(buf)
      return client ~= nil and client.initialized and (start.pushes[buf] or {}).pushes ~= nil
    end, 20)
    local client = plugin.client(buf)
    table.insert(result.buffers, {
      buf = buf,
      attached = ready,
      root = client and client.config.root_dir or vim.NIL,
      client_id = client and client.id or vim.NIL,
    })
  end
  start.stop_all(result, fail)
end)
