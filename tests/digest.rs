//! The canonical digest covers every field of a plan: any change of meaning changes it, so a
//! sign-off can never survive one. (Reformatting keeps it: tests/signoff.rs.)

mod common;
use common::*;

const P: &str = "plans/payroll.kdl";

fn digest(repo: &Repo) -> String {
    let out = run_in(repo.path(), &["digest", "payroll"], &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let d = out.stdout.trim().to_string();
    assert!(d.starts_with("sha256:") && d.len() == 71, "{d}");
    d
}

/// One edit per field of the plan format (every property and child node the minimal plan uses,
/// plus those it does not: `no-forbidden-actions`, scenario-level `forbidden`, objectives, ...).
const EDITS: &[(&str, &str)] = &[
    ("title \"Payroll\"", "title \"Payroll batch\""),
    ("covers payroll-app wan-line", "covers payroll-app"),
    ("contract msa revision=2", "contract msa revision=1"),
    ("client=anna.schmidt provider=jan.peters", "client=bernd.mueller provider=jan.peters"),
    ("client=anna.schmidt provider=jan.peters", "client=anna.schmidt provider=dc-duty"),
    ("level 1 notify=dc-duty", "level 3 notify=dc-duty"),
    ("level 1 notify=dc-duty within=\"15m\"", "level 1 notify=jan.peters within=\"15m\""),
    ("within=\"15m\"", "within=\"20m\""),
    ("unreachable \"Call the deputy of the contact\"", "unreachable \"Call the deputy\""),
    ("forbidden \"Reboot the payroll server during a run\"", "forbidden \"Reboot the payroll server\""),
    (
        "    forbidden \"Reboot the payroll server during a run\"\n",
        "    no-forbidden-actions \"Every action is reversible\"\n",
    ),
    ("scenario disk-full", "scenario disk-filled"),
    ("cause=technical", "cause=application"),
    ("affects-others=#false", "affects-others=#true"),
    ("resolver=provider", "resolver=joint"),
    ("fault-in provider", "fault-in client"),
    ("step \"Extend the volume\"", "step \"Extend the volume by 10 GB\""),
    ("        step \"Inform the application owner\"\n", ""),
    ("        fault-in provider\n", "        fault-in provider\n        forbidden \"Delete files\"\n"),
    ("exercise tabletop every", "exercise walkthrough every"),
    ("every=\"12mo\"", "every=\"6mo\""),
    ("joint=#true", "joint=#false"),
    ("media dedicated", "media shared"),
    ("schedule every=\"4h\"", "schedule every=\"2h\""),
    ("retention \"30d\"", "retention \"60d\""),
    ("offsite #true", "offsite #false"),
    ("antivirus \"Scanned before each backup\"", "antivirus \"Scanned daily\""),
    ("restore-test every=\"3mo\"", "restore-test every=\"1mo\""),
    ("        deputy dc-duty\n", "        deputy jan.peters\n"),
    ("escalate-to=jan.peters", "escalate-to=dc-duty"),
    ("within=\"2h\"", "within=\"3h\""),
    ("    title \"Payroll\"\n", "    title \"Payroll\"\n    objective payroll-app rto=\"4h\"\n"),
];

#[test]
fn every_field_of_a_plan_is_part_of_its_digest() {
    let base = digest(&Repo::minimal());
    let mut seen = std::collections::HashMap::new();
    seen.insert(base.clone(), "the fixture");
    for (from, to) in EDITS {
        let repo = Repo::minimal();
        repo.edit(P, from, to);
        // The edited plan must still be a valid plan (else the digest is not computed at all).
        let (_, report) = repo.check_json();
        let structural: Vec<&serde_json::Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| ["KDL", "SCH"].iter().any(|f| d["code"].as_str().unwrap().starts_with(f)))
            .collect();
        assert!(structural.is_empty(), "{from:?} -> {to:?} makes the plan invalid: {structural:#?}");
        let d = digest(&repo);
        if let Some(other) = seen.insert(d.clone(), to) {
            panic!("{from:?} -> {to:?} gives the digest of {other:?}: {d}");
        }
    }
}

#[test]
fn the_same_meaning_written_differently_has_the_same_digest() {
    let base = digest(&Repo::minimal());
    for (from, to) in [
        ("contract msa revision=2", "contract msa revision=2 // pinned"),
        ("    title \"Payroll\"\n", "    /* the plan */ title    \"Payroll\"\n\n"),
        ("cause=technical affects-others=#false", "affects-others=#false cause=technical"),
    ] {
        let repo = Repo::minimal();
        repo.edit(P, from, to);
        assert_eq!(digest(&repo), base, "{from:?} -> {to:?}");
    }
}

#[test]
fn the_reason_nothing_is_forbidden_is_part_of_the_digest() {
    let with_reason = |reason: &str| {
        let repo = Repo::minimal();
        repo.edit(
            P,
            "    forbidden \"Reboot the payroll server during a run\"\n",
            &format!("    no-forbidden-actions \"{reason}\"\n"),
        );
        digest(&repo)
    };
    assert_ne!(with_reason("Every action is reversible"), with_reason("Nothing here can do harm"));
}
