//! What ShellCheck is given: one script per shell-form RUN (and per heredoc body run by
//! a shell), built from the model's blanked shell view so that every byte of the script
//! that comes from the Dockerfile maps back to its Dockerfile offset. Pure: no I/O.
//!
//! A script is a short prelude (a shebang naming the dialect, then `export` of the
//! ARG/ENV names in scope, as hadolint does, so SC2154 stays quiet for them) followed by
//! pieces of Dockerfile text. Positions ShellCheck reports (1-based line, 1-based column
//! counted in characters, a tab counting as one with `--format=json1`) are turned into a
//! byte offset in the script, then through the piece table into a Dockerfile offset.

use std::collections::BTreeSet;

use crate::semantic::{shell, Model, ShellKind, PREDEFINED_ARGS};
use crate::syntax::Dockerfile;

/// One script for ShellCheck, with the map back to the Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Index of the RUN (or ONBUILD RUN) instruction.
    pub instruction: usize,
    /// The full text given to ShellCheck (also the cache key).
    pub script: String,
    pieces: Vec<Piece>,
}

/// A run of script bytes copied from the Dockerfile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Piece {
    script: usize,
    doc: usize,
    len: usize,
}

impl Job {
    fn new(instruction: usize, dialect: &str, vars: &BTreeSet<String>) -> Job {
        let mut script = format!("#!/bin/{dialect}\n");
        if !vars.is_empty() {
            script.push_str("export");
            for v in vars {
                script.push(' ');
                script.push_str(v);
                script.push_str("=1");
            }
            script.push('\n');
        }
        Job {
            instruction,
            script,
            pieces: Vec::new(),
        }
    }

    /// Appends Dockerfile text starting at `doc`. Carriage returns become spaces (BuildKit
    /// strips them from line ends; a byte for a byte keeps offsets exact).
    fn push_doc(&mut self, doc: usize, text: &str) {
        self.pieces.push(Piece {
            script: self.script.len(),
            doc,
            len: text.len(),
        });
        self.script.push_str(&text.replace('\r', " "));
    }

    /// Appends text that is not in the Dockerfile (a heredoc terminator, a line break).
    fn push_synthetic(&mut self, text: &str) {
        self.script.push_str(text);
    }

    /// The Dockerfile offset of ShellCheck's 1-based `line`/`column`. `None` inside the
    /// prelude. Positions in synthetic text map to the end of the piece before them;
    /// positions past the end map to the end of the last piece.
    pub fn offset(&self, line: u32, column: u32) -> Option<usize> {
        let at = self.script_offset(line, column)?;
        let first = self.pieces.first()?;
        if at < first.script {
            return None;
        }
        let mut best = first.doc;
        for p in &self.pieces {
            if at < p.script {
                break;
            }
            if at <= p.script + p.len {
                return Some(p.doc + (at - p.script));
            }
            best = p.doc + p.len;
        }
        Some(best)
    }

    /// Like [`Job::offset`], but only for positions inside Dockerfile text (for fixes).
    pub fn offset_exact(&self, line: u32, column: u32) -> Option<usize> {
        let at = self.script_offset(line, column)?;
        self.pieces
            .iter()
            .find(|p| p.script <= at && at <= p.script + p.len)
            .map(|p| p.doc + (at - p.script))
    }

    /// The byte offset in the script of a 1-based line and character column.
    fn script_offset(&self, line: u32, column: u32) -> Option<usize> {
        let line = line.max(1) as usize;
        let mut start = 0;
        for _ in 1..line {
            match self.script[start..].find('\n') {
                Some(n) => start += n + 1,
                // Past the last line: the end of the script.
                None => return Some(self.script.len()),
            }
        }
        let rest = &self.script[start..];
        let line_len = rest.find('\n').unwrap_or(rest.len());
        let skip = column.max(1) as usize - 1;
        let within = rest[..line_len]
            .char_indices()
            .nth(skip)
            .map_or(line_len, |(i, _)| i);
        Some(start + within)
    }
}

/// The ShellCheck dialect of a POSIX shell program name; `None` for shells ShellCheck
/// does not check (zsh).
pub fn dialect_of(program: &str) -> Option<&'static str> {
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
    match name.trim_end_matches(".exe").to_ascii_lowercase().as_str() {
        "sh" | "busybox" => Some("sh"),
        "bash" => Some("bash"),
        "dash" => Some("dash"),
        // ShellCheck checks ash as dash (and says so with SC2187, which is excluded).
        "ash" => Some("ash"),
        "ksh" | "mksh" => Some("ksh"),
        _ => None,
    }
}

/// The shell a `# hadolint shell=…` / `# dockerfile-lsp shell=…` pragma declares for the
/// base image, if any (the last one wins).
pub fn shell_pragma(syntax: &Dockerfile) -> Option<String> {
    let mut found = None;
    for c in syntax.comments.iter().filter(|c| !c.in_continuation) {
        let text = c.text.trim();
        let rest = text
            .strip_prefix("hadolint")
            .or_else(|| text.strip_prefix("dockerfile-lsp"));
        let Some(rest) = rest else { continue };
        let Some(value) = rest.trim_start().strip_prefix("shell=") else {
            continue;
        };
        if let Some(v) = value.split_whitespace().next() {
            found = Some(v.to_string());
        }
    }
    found
}

/// Every script of the file, in instruction order.
pub fn jobs(text: &str, syntax: &Dockerfile, model: &Model) -> Vec<Job> {
    let pragma = shell_pragma(syntax);
    let mut out = Vec::new();
    for (i, run) in model.run_shells() {
        let Some(inst) = syntax.instructions.get(i) else {
            continue;
        };
        let eff = inst.effective();
        let ShellKind::Posix(program) = model.shell_at(i) else {
            continue;
        };
        // The pragma names the base image's shell; a SHELL instruction wins over it.
        let declared_by_shell = model
            .instructions_before(i)
            .any(|j| syntax.instructions[j].kind == crate::syntax::Kind::Shell);
        let program = match &pragma {
            Some(p) if !declared_by_shell => p.clone(),
            _ => program,
        };
        let Some(dialect) = dialect_of(&program) else {
            continue;
        };
        if !declared_by_shell && pragma.is_none() && windows_base(model, i) {
            continue;
        }
        let vars = visible_vars(model, i);
        let runs_body_only = run.script.as_ref().is_none_or(|s| s.commands.is_empty());
        if !eff.heredocs.is_empty() && runs_body_only {
            // `RUN <<EOF`: BuildKit runs the first body itself as the script.
            if let Some(job) = body_job(text, i, &eff.heredocs[0], dialect, &vars) {
                out.push(job);
            }
            continue;
        }
        let (base, view) = shell::blanked_args(text, &inst.joined, eff);
        let mut job = Job::new(i, dialect, &vars);
        job.push_doc(base, &view);
        // `RUN cmd <<EOF`: the shell gets the line, then each body and its terminator.
        for h in &eff.heredocs {
            job.push_synthetic("\n");
            let body = &text[h.body_range.range()];
            job.push_doc(h.body_range.start(), body);
            if !body.is_empty() && !body.ends_with('\n') {
                job.push_synthetic("\n");
            }
            job.push_synthetic(&h.name);
        }
        job.push_synthetic("\n");
        out.push(job);
        // `RUN bash <<EOF`: the body is a script for that shell too; check it as one.
        let runner = run
            .script
            .as_ref()
            .and_then(|s| s.commands.first())
            .and_then(|c| dialect_of(&c.name));
        if let Some(runner) = runner {
            for h in eff.heredocs.iter().filter(|h| h.fd == 0) {
                if let Some(job) = body_job(text, i, h, runner, &vars) {
                    out.push(job);
                }
            }
        }
    }
    out
}

/// A heredoc body checked as a script of its own. A `#!` line chooses the dialect (and
/// is blanked, the prelude carries the shebang); a non-shell interpreter skips it.
fn body_job(
    text: &str,
    instruction: usize,
    h: &crate::syntax::Heredoc,
    dialect: &str,
    vars: &BTreeSet<String>,
) -> Option<Job> {
    if h.body_range.is_empty() {
        return None;
    }
    let body = &text[h.body_range.range()];
    let mut dialect = dialect;
    let mut skip = 0;
    if let Some(first) = body.lines().next().filter(|l| l.starts_with("#!")) {
        let words: Vec<&str> = first[2..].split_whitespace().collect();
        let program = match words.as_slice() {
            [env, p, ..] if env.ends_with("/env") => *p,
            [p, ..] => *p,
            [] => "",
        };
        dialect = dialect_of(program)?;
        skip = first.len();
    }
    let mut job = Job::new(instruction, dialect, vars);
    job.push_synthetic(&" ".repeat(skip));
    job.push_doc(h.body_range.start() + skip, &body[skip..]);
    if !body.ends_with('\n') {
        job.push_synthetic("\n");
    }
    Some(job)
}

/// The stage chain starts from an image whose name says Windows
/// (`stefanscherer/node-windows`, `…/nanoserver`, `…/servercore`), which the model does
/// not recognise as Windows: its RUNs are PowerShell or cmd, not sh.
fn windows_base(model: &Model, at: usize) -> bool {
    let Some(root) = model.stage_of(at).and_then(|s| model.root_stage(s.index)) else {
        return false;
    };
    let name = root
        .base_word
        .as_ref()
        .map(|w| w.text.to_ascii_lowercase())
        .unwrap_or_default();
    ["windows", "nanoserver", "servercore"]
        .iter()
        .any(|w| name.contains(w))
}

/// ARG and ENV names a RUN sees: its stage's declarations before it, those of the stages
/// it is built on, and the proxy ARGs. Only valid shell names (others would break the
/// prelude).
pub fn visible_vars(model: &Model, at: usize) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = PREDEFINED_ARGS.iter().map(|s| s.to_string()).collect();
    let Some(stage) = model.stage_of(at) else {
        return out;
    };
    // The RUN's own stage up to it, then whole ancestor stages.
    let mut limit = at;
    for s in model.stage_chain(stage.index) {
        for d in s.decls.iter().filter(|d| d.instruction < limit) {
            if crate::semantic::expand::is_var_name(&d.name) {
                out.insert(d.name.clone());
            }
        }
        limit = usize::MAX;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::Analysis;

    fn jobs_of(text: &str) -> Vec<Job> {
        let a = Analysis::new(text);
        jobs(text, a.syntax(), a.model())
    }

    /// The Dockerfile text a script position maps to, up to the end of the line.
    fn at(text: &str, job: &Job, line: u32, column: u32) -> String {
        let o = job.offset(line, column).expect("mapped");
        text[o..].lines().next().unwrap_or("").to_string()
    }

    #[test]
    fn prelude_declares_vars_in_scope_and_dialect() {
        let text = "ARG glob=1\nFROM a AS b\nARG ver=1\nENV home=/x foo.bar=2\nRUN echo $ver\nFROM b\nSHELL [\"/bin/bash\", \"-c\"]\nRUN echo $home\n";
        let j = jobs_of(text);
        assert_eq!(j.len(), 2);
        assert!(
            j[0].script.starts_with("#!/bin/sh\nexport "),
            "{}",
            j[0].script
        );
        assert!(j[0].script.contains(" ver=1") && j[0].script.contains(" home=1"));
        // Global ARGs are not visible in a stage without redeclaration; bad names skipped.
        assert!(!j[0].script.contains("glob=") && !j[0].script.contains("foo.bar"));
        assert!(j[1].script.starts_with("#!/bin/bash\n"));
        // The inherited stage's ENV is in scope too.
        assert!(j[1].script.contains(" home=1"));
        assert_eq!(at(text, &j[0], 3, 6), "$ver");
    }

    #[test]
    fn continuation_lines_crlf_tabs_and_utf8_map_exactly() {
        let text = "FROM a\r\nRUN echo \"é\" \\\r\n\t# comment\r\n\t&& grep $x \\\r\n  y\r\n";
        let j = &jobs_of(text)[0];
        // The view is one line: the continuation is blanked.
        let line = j.script.lines().nth(2).unwrap();
        let col = line.chars().position(|c| c == '$').unwrap() as u32 + 1;
        assert_eq!(at(text, j, 3, col), "$x \\");
        assert_eq!(at(text, j, 3, 1), "echo \"é\" \\");
        // Past the end of the line: the end of the RUN.
        let end = j.offset(3, 500).unwrap();
        assert_eq!(&text[end..], "\r\n");
        // The prelude maps nowhere.
        assert_eq!(j.offset(1, 1), None);
        assert!(!j.script.contains('\r'));
    }

    #[test]
    fn heredocs_are_appended_or_run_alone() {
        let text = "FROM a\nRUN <<EOF\necho $1\nEOF\nRUN cat <<'X' > /f\nbody $y\nX\nRUN bash <<EOT\nls $z\nEOT\nRUN python3 <<EOF\nprint(1)\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\nRUN <<EOF\n#!/bin/bash\necho $w\nEOF\n";
        let j = jobs_of(text);
        let scripts: Vec<&str> = j.iter().map(|j| j.script.as_str()).collect();
        // Body alone for `RUN <<EOF`.
        assert!(scripts[0].ends_with("\necho $1\n"), "{:?}", scripts[0]);
        assert_eq!(at(text, &j[0], 3, 6), "$1");
        // Line + body + terminator for `RUN cat <<'X'`.
        assert!(
            scripts[1].ends_with("\ncat <<'X' > /f\nbody $y\nX\n"),
            "{:?}",
            scripts[1]
        );
        // `RUN bash <<EOT`: the line with its body, then the body as a bash script.
        assert!(scripts[2].ends_with("\nbash <<EOT\nls $z\nEOT\n"));
        assert!(scripts[3].starts_with("#!/bin/bash\n"), "{:?}", scripts[3]);
        assert_eq!(at(text, &j[3], 3, 4), "$z");
        // python3 <<EOF: only the line (+ literal body); python shebang: skipped.
        assert!(scripts[4].contains("python3 <<EOF\nprint(1)\nEOF\n"));
        // A bash shebang picks bash and is blanked.
        assert!(scripts[5].starts_with("#!/bin/bash\n"), "{:?}", scripts[5]);
        assert!(!scripts[5][2..].contains("#!"));
        assert_eq!(at(text, &j[5], 4, 6), "$w");
        assert_eq!(j.len(), 6);
    }

    #[test]
    fn skips_exec_form_powershell_zsh_and_pragmas() {
        let none = [
            "FROM a\nRUN [\"echo\", \"$x\"]\n",
            "FROM a\nSHELL [\"powershell\", \"-c\"]\nRUN echo $x\n",
            "FROM a\nSHELL [\"zsh\", \"-c\"]\nRUN echo $x\n",
            "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo %x%\n",
            "# hadolint shell=powershell\nFROM a\nRUN echo $x\n",
            "FROM stefanscherer/node-windows:8 AS w\nFROM w\nRUN iex ((new-object a).b('c'))\n",
        ];
        for text in none {
            assert_eq!(jobs_of(text), [], "{text}");
        }
        let j = jobs_of("# hadolint shell=bash\nFROM a\nRUN echo $x\n");
        assert!(j[0].script.starts_with("#!/bin/bash\n"));
        // ONBUILD RUN is checked like RUN.
        let j = jobs_of("FROM a\nONBUILD RUN echo $x\n");
        assert_eq!(j.len(), 1);
    }
}
