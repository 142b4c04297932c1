//! Generates the rule registry: every file under `src/rules/` that declares a rule with
//! a top-level `declare_rule!` becomes a module, and its `RULE` joins the sorted list.
//! Adding a rule is adding one file; no shared list to edit (and no merge conflicts).

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read at run time: a build script copied with a target/ folder must not read the
    // rules of the checkout it was first compiled in.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest_dir).join("src/rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut rules = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("read src/rules") {
        let path = entry.expect("dir entry").path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        println!("cargo:rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).expect("read rule file");
        if !text.lines().any(|l| l.starts_with("declare_rule! {")) {
            continue;
        }
        let module = path.file_stem().unwrap().to_str().unwrap().to_string();
        let id = text
            .lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix("id: \""))
            .and_then(|l| l.split('"').next())
            .unwrap_or_else(|| panic!("{}: declare_rule! without `id: \"…\"`", path.display()))
            .to_string();
        assert_eq!(
            id.replace('-', "_"),
            module,
            "{}: a rule's file is named after its id",
            path.display()
        );
        rules.push((id, module, path));
    }
    rules.sort();
    let mut modules = String::new();
    let mut list = String::from("static ALL: &[&RuleMeta] = &[\n");
    for (_, module, path) in &rules {
        writeln!(
            modules,
            "#[path = {:?}]\npub(crate) mod {module};",
            path.display().to_string()
        )
        .unwrap();
        writeln!(list, "    &crate::rules::{module}::RULE,").unwrap();
    }
    list.push_str("];\n");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("rule_modules.rs"), modules).expect("write rule_modules.rs");
    std::fs::write(out.join("rule_list.rs"), list).expect("write rule_list.rs");
}
