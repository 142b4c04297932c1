;;; dockerfile-lsp.el --- Eglot for dockerfile-lsp  -*- lexical-binding: t; -*-

;; Author: the dockerfile-lsp authors
;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1") (eglot "1.9"))
;; Keywords: languages, tools, docker
;; URL: https://github.com/dockerfile-lsp/dockerfile-lsp

;; This file is not part of GNU Emacs.

;;; Commentary:

;; Registers the dockerfile-lsp language server with Eglot (built into
;; Emacs 29+, the `eglot' package from GNU ELPA on Emacs 27 and 28) for
;; `dockerfile-mode' (MELPA), `dockerfile-ts-mode' (Emacs 29+, with the
;; tree-sitter grammar installed) and `dockerfile-lsp-fallback-mode', a small
;; major mode defined here for when neither is available.  Every file name
;; the server's CLI treats as a Dockerfile (Dockerfile, Dockerfile.*,
;; *.Dockerfile, *.dockerfile, Containerfile, Containerfile.*,
;; *.containerfile, ...) opens in the best of those modes.
;;
;; Usage:
;;
;;   (require 'dockerfile-lsp)
;;   (add-hook 'dockerfile-lsp-hook #'eglot-ensure)  ; run by all three modes
;;
;; Settings reach the server through `eglot-workspace-configuration'
;; (section `:dockerfileLsp') or `dockerfile-lsp-settings'.
;; Commands: `dockerfile-lsp-fix-all', `dockerfile-lsp-pin-images' and
;; `dockerfile-lsp-describe-rule'.  See editors/emacs/README.md.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'eglot)

(declare-function treesit-ready-p "treesit")

(defgroup dockerfile-lsp nil
  "The dockerfile-lsp language server in Emacs."
  :group 'languages
  :prefix "dockerfile-lsp-")

(defcustom dockerfile-lsp-program "dockerfile-lsp"
  "The dockerfile-lsp executable: a name found in `exec-path', or a file."
  :type 'string)

(defcustom dockerfile-lsp-settings nil
  "Server settings, as a plist: the keys of the settings JSON.
For example (:rules (:run-cd \"off\") :registry (:offline t)); write false
as :json-false and arrays as vectors.  They are sent as initializationOptions
and are the answer to the server's request for the dockerfileLsp section
when `eglot-workspace-configuration' has no `:dockerfileLsp' section (one
there, per project in .dir-locals.el for example, wins)."
  :type '(plist :key-type symbol :value-type sexp))

(defcustom dockerfile-lsp-major-modes '(dockerfile-ts-mode dockerfile-mode)
  "Major modes tried, in order, for Dockerfiles and Containerfiles.
`dockerfile-ts-mode' is used only when its tree-sitter grammar is installed.
When none is available, `dockerfile-lsp-fallback-mode' is used."
  :type '(repeat function))

(defcustom dockerfile-lsp-hook nil
  "Hook run in every Dockerfile buffer, whichever major mode it uses.
Add `eglot-ensure' here to start the server automatically."
  :type 'hook)

(defcustom dockerfile-lsp-eldoc-compose t
  "Non-nil: show the signature and the hover together in Eldoc.
Eglot before 1.10 (the ELPA package of Emacs 28) shows only the first
documentation that arrives, which on an instruction is its signature: the
hover, which explains the instruction and its build cache, never shows.
This composes both, as newer Eglot does."
  :type 'boolean)

;;;###autoload
(defconst dockerfile-lsp-file-name-regexp
  (concat "\\(?:\\`\\|/\\)"
          "\\(?:[Dd]ockerfile\\|[Cc]ontainerfile"
          "\\|\\(?:Dockerfile\\|Containerfile\\)\\.[^/]+"
          "\\|[^/]+\\.\\(?:[Dd]ockerfile\\|[Cc]ontainerfile\\)\\)"
          "\\'")
  "File names the dockerfile-lsp CLI treats as Dockerfiles.
Dockerfile, dockerfile, Containerfile, containerfile, Dockerfile.*,
Containerfile.*, *.Dockerfile, *.dockerfile, *.Containerfile and
*.containerfile, except *.dockerignore (BuildKit's per-Dockerfile ignore
files, such as Dockerfile.dockerignore): `dockerfile-lsp-major-mode' leaves
those alone.")

(defconst dockerfile-lsp--managed-modes
  '(dockerfile-mode dockerfile-ts-mode dockerfile-lsp-fallback-mode)
  "The major modes the server manages.")

;;; The fallback major mode

(defconst dockerfile-lsp--instructions
  '("ADD" "ARG" "CMD" "COPY" "ENTRYPOINT" "ENV" "EXPOSE" "FROM" "HEALTHCHECK"
    "LABEL" "MAINTAINER" "ONBUILD" "RUN" "SHELL" "STOPSIGNAL" "USER" "VOLUME"
    "WORKDIR")
  "Dockerfile instruction keywords.")

(defvar dockerfile-lsp-fallback-mode-syntax-table
  (let ((table (make-syntax-table)))
    ;; `#' starts a comment only at the start of a line: font-lock finds them.
    (modify-syntax-entry ?\" "\"" table)
    (modify-syntax-entry ?\' "\"" table)
    (modify-syntax-entry ?\\ "\\" table)
    (modify-syntax-entry ?_ "_" table)
    (modify-syntax-entry ?- "_" table)
    table)
  "Syntax table of `dockerfile-lsp-fallback-mode'.")

(defvar dockerfile-lsp-fallback-font-lock-keywords
  `(("^[ \t]*\\(#.*\\)$" 1 font-lock-comment-face t)
    (,(concat "^[ \t]*\\(?:ONBUILD[ \t]+\\)?\\("
              (regexp-opt dockerfile-lsp--instructions)
              "\\)\\_>")
     1 font-lock-keyword-face)
    ("^[ \t]*FROM[ \t].*[ \t]\\(AS\\)[ \t]+\\([^ \t\n]+\\)"
     (1 font-lock-keyword-face) (2 font-lock-function-name-face))
    ("\\$\\(?:{[^}\n]+}\\|[A-Za-z_][A-Za-z0-9_]*\\)"
     0 font-lock-variable-name-face)
    ("\\_<--[a-z-]+" 0 font-lock-builtin-face))
  "Highlighting of `dockerfile-lsp-fallback-mode'.")

;;;###autoload
(define-derived-mode dockerfile-lsp-fallback-mode prog-mode "Dockerfile"
  "A minimal major mode for Dockerfiles.
Used when neither `dockerfile-mode' nor `dockerfile-ts-mode' is available:
highlighting and comments only, everything else comes from the
dockerfile-lsp server through Eglot."
  :syntax-table dockerfile-lsp-fallback-mode-syntax-table
  (setq-local font-lock-defaults
              '(dockerfile-lsp-fallback-font-lock-keywords nil t))
  (setq-local comment-start "# ")
  (setq-local comment-end "")
  (setq-local comment-start-skip "^[ \t]*#+[ \t]*")
  (setq-local comment-use-syntax nil)
  ;; `eglot-format-buffer' indents continuation lines by `tab-width' spaces,
  ;; or with a tab when `indent-tabs-mode' is on: four spaces, as Docker's
  ;; documentation writes them, unless the user's hook says otherwise.
  (setq-local indent-tabs-mode nil)
  (setq-local tab-width 4))

(defun dockerfile-lsp--mode-available-p (mode)
  "Non-nil when MODE can be used in this Emacs."
  (and (fboundp mode)
       (or (not (eq mode 'dockerfile-ts-mode))
           (and (fboundp 'treesit-ready-p)
                (treesit-ready-p 'dockerfile t)))))

;;;###autoload
(defun dockerfile-lsp-major-mode ()
  "Switch to the best major mode available for a Dockerfile.
That is the first available mode of `dockerfile-lsp-major-modes', else
`dockerfile-lsp-fallback-mode'.  `auto-mode-alist' maps Dockerfiles here.
A *.dockerignore file (Dockerfile.dockerignore) gets the mode it would get
without this package."
  (interactive)
  (if (and buffer-file-name
           (string-match-p "\\.dockerignore\\'" buffer-file-name))
      (let ((auto-mode-alist (cl-remove #'dockerfile-lsp-major-mode
                                        auto-mode-alist :key #'cdr)))
        (set-auto-mode t))
    (funcall (or (cl-find-if #'dockerfile-lsp--mode-available-p
                             dockerfile-lsp-major-modes)
                 #'dockerfile-lsp-fallback-mode))))

(defun dockerfile-lsp--run-mode-hook ()
  "Run `dockerfile-lsp-hook' in a buffer of one of the managed modes."
  (run-hooks 'dockerfile-lsp-hook))

;;;###autoload
(add-to-list 'auto-mode-alist
             (cons dockerfile-lsp-file-name-regexp #'dockerfile-lsp-major-mode))

(dolist (mode dockerfile-lsp--managed-modes)
  (add-hook (intern (format "%s-hook" mode)) #'dockerfile-lsp--run-mode-hook))

;;; Eglot

(defclass dockerfile-lsp-server (eglot-lsp-server) ()
  :documentation "Eglot's connection to dockerfile-lsp.
It answers the server's request for settings from `dockerfile-lsp-settings'
when `eglot-workspace-configuration' has none for it.")

(cl-defmethod eglot-handle-request ((_server dockerfile-lsp-server)
                                    (_method (eql workspace/configuration))
                                    &key items &allow-other-keys)
  "Answer workspace/configuration ITEMS as Eglot does, filling in the
dockerfileLsp section from `dockerfile-lsp-settings' when Eglot has none.
Without this, Eglot answers null and then sends an empty settings object,
which the server takes as \"all defaults\"."
  (let ((answers (cl-call-next-method)))
    (vconcat
     (cl-mapcar (lambda (item answer)
                  (if (and (null answer)
                           dockerfile-lsp-settings
                           (equal (plist-get item :section) "dockerfileLsp"))
                      dockerfile-lsp-settings
                    answer))
                items answers))))

(defun dockerfile-lsp--contact (&optional _interactive)
  "The Eglot contact: class, program, arguments and initialization options."
  `(dockerfile-lsp-server
    ,dockerfile-lsp-program "serve"
    :initializationOptions ,(lambda (_server)
                              (or dockerfile-lsp-settings (make-hash-table)))))

(defun dockerfile-lsp--register-with-eglot ()
  "Put dockerfile-lsp first in `eglot-server-programs' for the Dockerfile modes.
Eglot's own entry for these modes (docker-langserver) stays, behind it."
  (setq eglot-server-programs
        (cl-remove #'dockerfile-lsp--contact eglot-server-programs :key #'cdr))
  (push (cons (mapcar (lambda (mode) (list mode :language-id "dockerfile"))
                      dockerfile-lsp--managed-modes)
              #'dockerfile-lsp--contact)
        eglot-server-programs))

(dockerfile-lsp--register-with-eglot)

(defun dockerfile-lsp--managed-mode-setup ()
  "Eldoc settings for the Dockerfile buffers Eglot starts managing."
  (when (and dockerfile-lsp-eldoc-compose
             (bound-and-true-p eglot--managed-mode)
             (apply #'derived-mode-p dockerfile-lsp--managed-modes)
             (fboundp 'eldoc-documentation-compose))
    (setq-local eldoc-documentation-strategy #'eldoc-documentation-compose)))

(add-hook 'eglot-managed-mode-hook #'dockerfile-lsp--managed-mode-setup)

;;; Commands

(defun dockerfile-lsp--run-source-action (kind nothing)
  "Run the server's code action of KIND on the whole buffer through Eglot.
When the server offers none, say NOTHING instead of signalling an error, so
that the commands are safe in hooks such as `before-save-hook'."
  (if (null (eglot-code-actions (point-min) (point-max) kind))
      (message "dockerfile-lsp: %s" nothing)
    (eglot-code-actions (point-min) (point-max) kind t)))

;;;###autoload
(defun dockerfile-lsp-fix-all ()
  "Apply every safe fix the server offers for this buffer.
The same fixes as `dockerfile-lsp check --fix'."
  (interactive)
  (dockerfile-lsp--run-source-action "source.fixAll.dockerfile-lsp"
                                     "nothing to fix"))

;;;###autoload
(defun dockerfile-lsp-pin-images ()
  "Pin every image of this buffer to its digest, asking the registries.
The server then asks Eglot to apply the edit, which this command applies
without a question: it was asked for.  (Eglot 1.9 asks from inside its
process filter, where the server's answer to the command can get lost.)"
  (interactive)
  (let ((eglot-confirm-server-initiated-edits nil))
    (dockerfile-lsp--run-source-action "source.pinImages.dockerfile-lsp"
                                       "no image to pin")))

(defun dockerfile-lsp--rule-at-point ()
  "The rule id of the first dockerfile-lsp diagnostic at point, or nil."
  (when (bound-and-true-p flymake-mode)
    (cl-loop for diag in (flymake-diagnostics (point))
             for spec = (cdr (assoc 'eglot-lsp-diag
                                    (flymake-diagnostic-data diag)))
             for code = (plist-get spec :code)
             when (and (stringp code)
                       (equal (plist-get spec :source) "dockerfile-lsp"))
             return code)))

(defun dockerfile-lsp--call (&rest args)
  "Run `dockerfile-lsp-program' with ARGS and return its standard output."
  (with-temp-buffer
    (let ((status (apply #'call-process dockerfile-lsp-program nil
                         (list t nil) nil args)))
      (unless (eq status 0)
        (error "%s %s failed (%s): %s" dockerfile-lsp-program
               (string-join args " ") status (buffer-string)))
      (buffer-string))))

(defun dockerfile-lsp--rule-ids ()
  "Every rule id, from `dockerfile-lsp rules --format json'."
  (mapcar (lambda (rule) (gethash "id" rule))
          (json-parse-string
           (dockerfile-lsp--call "rules" "--format" "json"))))

;;;###autoload
(defun dockerfile-lsp-describe-rule (id)
  "Show the documentation of rule ID.
Interactively, the default is the rule of the diagnostic at point."
  (interactive
   (let ((default (dockerfile-lsp--rule-at-point)))
     (list (completing-read (if default
                                (format "Describe rule (default %s): " default)
                              "Describe rule: ")
                            (dockerfile-lsp--rule-ids) nil t nil nil default))))
  (let ((text (dockerfile-lsp--call "rules" id)))
    (with-help-window (format "*dockerfile-lsp rule %s*" id)
      (princ text))))

(provide 'dockerfile-lsp)
;;; dockerfile-lsp.el ends here
