-- The plugin without a server binary, and filetype detection, for tests/nvim/main.rs:
-- setup() with a `cmd` that does not exist, then every Dockerfile name the CLI knows is
-- opened. Records each file's filetype and whether a client got attached, every
-- `vim.notify` message (the missing binary must be reported once, as an error, with
-- the fix), `:DockerfileLspInfo`, what `:DockerfileLspPinImages` says without a
-- client, and whether `:DockerfileLspLog` opened the LSP log. With DLSP_LUA_FILETYPE set (main.rs then switches Neovim 0.7 to Lua filetype
-- detection only), also what `vim.filetype.match` says for buffers that were never read,
-- which only the plugin's `vim.filetype.add` rules can answer.
--
-- Inputs (environment): DLSP_OUT, DLSP_DIR, DLSP_ROOT, DLSP_MISSING (the absent binary),
-- DLSP_FILES (JSON list of file names under DLSP_ROOT).

local start = dofile(os.getenv('DLSP_DIR') .. '/start.lua')
local result = { errors = {}, notes = {}, files = {} }
start.run(result, function()
  local root = os.getenv('DLSP_ROOT')
  local plugin = require('dockerfile_lsp')
  vim.notify = function(msg, level)
    table.insert(result.notes, { msg = msg, level = level })
  end
  plugin.setup({ cmd = { os.getenv('DLSP_MISSING') } })
  for _, name in ipairs(vim.fn.json_decode(os.getenv('DLSP_FILES'))) do
    vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. name))
    local entry = { name = name, filetype = vim.bo.filetype, attached = plugin.client(0) ~= nil }
    if os.getenv('DLSP_LUA_FILETYPE') then
      local buf = vim.api.nvim_create_buf(true, false)
      local path = root .. '/unread/' .. name
      vim.api.nvim_buf_set_name(buf, path)
      -- 0.7: match(name, buf) sets the buffer's filetype; 0.8+: match{…} returns it.
      local matched
      if vim.fn.has('nvim-0.8') == 1 then
        matched = vim.filetype.match({ buf = buf, filename = path })
      else
        vim.filetype.match(path, buf)
      end
      entry.lua_match = matched or vim.bo[buf].filetype
    end
    table.insert(result.files, entry)
  end
  result.clients = #vim.lsp.get_active_clients()
  result.info = vim.fn.execute('DockerfileLspInfo')
  plugin.pin_images(0, function(done, msg)
    result.pin = { ok = done, msg = msg }
  end)
  -- :DockerfileLspLog opens Neovim's LSP log in a new tab.
  local tabs = #vim.api.nvim_list_tabpages()
  vim.cmd('DockerfileLspLog')
  result.log = {
    new_tab = #vim.api.nvim_list_tabpages() == tabs + 1,
    shown = vim.api.nvim_buf_get_name(0) == vim.fn.fnamemodify(vim.lsp.get_log_path(), ':p'),
  }
end)
