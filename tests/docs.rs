//! `docs/diagnostics.md` lists every diagnostic code with its severity and title, generated from
//! `compiler/src/diag.rs`. Re-bless with `FERRY_BLESS=1` after adding a code.

use ferry_compiler::diag::Code;
use ferry_tests::repo_root;

fn render() -> String {
    let mut s = String::from(
        "# Diagnostic codes\n\nGenerated from `compiler/src/diag.rs` by `tests/docs.rs` \
         (`FERRY_BLESS=1 cargo test -p ferry-tests --test docs`). `ferry explain CODE` prints the same.\n\n\
         | code | default severity | meaning |\n|---|---|---|\n",
    );
    for c in Code::ALL {
        s.push_str(&format!(
            "| {} | {} | {} |\n",
            c.as_str(),
            c.default_severity().as_str(),
            c.title()
        ));
    }
    s
}

#[test]
fn diagnostics_doc_lists_every_code() {
    let path = repo_root().join("docs/diagnostics.md");
    let want = render();
    if std::env::var_os("FERRY_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write docs/diagnostics.md");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        have, want,
        "docs/diagnostics.md is out of date: re-bless with FERRY_BLESS=1"
    );
}
