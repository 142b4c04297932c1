; Definitions and references (tree-sitter-containerfile 0.9 node types), for
; nvim-treesitter's locals module (go to definition, highlight of uses, smart rename).
;
; The tree has no node per stage, so the whole file is the one scope: a reference is
; tied to a definition of the same name anywhere in the file. The language server's
; own navigation resolves ARG/ENV scopes per stage as BuildKit does.

(source_file) @local.scope

; `ARG NAME[=default]` and `ENV NAME=value` / `ENV NAME value`
(arg_pair
  name: (unquoted_string) @local.definition.parameter)

(env_pair
  name: (unquoted_string) @local.definition.var)

; `FROM image AS <stage>`
(from_instruction
  as: (image_alias) @local.definition.type)

; `$NAME`, `${NAME}`, `${NAME:-default}`
(expansion
  (variable) @local.reference)

; `FROM <stage>`: an image name that names an earlier stage.
(image_spec
  name: (image_name) @local.reference)
