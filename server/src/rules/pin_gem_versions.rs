//! `pin-gem-versions`: `gem install gem` without a version.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};

declare_rule! {
    /// ## What it does
    /// Reports each gem named on a `gem install` (`gem i`) command line without a
    /// version: neither `gem:version` nor a `-v` / `--version` option on the command.
    /// Local `.gem` files and paths count as pinned; what follows `--` goes to the
    /// extension build and is not a gem. `$VAR` words are unknown and never reported.
    ///
    /// Differences from hadolint (DL3028): hadolint takes the word after any option for
    /// that option's value, so `gem install --no-document fpm` passes there; we know which
    /// `gem` options take a value (`--source URL`, `-i DIR`, `-v VERSION`) and report
    /// `fpm`. `.gem` files and paths count as pinned, and words after `--` (extension build
    /// flags) are ignored.
    ///
    /// ## Why is this bad?
    /// Without a version RubyGems installs the newest release of the day, so the image
    /// changes (or the build breaks on a new major version) without any change to the
    /// Dockerfile. `bundler` is the usual example: a new major release refuses
    /// lockfiles written by the old one.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN gem install bundler
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN gem install bundler:2.5.6
    /// ```
    /// or `gem install bundler -v 2.5.6`.
    ///
    /// ## Fix safety
    /// No automatic fix: the version to pin comes from the gem server.
    ///
    /// ## References
    /// - hadolint DL3028
    /// - RubyGems docs: "gem install"
    pub(crate) RULE {
        id: "pin-gem-versions",
        summary: "gem installed without a version",
        level: Warning,
        fix: None,
        hadolint: ["DL3028"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            if pkg.manager != Manager::Gem
                || !pkg.is_install()
                || pkg.has(&['v'], &["--version"])
            {
                continue;
            }
            for w in pkg.operands() {
                let t = w.text.as_str();
                if w.dynamic
                    || t.is_empty()
                    || t.contains(':')
                    || t.ends_with(".gem")
                    || t.contains('/')
                {
                    continue;
                }
                acc.report(
                    &RULE,
                    w.range,
                    format!(
                        "Pin the version of `{t}` (`{t}:<version>` or `-v <version>`) so that rebuilds install the same gem."
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_unpinned_gems() {
        check_rule(
            &RULE,
            r#"
FROM ruby:3.3
RUN gem install -N --source https://rubygems.org bundler rake:13.1.0 && gem i rails
RUN gem install mysql2 -- --with-mysql-config=/usr/bin/mysql_config
ONBUILD RUN gem install puma
RUN gem install --no-document fpm
"#,
            expect![[r#"
                2 | RUN gem install -N --source https://rubygems.org bundler rake:13.1.0 && gem i rails
                  |                                                  ^^^^^^^ pin-gem-versions: Pin the version of `bundler` (`bundler:<version>` or `-v <version>`) so that rebuilds install the same gem.
                2 | RUN gem install -N --source https://rubygems.org bundler rake:13.1.0 && gem i rails
                  |                                                                               ^^^^^ pin-gem-versions: Pin the version of `rails` (`rails:<version>` or `-v <version>`) so that rebuilds install the same gem.
                3 | RUN gem install mysql2 -- --with-mysql-config=/usr/bin/mysql_config
                  |                 ^^^^^^ pin-gem-versions: Pin the version of `mysql2` (`mysql2:<version>` or `-v <version>`) so that rebuilds install the same gem.
                4 | ONBUILD RUN gem install puma
                  |                         ^^^^ pin-gem-versions: Pin the version of `puma` (`puma:<version>` or `-v <version>`) so that rebuilds install the same gem.
                5 | RUN gem install --no-document fpm
                  |                               ^^^ pin-gem-versions: Pin the version of `fpm` (`fpm:<version>` or `-v <version>`) so that rebuilds install the same gem.
            "#]],
        );
    }

    #[test]
    fn accepts_pins_and_non_install() {
        check_rule_not(
            &RULE,
            r#"
FROM ruby:3.3
RUN gem install bundler -v 2.5.6 && gem install rails --version=7.1.3
RUN gem install bundler:2.5.6 ./vendor/x.gem y-1.0.gem $GEM && gem update --system
RUN gem uninstall x && gem install -i /opt/gems --version '~> 2.0' bundler
RUN ["gem", "install", "bundler"]
"#,
        );
    }
}
