-- Filetype detection: every file name the dockerfile-lsp CLI treats as a Dockerfile is
-- the `dockerfile` filetype. Neovim 0.7.2 already knows `Dockerfile`, `Dockerfile.*`,
-- `*.Dockerfile`, `Containerfile` and `Containerfile.*`; this adds `*.dockerfile` and
-- `*.containerfile`, and `Containerfile` for Lua detection. (`Dockerfile.*` is left to
-- Neovim, which knows better than a blanket pattern about `Dockerfile.dockerignore`.)
--
-- `vim.filetype.add` feeds Lua filetype detection (the default from 0.8 on; on 0.7
-- only with `let g:do_filetype_lua = 1`); Neovim 0.7's default filetype.vim only sees
-- autocommands, so they are added there too (`setfiletype` never overrides a filetype
-- already set).
if vim.filetype and vim.filetype.add then
  vim.filetype.add({
    extension = {
      dockerfile = 'dockerfile',
      containerfile = 'dockerfile',
    },
    filename = {
      Containerfile = 'dockerfile',
    },
  })
end

if vim.fn.has('nvim-0.8') == 0 then
  vim.cmd([[
    augroup filetypedetect
      autocmd BufNewFile,BufRead *.dockerfile,*.containerfile setfiletype dockerfile
    augroup END
  ]])
end
