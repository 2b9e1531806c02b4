//! Generated files are committed and must match what the code produces.
//! `CONTINGENT_UPDATE=1 cargo test --test generated` rewrites them.

use std::path::Path;

use contingent::format::Kind;

fn check_file(rel: &str, expected: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    if std::env::var_os("CONTINGENT_UPDATE").is_some() {
        // Regenerating in CI would make the check pass whatever the committed files say.
        assert!(
            std::env::var_os("CI").is_none(),
            "CONTINGENT_UPDATE is set in CI: generated files are checked there, never rewritten"
        );
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(
        actual == expected,
        "{rel} is out of date: run `CONTINGENT_UPDATE=1 cargo test --test generated` and commit the result"
    );
}

#[test]
fn schema_files_match_the_embedded_schemas() {
    for kind in Kind::ALL {
        let mut text = serde_json::to_string_pretty(&kind.schema()).unwrap();
        text.push('\n');
        check_file(&format!("schema/{}.schema.json", kind.name()), &text);
    }
}

#[test]
fn rule_reference_matches_the_registry() {
    check_file("docs/rules.md", &contingent::commands::explain::markdown());
}
