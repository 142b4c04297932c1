//! `stage-circular-dependency`: stages that depend on each other in a loop.

use crate::rules::copy_from_unknown_stage::from_refs;
use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::{Base, Model};

declare_rule! {
    /// ## What it does
    /// Reports a `COPY --from=<stage>` or `RUN --mount=from=<stage>` that closes a loop
    /// between stages: the stage it names depends, directly or through other stages,
    /// on the stage that contains the reference. Dependencies are `FROM <stage>`,
    /// `COPY --from` and `RUN --mount=from` (by name or index).
    ///
    /// `FROM` can only name an earlier stage, but BuildKit resolves `--from` against
    /// every stage of the file, later ones included, which is how a loop can appear. A
    /// stage copying from itself is `copy-from-self`'s business. `ONBUILD` triggers
    /// are not followed: they run in another build.
    ///
    /// ## Why is this bad?
    /// The build cannot start: BuildKit stops with "circular dependency detected on
    /// stage". In a long multi-stage file the loop is easy to create by renaming a
    /// stage and hard to see.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS assets
    /// COPY --from=app /app/static /static
    /// FROM node:22 AS app
    /// COPY --from=assets /static /app/static
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22 AS app
    /// RUN npm run build
    /// FROM alpine:3.20 AS assets
    /// COPY --from=app /app/static /static
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: breaking the loop means deciding which stage builds what.
    ///
    /// ## References
    /// - BuildKit `validateCircularDependency` ("circular dependency detected on stage")
    /// - Dockerfile reference, "Multi-stage builds"
    pub(crate) RULE {
        id: "stage-circular-dependency",
        summary: "Stages depend on each other in a loop",
        level: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let model = ctx.model;
    let n = model.stages.len();
    if n < 2 {
        return;
    }
    let refs = from_refs(ctx);
    // Resolved reference targets, per reference.
    let targets: Vec<Option<usize>> = refs.iter().map(|r| target(model, &r.value)).collect();
    let mut deps: Vec<Vec<usize>> = vec![Vec::new(); n];
    for stage in &model.stages {
        if let Base::Stage(p) = stage.base {
            deps[stage.index].push(p);
        }
    }
    for (r, t) in refs.iter().zip(&targets) {
        if let Some(t) = *t {
            if t != r.stage.index {
                deps[r.stage.index].push(t);
            }
        }
    }
    for (r, t) in refs.iter().zip(&targets) {
        let (Some(t), s) = (*t, r.stage.index) else {
            continue;
        };
        // Every loop contains a reference to a later stage (FROM only looks back).
        if t <= s {
            continue;
        }
        let Some(path) = path_between(&deps, t, s) else {
            continue;
        };
        let names: Vec<String> = std::iter::once(s)
            .chain(path)
            .map(|i| {
                model.stages[i]
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("stage {i}"))
            })
            .collect();
        acc.report(
            &RULE,
            r.range,
            format!(
                "{} `{}` closes a loop between stages ({}); BuildKit refuses to build a circular dependency",
                r.what,
                r.written,
                names.join(" → ")
            ),
        );
    }
}

/// The stage a `--from` value names: a stage name anywhere in the file, or an index.
fn target(model: &Model, value: &str) -> Option<usize> {
    if value.is_empty() {
        return None;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse::<usize>().ok().filter(|&i| i < model.stages.len());
    }
    let lower = value.to_ascii_lowercase();
    model
        .stages
        .iter()
        .find(|s| s.name.as_deref() == Some(lower.as_str()))
        .map(|s| s.index)
}

/// A dependency path from `from` to `to` (both included), by breadth-first search.
fn path_between(deps: &[Vec<usize>], from: usize, to: usize) -> Option<Vec<usize>> {
    let mut prev: Vec<Option<usize>> = vec![None; deps.len()];
    let mut seen = vec![false; deps.len()];
    let mut queue = std::collections::VecDeque::from([from]);
    seen[from] = true;
    while let Some(at) = queue.pop_front() {
        if at == to {
            let mut path = vec![at];
            let mut cur = at;
            while let Some(p) = prev[cur] {
                path.push(p);
                cur = p;
            }
            path.reverse();
            return Some(path);
        }
        for &d in &deps[at] {
            if !seen[d] {
                seen[d] = true;
                prev[d] = Some(at);
                queue.push_back(d);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_loops() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20 AS assets
COPY --from=app /app/static /static
FROM node:22 AS app
COPY --from=assets /static /app/static
FROM alpine:3.20 AS a
RUN --mount=type=bind,from=3,target=/c true
FROM a AS b
FROM b AS c
"#,
            expect![[r#"
                2 | COPY --from=app /app/static /static
                  |             ^^^ stage-circular-dependency: COPY --from `app` closes a loop between stages (assets → app → assets); BuildKit refuses to build a circular dependency
                6 | RUN --mount=type=bind,from=3,target=/c true
                  |                            ^ stage-circular-dependency: RUN --mount=from `3` closes a loop between stages (a → b → a); BuildKit refuses to build a circular dependency
            "#]],
        );
    }

    #[test]
    fn accepts_forward_references_without_loops() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine:3.20 AS assets
COPY --from=app /app/static /static
COPY --from=assets /x /x
FROM node:22 AS app
RUN npm run build
FROM assets AS final
COPY --from=app /x /x
ONBUILD COPY --from=final /x /x
"#,
        );
    }
}
