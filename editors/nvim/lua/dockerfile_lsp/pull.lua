--- Pulled diagnostics made complete on Neovim 0.11+, for both ways of starting the
--- server (`setup()` and `vim.lsp.enable('dockerfile_lsp')`).
---
--- Neovim 0.11 announces `textDocument/diagnostic`, so dockerfile-lsp stops pushing and
--- answers pulls instead. But Neovim 0.11 pulls (after didOpen/didChange) only for the
--- current buffer and only when it is shown in a window, and it does not announce
--- `workspace.diagnostics.refreshSupport`, so the server has no way to say "the
--- diagnostics changed" (new settings, a changed dockerfile-lsp.toml, ShellCheck's
--- findings arriving after the first answer). Without this module a Dockerfile opened in
--- the background, or restarted, has no diagnostics until it is edited, and new settings
--- show only after the next keystroke. This module:
--- * announces `workspace.diagnostics.refreshSupport` (`M.capabilities`) and answers
---   `workspace/diagnostic/refresh` by pulling every buffer of that client (`M.on_refresh`);
--- * pulls after a didOpen/didChange that Neovim does not pull for itself (`M.watch`,
---   an `LspNotify` autocommand): Neovim pulls only when the buffer is the current one
---   and shown in a window, which misses buffers opened in the background, buffers
---   attached by a restart, and buffers a workspace edit (rename) changed.
--- Pulls go through `client:request` without a handler, so the client's own
--- `textDocument/diagnostic` handler (Neovim's, or the user's) receives the answer.
--- On Neovim before 0.10 (no `LspNotify`, push diagnostics) nothing here runs.
local M = {}

M.name = 'dockerfile_lsp'

local DIAGNOSTIC = 'textDocument/diagnostic'

--- Client ids started by `require('dockerfile_lsp').setup()` under another name.
M.own = {}

--- The capabilities to add to Neovim's: the refresh request is understood.
M.capabilities = { workspace = { diagnostics = { refreshSupport = true } } }

-- Whether `client` pulls diagnostics (it announced `textDocument/diagnostic`, so the
-- server does not push to it).
local function pulls(client)
  return client ~= nil
    and type(client.request) == 'function'
    and vim.tbl_get(client, 'capabilities', 'textDocument', 'diagnostic') ~= nil
end

--- Asks `client` for the diagnostics of `buf`; the client's handler gets the answer.
--- Not once the client is stopping: the server may still ask for a refresh after the
--- `shutdown` request, and would answer a pull then with an error the user would see.
function M.pull(client, buf)
  if not (pulls(client) and vim.api.nvim_buf_is_loaded(buf)) or client:is_stopped() then
    return
  end
  client:request(DIAGNOSTIC, { textDocument = vim.lsp.util.make_text_document_params(buf) }, nil, buf)
end

--- The handler of `workspace/diagnostic/refresh`: pulls every buffer of the client.
function M.on_refresh(_, _, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client then
    for buf in pairs(client.attached_buffers or {}) do
      M.pull(client, buf)
    end
  end
  return vim.NIL
end

--- Creates (once) the `LspNotify` autocommand that pulls for hidden buffers.
function M.watch()
  if vim.fn.exists('##LspNotify') ~= 1 then
    return
  end
  local group = vim.api.nvim_create_augroup('dockerfile_lsp_pull', { clear = true })
  vim.api.nvim_create_autocmd('LspNotify', {
    group = group,
    desc = 'dockerfile-lsp: pull diagnostics for Dockerfile buffers not shown in a window',
    callback = function(args)
      local data = args.data or {}
      if data.method ~= 'textDocument/didOpen' and data.method ~= 'textDocument/didChange' then
        return
      end
      local client = vim.lsp.get_client_by_id(data.client_id)
      if not client or not (client.name == M.name or M.own[client.id]) then
        return
      end
      local uri = vim.tbl_get(data, 'params', 'textDocument', 'uri')
      local buf = uri and vim.uri_to_bufnr(uri)
      if not (buf and client.attached_buffers and client.attached_buffers[buf]) then
        return
      end
      -- Neovim pulls by itself only when the buffer is the current one (the event has
      -- no buffer of its own) and shown in a window.
      local neovim_pulls = buf == vim.api.nvim_get_current_buf() and #vim.fn.win_findbuf(buf) > 0
      if not neovim_pulls then
        M.pull(client, buf)
      end
    end,
  })
end

return M
