//! The registry of every rule, sorted by id. The single place to grep for a rule.

use super::RuleMeta;

mod list {
    pub(super) use crate::rules::syntax_error;
}

static ALL: &[&RuleMeta] = &[&list::syntax_error::RULE];

/// Every rule, sorted by id.
pub fn all_rules() -> &'static [&'static RuleMeta] {
    ALL
}

pub fn rule_by_id(id: &str) -> Option<&'static RuleMeta> {
    ALL.iter().copied().find(|r| r.id == id)
}

/// The rule a hadolint code (`DL3006`) maps to.
pub fn rule_by_hadolint_code(code: &str) -> Option<&'static RuleMeta> {
    ALL.iter()
        .copied()
        .find(|r| r.hadolint.iter().any(|c| c.eq_ignore_ascii_case(code)))
}

/// The rule a BuildKit check name (`JSONArgsRecommended`) maps to.
pub fn rule_by_buildkit_name(name: &str) -> Option<&'static RuleMeta> {
    ALL.iter()
        .copied()
        .find(|r| r.buildkit.iter().any(|c| c.eq_ignore_ascii_case(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_and_unique() {
        let ids: Vec<_> = ALL.iter().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ids, sorted);
    }
}
