---@brief
---
--- dockerfile-lsp: the Dockerfile (and Containerfile) language server of this repository:
--- diagnostics with quick fixes, hover, completion, formatting, rename, image pinning.
---
--- Neovim 0.11+ reads this file from `lsp/` on the runtimepath (put `editors/nvim` on
--- the runtimepath, see editors/nvim/README.md) and starts the server for every
--- `dockerfile` buffer once it is enabled:
--- ```lua
--- vim.lsp.enable('dockerfile_lsp')
--- ```
---
--- Settings go under `dockerfileLsp` (the server asks for that section with
--- `workspace/configuration`, and gets the same object as `initializationOptions`):
--- ```lua
--- vim.lsp.config('dockerfile_lsp', {
---   settings = {
---     dockerfileLsp = {
---       rules = { ['run-cd'] = 'off', DL3008 = 'hint' },
---       registry = { timeoutMs = 5000 },
---     },
---   },
--- })
--- ```
---
--- Neovim 0.7 to 0.10: `require('dockerfile_lsp').setup()` (lua/dockerfile_lsp/init.lua)
--- starts the same configuration from a FileType autocommand.

-- Neovim 0.11 pulls diagnostics only for the current, shown buffer and cannot be told
-- they changed: lua/dockerfile_lsp/pull.lua fills both gaps (see there).
local ok, pull = pcall(require, 'dockerfile_lsp.pull')
if ok then
  pull.watch()
end
-- The commands that work without setup(): :DockerfileLspPinImages, :DockerfileLspLog.
local has_plugin, plugin = pcall(require, 'dockerfile_lsp')
if has_plugin then
  plugin.create_commands({ 'DockerfileLspPinImages', 'DockerfileLspLog' })
end

---@type vim.lsp.Config
return {
  cmd = { 'dockerfile-lsp' },
  filetypes = { 'dockerfile' },
  -- The first marker found walking up from the file wins: a project's own configuration
  -- file first, then the repository.
  root_markers = { 'dockerfile-lsp.toml', '.dockerfile-lsp.toml', '.hadolint.yaml', '.hadolint.yml', '.git' },
  -- Only settings that no configuration file can hold. `diagnostics.delayMs`, `rules`,
  -- `registry.*`, `format.continuationIndent`, `shellcheck.*` and `trustedRegistries`
  -- are left unset on purpose: a value sent here would override the project's
  -- dockerfile-lsp.toml (editor settings are layered over the file), so the server's
  -- own defaults apply unless you set them.
  settings = {
    dockerfileLsp = {
      codeLens = { enable = true },
      inlayHints = { enable = true },
    },
  },
  -- The server may ask for a new pull (`workspace/diagnostic/refresh`) after new
  -- settings or ShellCheck's findings; Neovim 0.11 neither announces nor answers it.
  capabilities = ok and pull.capabilities or nil,
  handlers = ok and { ['workspace/diagnostic/refresh'] = pull.on_refresh } or nil,
  -- The settings also travel as `initializationOptions` (unless `init_options` is set),
  -- so that the first diagnostics already follow them.
  before_init = function(params, config)
    local section = config.settings and config.settings.dockerfileLsp
    if params.initializationOptions == nil and type(section) == 'table' and next(section) ~= nil then
      params.initializationOptions = section
    end
  end,
}
