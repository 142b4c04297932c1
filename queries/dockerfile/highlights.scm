; Syntax highlighting for Dockerfiles (tree-sitter-containerfile 0.9 node types),
; with Neovim's standard capture names. The language server derives its semantic
; tokens from this file: when captures overlap, the innermost one wins, and for
; identical ranges the later pattern wins (as in Neovim).

; Instruction keywords ------------------------------------------------------

[
  "FROM"
  "AS"
  "RUN"
  "CMD"
  "LABEL"
  "EXPOSE"
  "ENV"
  "ADD"
  "COPY"
  "ENTRYPOINT"
  "VOLUME"
  "USER"
  "WORKDIR"
  "ARG"
  "ONBUILD"
  "STOPSIGNAL"
  "HEALTHCHECK"
  "SHELL"
  "MAINTAINER"
  "CROSS_BUILD"
] @keyword

; `HEALTHCHECK NONE`
"NONE" @constant.builtin

; Comments and parser directives ----------------------------------------------

(comment) @comment @spell

; `# syntax=…`, `# escape=…`, `# check=…` look like this anywhere; BuildKit reads them
; only before the first instruction or other comment (the server checks that).
((comment) @keyword.directive
  (#match? @keyword.directive "^#\\s*[sS][yY][nN][tT][aA][xX]\\s*="))

((comment) @keyword.directive
  (#match? @keyword.directive "^#\\s*[eE][sS][cC][aA][pP][eE]\\s*="))

((comment) @keyword.directive
  (#match? @keyword.directive "^#\\s*[cC][hH][eE][cC][kK]\\s*="))

; Images and stages --------------------------------------------------------------

(image_name) @module

(image_tag) @string.special

(image_digest) @string.special

(image_tag
  ":" @punctuation.delimiter)

(image_digest
  "@" @punctuation.delimiter)

; `FROM … AS <stage>`
(image_alias) @type.definition

; Flags ----------------------------------------------------------------------------

; `--name=value`: the grammar keeps the name inside the param node.
(param) @variable.parameter

(param
  "=" @operator)

(mount_param
  [
    "--"
    "mount"
  ] @variable.parameter)

(mount_param
  [
    "="
    ","
  ] @operator)

; `type=cache`, `target=/root/.cache`
(mount_param_param) @property

(mount_param_param
  "=" @operator)

(end_of_options) @operator

; Variables ------------------------------------------------------------------------

(arg_pair
  name: (unquoted_string) @variable)

(env_pair
  name: (unquoted_string) @variable)

(expansion
  [
    "$"
    "{"
    "}"
  ] @punctuation.special)

(expansion
  (variable) @variable)

; BuildKit's automatic platform ARGs.
((variable) @variable.builtin
  (#any-of? @variable.builtin
    "TARGETPLATFORM" "TARGETOS" "TARGETARCH" "TARGETVARIANT"
    "BUILDPLATFORM" "BUILDOS" "BUILDARCH" "BUILDVARIANT"))

(expansion_operator) @operator

; Values ---------------------------------------------------------------------------

(arg_pair
  "=" @operator)

(env_pair
  "=" @operator)

(label_pair
  "=" @operator)

(arg_pair
  default: (unquoted_string) @string)

(env_pair
  value: (unquoted_string) @string)

(label_pair
  key: (_) @property)

(label_pair
  value: (unquoted_string) @string)

[
  (double_quoted_string)
  (single_quoted_string)
  (json_string)
] @string

(escape_sequence) @string.escape

(expose_port) @number

(stopsignal_instruction
  (double_quoted_string) @constant)

(user_instruction
  user: (unquoted_string) @string)

(user_instruction
  group: (unquoted_string) @string)

(user_instruction
  ":" @punctuation.delimiter)

(path) @string.special.path

(json_string_array
  [
    "["
    "]"
  ] @punctuation.bracket)

(json_string_array
  "," @punctuation.delimiter)

(line_continuation) @punctuation.special

; Here-documents ---------------------------------------------------------------------

[
  (heredoc_marker)
  (heredoc_end)
] @label

; RUN bodies are shell scripts (injections.scm); files written by COPY/ADD are strings.
(copy_instruction
  (heredoc_block
    (heredoc_content) @string))

(add_instruction
  (heredoc_block
    (heredoc_content) @string))
