; Folds (tree-sitter-containerfile 0.9 node types). An instruction continued over
; several lines and a here-document body fold; one-line nodes are not folds. The
; language server also folds stages and blocks of two or more comment lines, which
; have no node of their own.

[
  (from_instruction)
  (run_instruction)
  (cmd_instruction)
  (label_instruction)
  (expose_instruction)
  (env_instruction)
  (add_instruction)
  (copy_instruction)
  (entrypoint_instruction)
  (volume_instruction)
  (user_instruction)
  (workdir_instruction)
  (arg_instruction)
  (onbuild_instruction)
  (stopsignal_instruction)
  (healthcheck_instruction)
  (shell_instruction)
  (maintainer_instruction)
  (cross_build_instruction)
  (heredoc_block)
] @fold
