;;; eglot-test.el --- Drives Eglot against dockerfile-lsp like a user at the keyboard  -*- lexical-binding: t; -*-

;; The script of the Emacs end-to-end test (tests/emacs/main.rs).  It runs in an
;; interactive `emacs -nw' under a pseudo-terminal, because Eglot and Flymake do their
;; work from idle timers and `post-command-hook', which never run in `--batch'.  Every
;; user action is typed: keystrokes go to `unread-command-events' and the command loop
;; runs them (M-x eglot-code-actions, the choice in its menu, ...), so the code paths
;; are the ones a user's keystrokes take.  Between steps the command loop is idle; a
;; poll timer waits (bounded) for the next condition.
;;
;; Environment:
;;   DLSP_EMACS_DIR  editors/emacs (the package under test is loaded from there)
;;   DLSP_BIN        the dockerfile-lsp binary
;;   DLSP_FILE       the Dockerfile to open (its directory is `default-directory')
;;   DLSP_OUT        where the JSON result goes
;;   DLSP_TIMEOUT_MS how long each step may wait
;;   DLSP_TOTAL_MS   how long the whole run may take
;;   DLSP_PID_FILE   where Emacs writes its pid (the test kills it by pid on timeout)
;;   DLSP_SETTINGS   JSON: the dockerfileLsp section of `eglot-workspace-configuration'
;;   DLSP_PACKAGE_SETTINGS JSON: `dockerfile-lsp-settings' (the package's own)
;;   DLSP_STEPS      JSON: [{"code": RULE, "pick": "preferred" | TITLE-PREFIX}, ...]
;;   DLSP_DESCRIBE   a rule id: the `dockerfile-lsp-describe-rule' step runs on it
;;   DLSP_TAB_WIDTH  the buffer's `tab-width' when it is formatted
;;   DLSP_FLOW       "pin": after the first diagnostics, only M-x
;;                   dockerfile-lsp-pin-images (answering y) and the shutdown
;;
;; The result: {"errors", "emacs_version", "eglot", "major_mode", "language_id",
;; "initial", "hover", "steps": [{"code", "menu", "default", "chosen", "text",
;; "diagnostics"}], "rule_doc", "formatted", "fix_all": {"text", "diagnostics"},
;; "fix_all_again": {"message", "text"}, "pin_prompt", "pinned": {"text",
;; "diagnostics"}, "shutdown_error", "published", "events", "stderr", "messages",
;; "warnings"}.  Diagnostics are
;; {"line" (1-based), "col" (0-based characters), "end_line", "end_col", "type" (the
;; Flymake type), "text" (what Flymake shows), "code", "severity", "source"}.

(require 'cl-lib)
(require 'json)
(require 'subr-x)

(defvar dt-errors nil "Failures, newest first.")
(defvar dt-result nil "The result alist, newest entries first.")
(defvar dt-published nil "Every publishDiagnostics Eglot received: (version count time).")
(defvar dt-menus nil "The menus `completing-read' showed, newest first.")
(defvar dt-buffer nil "The Dockerfile's buffer.")
(defvar dt-timeout (/ (string-to-number (or (getenv "DLSP_TIMEOUT_MS") "20000")) 1000.0))

(defun dt-env-json (name)
  "The environment variable NAME parsed as JSON (objects as alists), or nil."
  (let ((raw (getenv name)))
    (and raw (not (string-empty-p raw))
         (json-parse-string raw :object-type 'alist :array-type 'list
                            :false-object :json-false :null-object nil))))

(defun dt-put (key value)
  "Record VALUE under KEY in the result."
  (push (cons key value) dt-result))

(defun dt-fail (fmt &rest args)
  "Record a failure (FMT and ARGS as for `format')."
  (let ((msg (apply #'format fmt args)))
    (message "DLSP-TEST ERROR: %s" msg)
    (push msg dt-errors)))

;;; Observing what Eglot receives and what the user is asked

(defun dt-record-publish (_server method &rest params)
  "Remember each textDocument/publishDiagnostics (METHOD, PARAMS) Eglot handles."
  (when (eq method 'textDocument/publishDiagnostics)
    (push (list (plist-get params :version) (length (plist-get params :diagnostics))
                (float-time))
          dt-published)))

(defun dt-record-menu (orig prompt collection &rest args)
  "Record the choices of every `completing-read' (PROMPT, COLLECTION, ARGS) that
offers code actions, then let the user (the typed keys) answer through ORIG."
  (when (string-match-p "Pick an action" prompt)
    (push (list (cons 'prompt prompt)
                (cons 'default (nth 4 args))
                (cons 'items
                      (mapcar (lambda (item)
                                (list (cons 'title (car item))
                                      (cons 'kind (plist-get (cdr item) :kind))
                                      (cons 'preferred
                                            (if (eq (plist-get (cdr item) :isPreferred) t)
                                                t
                                              :json-false))))
                              collection)))
          dt-menus))
  (apply orig prompt collection args))

;;; Driving

(defun dt-keys (keys)
  "Type KEYS (a `kbd' string or a list of events) into the command loop."
  (setq unread-command-events
        (append unread-command-events
                (if (stringp keys) (listify-key-sequence (kbd keys)) keys))))

(defun dt-type (text)
  "The events that type TEXT literally."
  (append text nil))

(defun dt-mx (command)
  "Type M-x COMMAND RET."
  (dt-keys "M-x")
  (dt-keys (dt-type command))
  (dt-keys "RET"))

(defun dt-wait (what pred then)
  "Poll PRED until non-nil (at most `dt-timeout' seconds), then call THEN with its
value.  WHAT names the wait in the failure message."
  (let ((deadline (+ (float-time) dt-timeout)))
    (cl-labels ((poll ()
                  (let ((value (condition-case err (funcall pred)
                                 (error (dt-fail "%s: %S" what err) :dt-error))))
                    (cond ((eq value :dt-error) (dt-finish))
                          (value (condition-case err (funcall then value)
                                   (error (dt-fail "after %s: %S" what err)
                                          (dt-finish))))
                          ((> (float-time) deadline)
                           (dt-fail "timed out after %.1fs waiting for %s; %s"
                                    dt-timeout what (dt-state))
                           (dt-finish))
                          (t (run-with-timer 0.05 nil #'poll))))))
      (run-with-timer 0.05 nil #'poll))))

(defun dt-server ()
  "The Eglot server of the Dockerfile's buffer, or nil."
  (and (buffer-live-p dt-buffer)
       (with-current-buffer dt-buffer (eglot-current-server))))

(defun dt-diagnostics ()
  "The Flymake diagnostics of the Dockerfile's buffer, sorted by position."
  (with-current-buffer dt-buffer
    (sort (mapcar
           (lambda (d)
             (let* ((beg (flymake-diagnostic-beg d))
                    (end (flymake-diagnostic-end d))
                    (spec (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))))
               (save-excursion
                 (list (cons 'line (line-number-at-pos beg t))
                       (cons 'col (progn (goto-char beg) (- beg (line-beginning-position))))
                       (cons 'end_line (line-number-at-pos end t))
                       (cons 'end_col (progn (goto-char end) (- end (line-beginning-position))))
                       (cons 'beg beg)
                       (cons 'type (symbol-name (flymake-diagnostic-type d)))
                       (cons 'text (flymake-diagnostic-text d))
                       (cons 'code (plist-get spec :code))
                       (cons 'severity (plist-get spec :severity))
                       (cons 'source (plist-get spec :source))))))
           (flymake-diagnostics))
          (lambda (a b) (< (alist-get 'beg a) (alist-get 'beg b))))))

(defun dt-state ()
  "What the Dockerfile's buffer holds, for failure messages (never signals)."
  (condition-case err (dt-state-1)
    (error (format "(the state could not be read: %S)" err))))

(defun dt-state-1 ()
  "What the Dockerfile's buffer holds, for `dt-state'."
  (if (not (buffer-live-p dt-buffer))
      (format "no Dockerfile buffer; current buffer %s" (buffer-name))
    (with-current-buffer dt-buffer
      (format "buffer %s (%s), eglot managed: %s, version %s, pending changes: %S, \
flymake-mode: %s, flymake running backends: %S, flymake diagnostics: %d, \
publishes (version count time): %S, eldoc-mode: %s, eldoc buffer: %S, \
echo area: %S, C-h . runs %S, windows: %S"
              (buffer-name) major-mode eglot--managed-mode
              eglot--versioned-identifier eglot--recent-changes
              (bound-and-true-p flymake-mode)
              (and (bound-and-true-p flymake-mode) (flymake-running-backends))
              (if (bound-and-true-p flymake-mode) (length (flymake-diagnostics)) 0)
              dt-published
              (bound-and-true-p eldoc-mode)
              (and (boundp 'eldoc--doc-buffer) (buffer-live-p eldoc--doc-buffer)
                   (with-current-buffer eldoc--doc-buffer
                     (buffer-substring-no-properties
                      (point-min) (min (point-max) 200))))
              (current-message)
              (key-binding (kbd "C-h ."))
              (mapcar (lambda (w) (buffer-name (window-buffer w))) (window-list))))))

(defconst dt-quiet 0.75
  "Seconds without a new publish before diagnostics count as settled: a late
publish for the same version (after a configuration change) must not be missed.")

(defun dt-settled ()
  "The diagnostics once Flymake shows what the server published for the buffer's
current version: the newest publish names that version, nothing was published
for `dt-quiet' seconds, and Flymake holds as many diagnostics.  Nil before."
  (with-current-buffer dt-buffer
    (let ((newest (car dt-published)))
      (and eglot--managed-mode
           newest
           (null eglot--recent-changes)
           (equal (car newest) eglot--versioned-identifier)
           (> (- (float-time) (nth 2 newest)) dt-quiet)
           (let ((diags (dt-diagnostics)))
             (and (= (length diags) (cadr newest)) (or diags :none)))))))

(defun dt-diags-value (settled)
  "SETTLED as recorded: a vector (empty for `:none'), so that JSON has an array."
  (vconcat (if (eq settled :none) nil settled)))

(defun dt-text ()
  "The Dockerfile buffer's text."
  (with-current-buffer dt-buffer
    (buffer-substring-no-properties (point-min) (point-max))))

(defun dt-wait-for-change (what before then)
  "Wait until the buffer text differs from BEFORE and the diagnostics have settled
for it; call THEN with the settled diagnostics.  WHAT names the wait."
  (dt-wait what
           (lambda () (and (not (equal (dt-text) before)) (dt-settled)))
           then))

;;; The steps

(defun dt-start ()
  "Open the Dockerfile as a user does (C-x C-f), with `eglot-ensure' on the hook."
  (dt-keys "C-x C-f")
  (dt-keys (dt-type (file-name-nondirectory (getenv "DLSP_FILE"))))
  (dt-keys "RET")
  (dt-wait "the Dockerfile's buffer"
           (lambda () (find-buffer-visiting (getenv "DLSP_FILE")))
           (lambda (buffer)
             (setq dt-buffer buffer)
             (dt-put 'major_mode (symbol-name (buffer-local-value 'major-mode buffer)))
             (dt-wait "Eglot to manage the buffer"
                      (lambda () (buffer-local-value 'eglot--managed-mode buffer))
                      (lambda (_)
                        ;; Flymake's first check waits for the command after the
                        ;; one that connected: the user moves the cursor.
                        (dt-keys "M-<")
                        (dt-wait "the first diagnostics" #'dt-settled
                                 (lambda (diags)
                                   (dt-put 'initial (dt-diags-value diags))
                                   (dt-put 'language_id
                                           (eglot--language-id (dt-server)))
                                   (if (equal (getenv "DLSP_FLOW") "pin")
                                       (dt-pin)
                                     (dt-hover)))))))))

(defun dt-minibuffer-prompt ()
  "The prompt of the active minibuffer, or nil."
  (when-let ((window (active-minibuffer-window)))
    (with-current-buffer (window-buffer window) (minibuffer-prompt))))

(defun dt-pin ()
  "M-x dockerfile-lsp-pin-images; record any question asked meanwhile (the
command applies the edit it asked for without one), the text and the
diagnostics."
  (let ((before (dt-text)))
    (dt-mx "dockerfile-lsp-pin-images")
    (dt-wait-for-change
     "the pinned buffer" before
     (lambda (diags)
       (dt-put 'pin_prompt (dt-minibuffer-prompt))
       (dt-put 'pinned (list (cons 'text (dt-text))
                             (cons 'diagnostics
                                   (dt-diags-value diags))))
       (dt-shutdown)))))

(defun dt-hover ()
  "With the cursor on FROM (M-< put it there), wait for Eldoc to have the hover and
show it with C-h . (`display-local-help', which Eglot remaps to `eldoc-doc-buffer');
record the text shown."
  (dt-wait "Eldoc to have the hover of FROM"
           (lambda ()
             (and (boundp 'eldoc--doc-buffer) (buffer-live-p eldoc--doc-buffer)
                  (with-current-buffer eldoc--doc-buffer
                    (string-match-p "Build cache" (buffer-string)))))
           (lambda (_)
             (dt-keys "C-h .")
             (dt-wait "the documentation window"
                      (lambda ()
                        (cl-loop for w in (window-list)
                                 for text = (with-current-buffer (window-buffer w)
                                              (buffer-substring-no-properties
                                               (point-min) (point-max)))
                                 when (and (not (eq (window-buffer w) dt-buffer))
                                           (string-match-p "Build cache" text))
                                 return text))
                      (lambda (text)
                        (dt-put 'hover text)
                        (dt-keys "C-x 1")
                        (dt-run-steps (dt-env-json "DLSP_STEPS") nil))))))

(defun dt-run-steps (steps done)
  "Apply the quick fixes of STEPS in turn through M-x eglot-code-actions; DONE holds
the finished steps' records, newest first."
  (if (null steps)
      (progn (dt-put 'steps (vconcat (reverse done))) (dt-describe-rule))
    (let* ((step (car steps))
           (code (alist-get 'code step))
           (pick (alist-get 'pick step))
           (diag (cl-find code (dt-diagnostics)
                          :key (lambda (d) (alist-get 'code d)) :test #'equal))
           (before (dt-text)))
      (if (not diag)
          (progn (dt-fail "no %s diagnostic to fix" code) (dt-finish))
        (with-current-buffer dt-buffer (goto-char (alist-get 'beg diag)))
        (setq dt-menus nil)
        ;; The cursor is on the diagnostic: the menu's default is the preferred fix
        ;; (RET takes it); another one is picked by typing its title and completing.
        (dt-mx "eglot-code-actions")
        (if (equal pick "preferred")
            (dt-keys "RET")
          (dt-keys (dt-type pick))
          (dt-keys "TAB RET"))
        (dt-wait-for-change
         (format "the fix of %s to be applied and diagnosed" code) before
         (lambda (diags)
           (let* ((menu (car dt-menus))
                  (chosen (cl-find-if
                           (lambda (item)
                             (let ((title (alist-get 'title item)))
                               (if (equal pick "preferred")
                                   (equal title (alist-get 'default menu))
                                 (string-prefix-p pick title))))
                           (alist-get 'items menu))))
             (dt-run-steps
              (cdr steps)
              (cons (list (cons 'code code)
                          (cons 'menu (vconcat (alist-get 'items menu)))
                          (cons 'default (alist-get 'default menu))
                          (cons 'chosen chosen)
                          (cons 'text (dt-text))
                          (cons 'diagnostics (dt-diags-value diags)))
                    done)))))))))

(defun dt-describe-rule ()
  "M-x dockerfile-lsp-describe-rule RET RET with the cursor on a diagnostic of the
rule DLSP_DESCRIBE: the default is that rule; record the help buffer."
  (let* ((code (getenv "DLSP_DESCRIBE"))
         (diag (cl-find code (dt-diagnostics)
                        :key (lambda (d) (alist-get 'code d)) :test #'equal))
         (name (format "*dockerfile-lsp rule %s*" code)))
    (if (not diag)
        (progn (dt-fail "no %s diagnostic to describe" code) (dt-finish))
      (with-current-buffer dt-buffer (goto-char (alist-get 'beg diag)))
      (dt-mx "dockerfile-lsp-describe-rule")
      (dt-keys "RET")
      (dt-wait "the rule's help buffer"
               (lambda () (and (get-buffer name)
                               (with-current-buffer name
                                 (and (> (buffer-size) 0) (buffer-string)))))
               (lambda (doc)
                 (dt-put 'rule_doc (substring-no-properties doc))
                 ;; Back to the Dockerfile for the next commands.
                 (delete-other-windows)
                 (switch-to-buffer dt-buffer)
                 (dt-format))))))

(defun dt-edit-command (command what then)
  "M-x COMMAND, which edits the buffer; once the edit is in and diagnosed (WHAT
names the wait), call THEN with the settled diagnostics."
  (let ((before (dt-text)))
    (dt-mx command)
    (dt-wait-for-change what before then)))

(defun dt-format ()
  "M-x eglot-format-buffer with the buffer's `tab-width' set to DLSP_TAB_WIDTH
and `indent-tabs-mode' off (Eglot sends them as the formatting options'
tabSize and insertSpaces, whichever major mode set them); record the text."
  (with-current-buffer dt-buffer
    (setq-local tab-width (string-to-number (getenv "DLSP_TAB_WIDTH")))
    (setq-local indent-tabs-mode nil))
  (dt-edit-command "eglot-format-buffer" "the formatted buffer"
                   (lambda (_diags)
                     (dt-put 'formatted (dt-text))
                     (dt-fix-all))))

(defun dt-fix-all ()
  "M-x dockerfile-lsp-fix-all; record the text and the diagnostics after it."
  (dt-edit-command "dockerfile-lsp-fix-all" "the fix-all edit"
                   (lambda (diags)
                     (dt-put 'fix_all
                             (list (cons 'text (dt-text))
                                   (cons 'diagnostics (dt-diags-value diags))))
                     (dt-fix-all-again))))

(defun dt-fix-all-again ()
  "M-x dockerfile-lsp-fix-all with nothing left to fix: a message, no error, no
edit; record the message and the text."
  (dt-mx "dockerfile-lsp-fix-all")
  (dt-wait "the nothing-to-fix message"
           (lambda ()
             (let ((messages (dt-tail "*Messages*" 2000)))
               (and messages
                    (string-match "dockerfile-lsp: [^\n]*\\'" (string-trim messages))
                    (match-string 0 (string-trim messages)))))
           (lambda (message)
             (dt-put 'fix_all_again (list (cons 'message message)
                                          (cons 'text (dt-text))))
             (dt-shutdown))))

(defun dt-shutdown ()
  "Shut the server down as `M-x eglot-shutdown' does; record its exit status."
  (let ((server (dt-server)))
    (if (not server)
        (progn (dt-fail "no server to shut down") (dt-finish))
      ;; `eglot-shutdown' sends shutdown and exit, then deletes the process at once
      ;; (jsonrpc-shutdown): the exit status says nothing; an unanswered or failed
      ;; shutdown request signals an error.
      (dt-put 'shutdown_error
              (condition-case err
                  (progn (eglot-shutdown server nil 5 t) nil)
                (error (format "%S" err))))
      (dt-collect-logs server)
      (dt-finish))))

(defun dt-tail (buffer max)
  "The last MAX characters of BUFFER (a buffer or name), or nil."
  (when-let ((buffer (get-buffer buffer)))
    (with-current-buffer buffer
      (buffer-substring-no-properties (max (point-min) (- (point-max) max)) (point-max)))))

(defun dt-collect-logs (&optional server)
  "Record the events buffer of SERVER, stderr buffers and *Messages*."
  (when server
    (dt-put 'events (dt-tail (jsonrpc-events-buffer server) 30000)))
  (dt-put 'stderr (mapconcat (lambda (b) (or (dt-tail b 20000) ""))
                             (cl-remove-if-not
                              (lambda (b) (string-match-p "stderr" (buffer-name b)))
                              (buffer-list))
                             "\n"))
  (dt-put 'messages (dt-tail "*Messages*" 20000))
  (dt-put 'warnings (dt-tail "*Warnings*" 5000)))

(defvar dt-finished nil)

(defun dt-finish ()
  "Write the result and leave Emacs."
  (unless dt-finished
    (setq dt-finished t)
    (unless (assq 'events dt-result)
      (dt-collect-logs (ignore-errors (dt-server))))
    (dt-put 'published (vconcat (mapcar (lambda (p) (list (cons 'version (car p))
                                                          (cons 'count (cadr p))))
                                        (reverse dt-published))))
    (dt-put 'errors (vconcat (reverse dt-errors)))
    (let ((json-encoding-pretty-print nil))
      (with-temp-file (getenv "DLSP_OUT")
        (insert (json-encode (reverse dt-result)))))
    (kill-emacs (if dt-errors 1 0))))

;;; Setup: what a user's init file holds

(condition-case err
    (progn
      ;; As a normal start-up does after the init file: installed packages (Debian's
      ;; elpa-* ones too, such as elpa-dockerfile-mode when present) are activated.
      (when (fboundp 'package-activate-all) (package-activate-all))
      (add-to-list 'load-path (getenv "DLSP_EMACS_DIR"))
      (require 'eglot)
      (require 'dockerfile-lsp)
      (setq dockerfile-lsp-program (getenv "DLSP_BIN"))
      (add-hook 'dockerfile-lsp-hook #'eglot-ensure)
      (let ((settings (getenv "DLSP_PACKAGE_SETTINGS")))
        (when (and settings (not (string-empty-p settings)))
          (setq dockerfile-lsp-settings
                (json-parse-string settings :object-type 'plist
                                   :false-object :json-false))))
      (let ((settings (getenv "DLSP_SETTINGS")))
        (when (and settings (not (string-empty-p settings)))
          (setq-default eglot-workspace-configuration
                        (list :dockerfileLsp
                              (json-parse-string settings :object-type 'plist
                                                 :false-object :json-false)))))
      (setq eglot-events-buffer-size 2000000)
      (advice-add 'eglot-handle-notification :before #'dt-record-publish)
      (advice-add 'completing-read :around #'dt-record-menu)
      (dt-put 'emacs_version emacs-version)
      (dt-put 'eglot (locate-library "eglot"))
      (when-let ((pid-file (getenv "DLSP_PID_FILE")))
        (with-temp-file pid-file (insert (number-to-string (emacs-pid)))))
      ;; Whatever happens, the run ends and says what it saw: the Rust side kills
      ;; Emacs a little later still.
      (run-with-timer (/ (string-to-number (or (getenv "DLSP_TOTAL_MS") "100000")) 1000.0)
                      nil
                      (lambda ()
                        (unwind-protect
                            (dt-fail "the whole run took too long; %s" (dt-state))
                          (dt-finish))))
      (run-with-timer 0.1 nil #'dt-start))
  (error (dt-fail "setup: %S" err) (dt-finish)))

;;; eglot-test.el ends here
