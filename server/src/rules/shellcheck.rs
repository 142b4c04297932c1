//! `shellcheck`: ShellCheck's findings in shell-form RUN instructions. The analysis here
//! reports nothing; `crate::shellcheck` runs the external program (off the typing path)
//! and produces diagnostics of this rule.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Runs [ShellCheck](https://www.shellcheck.net) on the shell of every shell-form
    /// `RUN` (and `ONBUILD RUN`) and reports its findings at their exact place in the
    /// Dockerfile, with the ShellCheck code and its wiki link:
    /// `SC2086: Double quote to prevent globbing and word splitting. See
    /// https://www.shellcheck.net/wiki/SC2086`.
    ///
    /// What ShellCheck is given, per RUN:
    /// - the RUN's shell text with the keyword and flags left out and continuation lines
    ///   joined, as the shell receives it; heredocs are appended as the shell receives
    ///   them (`RUN cat <<EOF …`), `RUN <<EOF` checks the body as the script, and a body
    ///   fed to a shell (`RUN bash <<EOF`) is also checked as a script of that shell;
    /// - a shebang for the dialect: the `SHELL` in force (`["/bin/bash", "-c"]` → bash,
    ///   dash, ksh, ash, default `/bin/sh` → sh), or the shell a `# hadolint shell=bash`
    ///   / `# dockerfile-lsp shell=bash` comment declares for the base image;
    /// - `export NAME=1` for every ARG and ENV in scope (the stage and the stages it is
    ///   built on, plus the proxy ARGs), so SC2154 ("referenced but not assigned") does
    ///   not fire for them. A global ARG that the stage does not redeclare stays
    ///   undeclared: it is empty in `RUN`, which is what ShellCheck then tells you.
    ///
    /// Not checked: exec-form RUN (no shell), `SHELL` PowerShell/cmd or zsh (ShellCheck
    /// has no such dialect), files with a backtick escape or a Windows base image, a
    /// `# hadolint shell=powershell` comment, heredocs run by other interpreters
    /// (`python3 <<EOF`, `#!/usr/bin/python3`).
    /// SC1090, SC1091 (need `source` directives) and SC2187 (ash checked as dash) are
    /// never reported, as in hadolint; nor is SC2002 ("useless cat"), which ShellCheck
    /// 0.11 turned off by default, so that an older installed ShellCheck does not
    /// bring it back.
    ///
    /// Differences from hadolint (its built-in ShellCheck, SC codes), by cause:
    /// - hadolint 2.15 keeps only one ShellCheck finding per `RUN` (the last one
    ///   ShellCheck reports; never two on the corpus), so `RUN export v=$(cmd); read x`
    ///   shows SC2034 in hadolint but SC2155, SC2046, SC2162 and SC2034 here. We report
    ///   them all: they are distinct problems at distinct places. This is nearly all
    ///   of our extra findings (SC2155, SC2046, SC2086, SC2185, SC2162, SC3043, …);
    /// - hadolint runs ShellCheck on the `RUN`s of Windows images too (PowerShell and
    ///   cmd text read as sh), giving parse errors (SC1001, SC1012, SC1036, SC1065,
    ///   SC1072, SC1088, SC2288 …) and SC2086/SC2016 on `$env:X`; we skip such files.
    ///   This is every finding hadolint has that we do not;
    /// - ShellCheck versions: hadolint has ShellCheck 0.11 built in, we run the
    ///   installed one (Debian and Ubuntu ship 0.9.0). hadolint's no longer reports
    ///   SC2015 (`A && B || C`) when B is a test or C is `true` (`cd src && make ||
    ///   true`: 3 corpus findings of ours), and newer versions add codes older ones
    ///   lack (SC2327–SC2332, SC3062); install a recent ShellCheck for the same
    ///   verdicts;
    /// - variables and dialect cause no disagreement on the corpus: like hadolint we
    ///   declare the ARG/ENV names in scope (SC2154 stays quiet for them; ShellCheck
    ///   never reports it for all-uppercase names) and follow `SHELL` and
    ///   `# hadolint shell=` comments. hadolint 2.15 checks a `RUN <<EOF` body but
    ///   cannot parse a heredoc followed by more words (`RUN cat <<EOF > /x`), and
    ///   such files are out of the comparison.
    ///
    /// ## Why is this bad?
    /// A RUN is a shell script that runs once, at build time, where nobody reads its
    /// output: an unquoted `$VAR` that splits, a `cd` that fails silently or a bashism
    /// under `/bin/sh` (dash on Debian and Ubuntu) breaks the image or, worse, builds a
    /// different image than intended without failing the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// ARG files
    /// RUN [[ -n $files ]] && cp $files /opt/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// ARG files
    /// RUN [ -n "$files" ] && cp "$files" /opt/
    /// ```
    ///
    /// ## Severity and configuration
    /// Each finding has ShellCheck's level: error → error, warning → warning, info →
    /// info, style → hint. Setting a level for `shellcheck` (`--rule shellcheck=info`,
    /// `[rules] shellcheck = "info"`) gives every ShellCheck finding that level;
    /// `shellcheck = "off"` stops running ShellCheck. Single codes are ignored with
    /// `# hadolint ignore=SC2086` (next instruction), `# hadolint global ignore=SC2086`
    /// (file), `# dockerfile-lsp ignore=SC2086`, `ignored: [SC2086]` in `.hadolint.yaml`
    /// or `[shellcheck] ignore = ["SC2086"]` in `dockerfile-lsp.toml`;
    /// `# dockerfile-lsp ignore=shellcheck` silences every code on the next instruction.
    ///
    /// ShellCheck is found on `PATH`, or set with `[shellcheck] path = "/opt/shellcheck"`
    /// (TOML) or the editor setting `dockerfileLsp.shellcheck.path`. Without it the rule
    /// is silent; `dockerfile-lsp rules shellcheck` says whether it was found. The editor
    /// shows the other findings first and ShellCheck's when it is done (it runs in the
    /// background with a 5 s timeout; results are cached per RUN text, so an edit
    /// re-checks only the RUN it touched).
    ///
    /// ## Fix safety
    /// ShellCheck's own fix suggestions (quoting for SC2086, `$(…)` for SC2006, …) are
    /// offered as unsafe fixes: quoting a variable that was meant to split (a package
    /// list in `$PKGS`) changes what the command does.
    ///
    /// ## References
    /// - hadolint runs ShellCheck on RUN the same way (`SCxxxx` codes, same exclusions)
    /// - ShellCheck wiki: <https://www.shellcheck.net/wiki/>
    /// - Docker docs: "Dockerfile reference", RUN and SHELL
    pub(crate) RULE {
        id: "shellcheck",
        summary: "ShellCheck findings in shell-form RUN",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

/// The core analysis runs no processes: ShellCheck findings come from `crate::shellcheck`.
fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::ide::Analysis;

    #[test]
    fn the_core_analysis_reports_nothing_itself() {
        let a = Analysis::new("FROM a:1\nUSER x\nRUN echo $1 | grep x\n");
        assert!(a
            .diagnostics(&Config::default())
            .iter()
            .all(|d| d.rule.id != "shellcheck"));
    }
}
