; Languages embedded in a Dockerfile (tree-sitter-containerfile 0.9 node types).

; Comments: TODO/FIXME notes.
((comment) @injection.content
  (#set! injection.language "comment"))

; Shell-form RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD: each command is its own bash
; document (never `injection.combined`: the last word of one RUN would run into the
; first word of the next).
((shell_command) @injection.content
  (#set! injection.language "bash"))

; Here-document bodies of RUN, the body only (not the terminator line), when a POSIX
; shell runs them: `RUN <<EOF` without a shebang, a shell shebang, or `RUN bash <<EOF`
; (`sh`, `/bin/sh -e`, ...). `RUN python3 <<EOF` and `#!/usr/bin/env python3` are left
; alone. `@_command` is a private capture (for the predicate only).
(run_instruction
  (shell_command) @_command
  (heredoc_block
    (heredoc_content) @injection.content)
  (#match? @_command "^<<")
  (#not-match? @injection.content "^#!")
  (#set! injection.language "bash"))

(run_instruction
  (shell_command) @_command
  (heredoc_block
    (heredoc_content) @injection.content)
  (#match? @_command "^<<")
  (#match? @injection.content "^#![ \\t]*[^ \\t\\n]*[/ ][abdkz]*sh[ \\t\\n]")
  (#set! injection.language "bash"))

(run_instruction
  (shell_command) @_command
  (heredoc_block
    (heredoc_content) @injection.content)
  (#match? @_command "^[/a-z]*sh[ \\t]")
  (#set! injection.language "bash"))

; Files written by COPY/ADD here-documents that start with a shell shebang
; (`#!/bin/sh`, `#!/usr/bin/env bash`, ash, dash, ksh, zsh) are shell scripts too. The
; pattern is written in the regex subset that Neovim (Vim regex) and Helix/Zed (Rust
; regex) read alike: no groups, no alternation.
(copy_instruction
  (heredoc_block
    (heredoc_content) @injection.content)
  (#match? @injection.content "^#![ \\t]*[^ \\t\\n]*[/ ][abdkz]*sh[ \\t\\n]")
  (#set! injection.language "bash"))

(add_instruction
  (heredoc_block
    (heredoc_content) @injection.content)
  (#match? @injection.content "^#![ \\t]*[^ \\t\\n]*[/ ][abdkz]*sh[ \\t\\n]")
  (#set! injection.language "bash"))
