;;; package-test.el --- What editors/emacs/dockerfile-lsp.el sets up, in emacs --batch  -*- lexical-binding: t; -*-

;; The second script of the Emacs test (tests/emacs/main.rs), for what needs no server
;; and no terminal: the package byte-compiles without a warning; which major mode each
;; file name gets; that Eglot picks dockerfile-lsp (ahead of its own docker-langserver
;; entry) for all three modes, with language id "dockerfile"; and what the Eglot
;; contact holds.  It writes a JSON object to DLSP_OUT:
;; {"compile_log", "compiled", "modes": {NAME: MODE}, "eglot": {MODE: {"program",
;; "args", "language_id", "managed"}}, "class", "init_default", "init_custom"}.
;;
;; Environment: DLSP_EMACS_DIR (editors/emacs), DLSP_OUT, DLSP_NAMES (JSON array of
;; file names), DLSP_BUILD_DIR (a scratch directory for the byte-compiled file).

(require 'cl-lib)
(require 'json)

(defvar pt-result nil "The result alist, newest first.")

(defun pt-put (key value)
  "Record VALUE under KEY."
  (push (cons key value) pt-result))

(let* ((source (expand-file-name "dockerfile-lsp.el" (getenv "DLSP_EMACS_DIR")))
       (build (getenv "DLSP_BUILD_DIR"))
       (copy (expand-file-name "dockerfile-lsp.el" build)))
  ;; Compile a copy, so that no .elc lands in the source tree; every warning is an
  ;; error, and the *Compile-Log* says which.
  (copy-file source copy t)
  (require 'eglot)
  (let ((byte-compile-error-on-warn t))
    (pt-put 'compiled (if (byte-compile-file copy) t :json-false)))
  (pt-put 'compile_log (with-current-buffer (get-buffer-create byte-compile-log-buffer)
                         (buffer-substring-no-properties (point-min) (point-max))))
  ;; The package as users load it: from its own folder.
  (add-to-list 'load-path (getenv "DLSP_EMACS_DIR"))
  (require 'dockerfile-lsp))

;; The mode `set-auto-mode' (what `find-file' runs) picks for each name.  Case
;; folding off: the names must match as written, like the CLI's (with the default
;; `auto-mode-case-fold', DOCKERFILE also opens as a Dockerfile).
(let ((modes nil)
      (auto-mode-case-fold nil))
  (dolist (name (json-parse-string (getenv "DLSP_NAMES") :array-type 'list))
    (with-temp-buffer
      (setq buffer-file-name (expand-file-name name "/tmp/project/"))
      (set-auto-mode)
      (push (cons name (symbol-name major-mode)) modes)
      (setq buffer-file-name nil)))
  (pt-put 'modes (nreverse modes)))

;; What Eglot would start for each mode (`eglot--lookup-mode' is what `eglot' and
;; `eglot-ensure' consult).
(let ((lookups nil))
  (dolist (mode '(dockerfile-mode dockerfile-ts-mode dockerfile-lsp-fallback-mode))
    (pcase-let* ((`(,managed ,language-id ,contact) (eglot--lookup-mode mode))
                 (contact (if (functionp contact) (funcall contact nil) contact))
                 ;; (CLASS PROGRAM ARGS...): the class is checked separately.
                 (contact (if (symbolp (car contact)) (cdr contact) contact)))
      (push (cons mode
                  (list (cons 'program (car contact))
                        (cons 'args (vconcat (cl-loop for arg in (cdr contact)
                                                      until (keywordp arg)
                                                      collect arg)))
                        (cons 'language_id language-id)
                        (cons 'managed (vconcat (mapcar #'symbol-name managed)))))
            lookups)))
  (pt-put 'eglot (nreverse lookups)))

;; The contact's class, and the initializationOptions sent: {} by default,
;; `dockerfile-lsp-settings' when set.
(pt-put 'class (symbol-name (car (dockerfile-lsp--contact))))
(cl-flet ((init-options ()
            (let ((options (cadr (memq :initializationOptions
                                       (dockerfile-lsp--contact)))))
              (json-encode (if (functionp options) (funcall options nil) options)))))
  (pt-put 'init_default (init-options))
  (let ((dockerfile-lsp-settings
         '(:rules (:user-missing "off") :registry (:offline t))))
    (pt-put 'init_custom (init-options))))

(with-temp-file (getenv "DLSP_OUT")
  (insert (json-encode (reverse pt-result))))

;;; package-test.el ends here
