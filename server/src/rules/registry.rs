//! The registry of every rule, sorted by id. The single place to grep for a rule.

use super::RuleMeta;

mod list {
    pub(super) use crate::rules::add_instead_of_copy;
    pub(super) use crate::rules::apk_no_cache;
    pub(super) use crate::rules::apt_get_not_apt;
    pub(super) use crate::rules::apt_lists_not_cleaned;
    pub(super) use crate::rules::apt_no_install_recommends;
    pub(super) use crate::rules::copy_context_before_deps;
    pub(super) use crate::rules::copy_from_self;
    pub(super) use crate::rules::copy_from_unknown_stage;
    pub(super) use crate::rules::directive_misplaced;
    pub(super) use crate::rules::empty_continuation_line;
    pub(super) use crate::rules::entrypoint_shell_ignores_cmd;
    pub(super) use crate::rules::expose_port_out_of_range;
    pub(super) use crate::rules::from_arg_undefined;
    pub(super) use crate::rules::image_latest_tag;
    pub(super) use crate::rules::image_untagged;
    pub(super) use crate::rules::instruction_before_from;
    pub(super) use crate::rules::instruction_multiple;
    pub(super) use crate::rules::json_args_recommended;
    pub(super) use crate::rules::legacy_key_value;
    pub(super) use crate::rules::maintainer_deprecated;
    pub(super) use crate::rules::pip_no_cache_dir;
    pub(super) use crate::rules::pkg_assume_yes;
    pub(super) use crate::rules::pkg_update_alone;
    pub(super) use crate::rules::run_cd;
    pub(super) use crate::rules::run_consecutive;
    pub(super) use crate::rules::secret_in_arg_env;
    pub(super) use crate::rules::stage_name_duplicate;
    pub(super) use crate::rules::syntax_error;
    pub(super) use crate::rules::undefined_var;
    pub(super) use crate::rules::unknown_instruction;
    pub(super) use crate::rules::user_missing;
    pub(super) use crate::rules::user_root_last;
    pub(super) use crate::rules::workdir_relative;
}

static ALL: &[&RuleMeta] = &[
    &list::add_instead_of_copy::RULE,
    &list::apk_no_cache::RULE,
    &list::apt_get_not_apt::RULE,
    &list::apt_lists_not_cleaned::RULE,
    &list::apt_no_install_recommends::RULE,
    &list::copy_context_before_deps::RULE,
    &list::copy_from_self::RULE,
    &list::copy_from_unknown_stage::RULE,
    &list::directive_misplaced::RULE,
    &list::empty_continuation_line::RULE,
    &list::entrypoint_shell_ignores_cmd::RULE,
    &list::expose_port_out_of_range::RULE,
    &list::from_arg_undefined::RULE,
    &list::image_latest_tag::RULE,
    &list::image_untagged::RULE,
    &list::instruction_before_from::RULE,
    &list::instruction_multiple::RULE,
    &list::json_args_recommended::RULE,
    &list::legacy_key_value::RULE,
    &list::maintainer_deprecated::RULE,
    &list::pip_no_cache_dir::RULE,
    &list::pkg_assume_yes::RULE,
    &list::pkg_update_alone::RULE,
    &list::run_cd::RULE,
    &list::run_consecutive::RULE,
    &list::secret_in_arg_env::RULE,
    &list::stage_name_duplicate::RULE,
    &list::syntax_error::RULE,
    &list::undefined_var::RULE,
    &list::unknown_instruction::RULE,
    &list::user_missing::RULE,
    &list::user_root_last::RULE,
    &list::workdir_relative::RULE,
];

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
