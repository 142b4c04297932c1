; Text objects (tree-sitter-containerfile 0.9 node types), with the capture names of
; nvim-treesitter-textobjects (`.inner`/`.outer`). Helix spells them `.inside`/`.around`
; (see queries/README.md).

; An instruction is a function: `af` selects the whole instruction (continuation lines
; and here-documents included), `if` its arguments.
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
] @function.outer @statement.outer

(_
  [
    (shell_command)
    (json_string_array)
  ] @function.inner)

(from_instruction
  (image_spec) @function.inner)

(copy_instruction
  (path) @function.inner)

(add_instruction
  (path) @function.inner)

(volume_instruction
  (path) @function.inner)

(workdir_instruction
  (path) @function.inner)

(onbuild_instruction
  (_) @function.inner)

(heredoc_block
  (heredoc_content) @block.inner) @block.outer

(comment) @comment.outer

; Flags, key=value pairs, paths, exposed ports and exec-form array items are
; parameters.
[
  (param)
  (mount_param)
  (arg_pair)
  (env_pair)
  (label_pair)
  (path)
  (expose_port)
  (json_string)
] @parameter.outer

(mount_param
  (mount_param_param) @parameter.inner)

[
  (param)
  (path)
  (expose_port)
  (json_string)
] @parameter.inner

(arg_pair
  default: (_) @parameter.inner)

(env_pair
  value: (_) @parameter.inner)

(label_pair
  value: (_) @parameter.inner)

; `KEY=value`
[
  (arg_pair)
  (env_pair)
  (label_pair)
] @assignment.outer

(arg_pair
  name: (_) @assignment.lhs)

(env_pair
  name: (_) @assignment.lhs)

(label_pair
  key: (_) @assignment.lhs)

(arg_pair
  default: (_) @assignment.rhs @assignment.inner)

(env_pair
  value: (_) @assignment.rhs @assignment.inner)

(label_pair
  value: (_) @assignment.rhs @assignment.inner)

(expose_port) @number.inner
