//! A corpus of seeded defects, each a small edit of a copy of the bundled example `plans/`
//! (file, text to find, replacement), with the codes it must raise; and clean variants, edits
//! that must raise nothing new. The cases come from the requirement text (M 6.83, in
//! `/work/shared/seed/`) and from an auditor's eye: wrong dates in context, the wrong party in a
//! role, duplicates in lists, objects that contradict each other, vague work instructions.
//!
//! One test runs them all, prints the detection figure and fails on any miss or false alarm.

mod common;
use common::*;

/// One seeded defect (or, with no codes, a clean variant).
struct Case {
    name: &'static str,
    edits: &'static [(&'static str, &'static str, &'static str)],
    /// Codes the defect must raise. Empty: a clean variant, which must raise nothing but the
    /// sign-off findings any edit of signed content brings (SIG002, SIG019).
    codes: &'static [&'static str],
}

const PR: &str = "plans/payroll.kdl";
const CB: &str = "plans/core-banking.kdl";
const BR: &str = "plans/backup-restore.kdl";
const PO: &str = "plans/payment-orders.kdl";
const WAN: &str = "plans/wan-connectivity.kdl";
const CI: &str = "inventory/client.kdl";
const PI: &str = "inventory/provider.kdl";
const IF: &str = "inventory/interfaces.kdl";
const HPB: &str = "contacts/hpb.kdl";
const NN: &str = "contacts/nordnetz.kdl";
const MSA: &str = "contracts/msa.kdl";
const EXP: &str = "exercises/payroll.kdl";
const EXC: &str = "exercises/core-banking.kdl";

const fn case(
    name: &'static str,
    edits: &'static [(&'static str, &'static str, &'static str)],
    codes: &'static [&'static str],
) -> Case {
    Case { name, edits, codes }
}

const CASES: &[Case] = &[
    // --- coverage and responsibility: plans for both sides and the interfaces; the right party
    case("a system covered by no plan", &[(PR, "covers payroll-clients payroll-batch mft-gateway", "covers payroll-clients payroll-batch"), (PR, "    objective mft-gateway rto=\"8h\" rpo=\"24h\"\n", "")], &["COV001"]),
    case("no responsible provider contact", &[(PR, "responsible client=anna.schmidt provider=dirk.hansen", "responsible client=anna.schmidt")], &["COV002"]),
    case("responsible parties swapped", &[(PR, "responsible client=anna.schmidt provider=dirk.hansen", "responsible client=dirk.hansen provider=anna.schmidt")], &["COV002"]),
    case("application owner at the provider", &[(CI, "owner lars.petersen", "owner michael.wagner")], &["COV003"]),
    case("protection need without availability", &[(CI, "protection confidentiality=high integrity=high availability=high", "protection confidentiality=high integrity=high")], &["COV005"]),
    case("high availability without RPO", &[(CI, "    rpo \"24h\"\n", "")], &["COV006"]),
    case("protection needs acknowledged by the client", &[(PI, "acknowledged by=michael.wagner", "acknowledged by=jens.hoffmann")], &["COV007"]),
    case("protection needs of a provider system not acknowledged", &[(PI, "    acknowledged by=michael.wagner date=\"2026-03-02\"\n", "")], &["COV007"]),
    case("interface without provider contact", &[(IF, "contacts client=lars.petersen provider=tobias.schmitz", "contacts client=lars.petersen")], &["COV004"]),
    case("interface contacts swapped", &[(IF, "contacts client=lars.petersen provider=tobias.schmitz", "contacts client=tobias.schmitz provider=lars.petersen")], &["COV004"]),
    // --- escalation: regulated, complete, working at night
    case("no escalation chain", &[(WAN, "    escalation {", "    /-escalation {")], &["ESC001"]),
    case("a later level due earlier", &[(PR, "level 2 notify=dirk.hansen within=\"1h\"", "level 2 notify=dirk.hansen within=\"10m\"")], &["ESC002"]),
    case("escalation levels skip a number", &[(PR, "level 3 notify=anna.schmidt", "level 5 notify=anna.schmidt")], &["ESC002"]),
    case("escalation never reaches the client", &[(WAN, "level 3 notify=lars.petersen within=\"1h\"", "level 3 notify=frank.meyer within=\"1h\"")], &["ESC003"]),
    case("no fallback when nobody answers", &[(PR, "        unreachable \"Call the contact's deputy", "        /-unreachable \"Call the contact's deputy")], &["ESC004"]),
    case("a deputy of the other party", &[(HPB, "    deputy miriam.becker\n", "    deputy dirk.hansen\n")], &["ESC006"]),
    case("a contact its own deputy", &[(HPB, "    deputy miriam.becker\n", "    deputy anna.schmidt\n")], &["ESC007"]),
    case("the same contact notified twice", &[(PR, "level 4 notify=katharina.vogel", "level 4 notify=rzn-duty-desk")], &["ESC009"]),
    case("a relied-on contact without any channel", &[(HPB, "    phone \"+49 40 555 1050\" available=business-hours\n    mobile \"+49 40 555 1950\" available=\"24x7\"\n    email \"anna.schmidt@hpb.example\" available=business-hours\n", "")], &["ESC008"]),
    case("a level of a high plan reaches a contact without 24x7 channel", &[(HPB, "    mobile \"+49 40 555 1950\" available=\"24x7\"\n", "")], &["CNT006"]),
    case("a 15-minute level reaches a mailbox", &[(NN, "    phone \"+49 40 555 3000\" available=\"24x7\"\n", ""), (WAN, "level 2 notify=nordnetz-noc within=\"30m\"", "level 2 notify=nordnetz-noc within=\"20m\"")], &["CNT009"]),
    case("a former contact still in the escalation", &[(HPB, "    verified \"2026-07-28\"\n    github aschmidt-hpb", "    verified \"2026-07-28\"\n    left \"2026-10-31\"\n    github aschmidt-hpb")], &["CNT008"]),
    case("a contact verified after the check date", &[(HPB, "    verified \"2026-10-12\"\n    github lpetersen-hpb", "    verified \"2027-01-12\"\n    github lpetersen-hpb")], &["CNT003"]),
    case("a contact verified long ago", &[(HPB, "    verified \"2026-10-12\"\n    github lpetersen-hpb", "    verified \"2024-10-12\"\n    github lpetersen-hpb")], &["CNT001"]),
    // --- scenarios and work instructions
    case("a scenario without cause class", &[(PR, "scenario mft-transfer-failure cause=interface ", "scenario mft-transfer-failure ")], &["SCN001"]),
    case("a scenario without steps", &[
        (BR, "        step \"Read the job log", "        /-step \"Read the job log"),
        (BR, "        step \"Repeat the job in the next", "        /-step \"Repeat the job in the next"),
        (BR, "        step \"If the repeated job fails", "        /-step \"If the repeated job fails"),
        (BR, "        step \"List failed and repeated", "        /-step \"List failed and repeated"),
    ], &["SCN002"]),
    case("a scenario not saying where the fault lies", &[(BR, "        fault-in provider\n        detect \"Backup report BKP-DAILY", "        detect \"Backup report BKP-DAILY")], &["SCN003"]),
    case("provider alone on a fault affecting others", &[(PR, "scenario spool-disk-full cause=technical affects-others=#false", "scenario spool-disk-full cause=technical affects-others=#true")], &["SCN004"]),
    case("provider alone on an application cause", &[(PR, "scenario wrong-data-record cause=application affects-others=#false resolver=joint", "scenario wrong-data-record cause=application affects-others=#false resolver=provider")], &["SCN004"]),
    case("no resolver", &[(WAN, "cause=external affects-others=#true resolver=joint {", "cause=external affects-others=#true {")], &["SCN005"]),
    case("an application scenario with provider contacts only", &[(PR, "contacts anna.schmidt miriam.becker", "contacts dirk.hansen")], &["SCN006"]),
    case("an application scenario without contacts", &[(PO, "        contacts sabine.krueger jens.hoffmann\n", "")], &["SCN006"]),
    case("no forbidden actions", &[
        (WAN, "    forbidden \"Route HPB traffic", "    /-forbidden \"Route HPB traffic"),
        (WAN, "    forbidden \"Reset the IPsec", "    /-forbidden \"Reset the IPsec"),
        (WAN, "    forbidden \"Change routing", "    /-forbidden \"Change routing"),
    ], &["SCN007"]),
    case("a step doing exactly what is forbidden", &[(PR, "step \"Extend the logical volume of /data/hpb by 20% following runbook RB-12\"", "step \"Reboot the batch server while a payroll run is active, then extend the volume\"")], &["SCN008"]),
    case("a step doing in other words what is forbidden", &[(CB, "step \"If usage is still above 85%, add 200 GB to the disk group +FRA following runbook RB-DB-03\"", "step \"If usage is still above 85%, delete the oldest archive logs by hand\"")], &["SCN011"]),
    case("a step changing what must not be changed", &[(PR, "step \"Extend the logical volume of /data/hpb by 20% following runbook RB-12\"", "step \"Change the payroll parameters so that the run continues\"")], &["SCN011"]),
    case("a German step against an English forbidden action", &[(PO, "forbidden \"Change the cut-off times or the limits of the SCT Inst channel\"", "forbidden \"Change the cut-off times or the limits of the SCT Inst channel\"\n    forbidden \"Lösche Zahlungsaufträge in der Datenbank\""), (PO, "        forbidden \"Compress or move journal segments", "        step \"Lösche die alten Zahlungsaufträge in der Datenbank des Hubs\"\n        forbidden \"Compress or move journal segments")], &["SCN011"]),
    case("a joint scenario without client contacts", &[(WAN, "        contacts ole.carstens lars.petersen\n", "        contacts frank.meyer\n")], &["SCN009"]),
    case("an application cause classed technical", &[(PR, "        detect \"Zabbix alert BATCH-HPB-FS90: /data/hpb on BATCH-MC3 above 90%\"", "        detect \"Job HPB-PAY-040 stops on a wrong data record\"")], &["SCN010"]),
    case("a German application cause classed technical", &[(PR, "        title \"File system /data/hpb of the payroll tenant above 90%\"", "        title \"Abbruch des Laufs wegen Programmfehler im Modul HPB-PAY-040\"")], &["SCN010"]),
    case("a vague step", &[(PR, "step \"Inform the HPB payroll application owner within one business day\"", "step \"Fix the problem as usual\"")], &["SCN012"]),
    case("a step of one word", &[(CB, "step \"Record the measures in the ticket and inform the HPB core banking application owner by e-mail on the next business day\"", "step \"Escalate\"")], &["SCN012"]),
    // --- backup
    case("no backup regulation for data", &[(PR, "    backup {", "    /-backup {")], &["BAK001"]),
    case("backup without antivirus protection", &[(PR, "        antivirus \"The tenant /data/hpb", "        /-antivirus \"The tenant /data/hpb")], &["BAK002"]),
    case("backup without a deputy", &[(BR, "        deputy nina.schulz\n", "")], &["BAK002"]),
    case("shared backup media on shared infrastructure", &[(PR, "media dedicated", "media shared")], &["BAK003"]),
    case("backups less often than the RPO", &[(PO, "schedule every=\"15m\"", "schedule every=\"1h\"")], &["BAK004"]),
    case("no off-site copy", &[(PR, "offsite #true", "offsite #false")], &["BAK005"]),
    // --- time objectives that contradict each other
    case("RTO not below MTPD", &[(PI, "mtpd \"4h\"", "mtpd \"2h\"")], &["OBJ001"]),
    case("a plan objective weaker than the system's", &[(PO, "objective payment-hub rto=\"2h\"", "objective payment-hub rto=\"3h\"")], &["OBJ002"]),
    case("an objective for a system the plan does not cover", &[(WAN, "    objective vpn-router rto=\"4h\" rpo=\"0m\"", "    objective vpn-router rto=\"4h\" rpo=\"0m\"\n    objective payment-hub rto=\"1h\"")], &["OBJ003"]),
    // --- exercises: regularly, jointly, with the results followed up; dates in context
    case("no exercise concept", &[
        (WAN, "    exercise tabletop every=\"12mo\" joint=#true\n", ""),
        (WAN, "    exercise alarm-test every=\"6mo\" joint=#true\n", ""),
        (WAN, "    exercise functional-test every=\"12mo\" joint=#true", "   "),
    ], &["EXR001"]),
    case("an exercise interval too long for the availability need", &[(PR, "exercise tabletop every=\"12mo\"", "exercise tabletop every=\"36mo\"")], &["EXR002"]),
    case("a joint exercise with the provider alone", &[(EXP, "participants nina.schulz dirk.hansen anna.schmidt", "participants nina.schulz dirk.hansen")], &["EXR003"]),
    case("a restore test held late", &[(EXP, "date \"2026-09-16\"", "date \"2026-01-16\"")], &["EXR004"]),
    case("an exercise never held", &[(EXP, "    kind tabletop\n", "    kind walkthrough\n")], &["EXR005"]),
    case("the only record of an exercise deleted", &[(EXP, "exercise ex-2026-09-payroll-restore {\n    plan payroll\n    kind restore-test", "exercise ex-2026-09-payroll-restore {\n    plan payroll\n    kind walkthrough")], &["EXR005"]),
    case("an open finding past its due date", &[(EXP, "due=\"2026-12-18\"", "due=\"2026-11-18\"")], &["EXR006"]),
    case("a scenario never exercised", &[(EXP, "scenarios mft-transfer-failure spool-disk-full", "scenarios mft-transfer-failure")], &["EXR007"]),
    case("a failed exercise without findings", &[(EXP, "    result passed\n    summary \"Alarm test", "    result failed\n    summary \"Alarm test")], &["EXR008", "EXR005"]),
    case("a partly failed exercise without findings", &[(EXC, "    result passed\n", "    result partial\n")], &["EXR008"]),
    case("an exercise dated after the check date", &[(EXP, "date \"2026-10-06\"", "date \"2027-10-06\"")], &["EXR009", "EXR005"]),
    case("a finding due before its exercise", &[(EXP, "due=\"2026-12-18\"", "due=\"2026-08-18\"")], &["EXR010", "EXR006"]),
    case("a former contact in an exercise after leaving", &[(HPB, "    verified \"2026-07-28\"\n}\n\ncontact lars.petersen", "    verified \"2026-07-28\"\n    left \"2026-06-01\"\n}\n\ncontact lars.petersen")], &["CNT008"]),
    // --- contracts and plan versions
    case("contract revisions out of order", &[(MSA, "revision 3 effective=\"2026-03-01\"", "revision 3 effective=\"2025-03-01\"")], &["CON001"]),
    case("a plan not pinned to a contract revision", &[(WAN, "    contract msa revision=3\n", "")], &["CON002"]),
    case("a plan implementing a superseded revision", &[(PR, "contract msa revision=3", "contract msa revision=2")], &["CON003"]),
    case("a pinned revision not yet in effect", &[(MSA, "revision 3 effective=\"2026-03-01\"", "revision 3 effective=\"2027-03-01\"")], &["CON005"]),
    case("a plan objective weaker than the contract", &[(PR, "objective payroll-batch rto=\"1d\"", "objective payroll-batch rto=\"3d\"")], &["CON006"]),
    case("an exercise the contract requires missing", &[(PR, "    exercise alarm-test every=\"6mo\" joint=#true\n", "")], &["CON007"]),
    case("backups below the contract's", &[(PR, "retention \"13mo\"", "retention \"1mo\"")], &["CON008"]),
    case("redundancy required but no failover scenario", &[(WAN, " failover=#true {", " {"), (WAN, " failover=#true {", " {")], &["CON009"]),
    // --- references, duplicates and the format
    case("an unknown contact", &[(PR, "level 3 notify=anna.schmidt", "level 3 notify=anna.schmid")], &["REF002"]),
    case("a contact defined twice", &[(NN, "contact nordnetz-noc {", "contact anna.schmidt {\n    party hpb\n    name \"Anna Schmidt\"\n    verified \"2026-10-01\"\n}\n\ncontact nordnetz-noc {")], &["REF001"]),
    case("a contact where a system is expected", &[(PR, "covers payroll-clients payroll-batch mft-gateway", "covers payroll-clients payroll-batch mft-gateway anna.schmidt")], &["REF003"]),
    case("systems depending on each other in a loop", &[(PI, "    depends-on mft-gateway\n", "    depends-on mft-gateway payment-hub\n"), (PI, "    depends-on core-banking-db\n", "    depends-on core-banking-db payroll-batch\n")], &["REF004"]),
    case("a scenario id used twice in a plan", &[(PR, "scenario mft-transfer-failure", "scenario spool-disk-full")], &["REF001"]),
    case("an exercise naming a scenario the plan lacks", &[(EXP, "scenarios wrong-data-record\n    participants rzn-duty-desk", "scenarios wrong-record\n    participants rzn-duty-desk")], &["REF002"]),
    case("a misspelled property", &[(PI, "acknowledged by=michael.wagner", "acknowledged bye=michael.wagner")], &["SCH001"]),
    case("a date that is not a date", &[(EXP, "date \"2026-09-16\"", "date \"2026-09-31\"")], &["SCH005"]),
    case("a KDL v1 file", &[(PR, "offsite #true", "offsite true")], &["KDL002"]),
    case("a duration with a space", &[(BR, "retention \"90d\"", "retention \"90 days\"")], &["SCH006"]),
];

/// Clean variants: what a careful author changes without making anything wrong.
const CLEAN: &[Case] = &[
    case("a comment and blank lines", &[(PR, "    forbidden \"Reboot the batch server", "    // reviewed with HPB payroll\n\n    forbidden \"Reboot the batch server")], &[]),
    case("a step that says what not to do", &[(PR, "step \"Inform the HPB payroll application owner within one business day\"", "step \"Do not reboot the batch server while the payroll run is active; inform the HPB payroll application owner\"")], &[]),
    case("a step that meets the condition of a forbidden action", &[(CB, "step \"Record the measures in the ticket", "step \"Restart a node of CBSPRD only with the approval of the HPB core banking application owner\"\n        step \"Record the measures in the ticket")], &[]),
    case("a step reworded", &[(CB, "step \"Check in the RMAN catalogue that job CBS_RMAN_ARCH completed within the last 15 minutes\"", "step \"Look up in the RMAN catalogue whether job CBS_RMAN_ARCH ended within the last 15 minutes\"")], &[]),
    case("a step in German", &[(PR, "step \"Inform the HPB payroll application owner within one business day\"", "step \"Informiere die HPB-Anwendungsverantwortliche Payroll innerhalb eines Geschäftstags per Telefon\"")], &[]),
    case("a step naming the forbidden object with another verb", &[(CB, "step \"Check in the RMAN catalogue that job CBS_RMAN_ARCH completed within the last 15 minutes\"", "step \"Check the archive logs of CBSPRD in the RMAN catalogue\"")], &[]),
    case("scenario contacts in another order", &[(PR, "contacts anna.schmidt miriam.becker", "contacts miriam.becker anna.schmidt")], &[]),
    case("a shorter level 1 for a 24x7 phone desk", &[(PR, "level 1 notify=rzn-duty-desk within=\"15m\"", "level 1 notify=rzn-duty-desk within=\"10m\"")], &[]),
    case("a client-operated system without the provider's acknowledgement", &[(CI, "    protection confidentiality=high integrity=high availability=high\n    acknowledged by=claudia.lange date=\"2026-02-16\"\n    mtpd \"1d\"", "    protection confidentiality=high integrity=high availability=high\n    mtpd \"1d\"")], &[]),
    case("a former contact only in past exercise records", &[(NN, "contact petra.lorenz {", "contact jan.berg {\n    party nordnetz\n    name \"Jan Berg\"\n    phone \"+49 40 555 3099\" available=business-hours\n    verified \"2025-06-01\"\n    left \"2026-05-31\"\n}\n\ncontact petra.lorenz {"), (EXC, "participants oliver.neumann katrin.wolf michael.wagner jens.hoffmann lars.petersen", "participants oliver.neumann katrin.wolf michael.wagner jens.hoffmann lars.petersen jan.berg")], &[]),
    case("a failed exercise with its finding, held again", &[(EXP, "exercise ex-2026-10-payroll-tabletop {", "exercise ex-2026-09-payroll-tabletop-1 {\n    plan payroll\n    kind tabletop\n    date \"2026-09-22\"\n    participants anna.schmidt dirk.hansen\n    result failed\n    finding \"The MFT scenario was not known to the Leitstand\" owner=dirk.hansen due=\"2026-10-05\" status=closed\n}\n\nexercise ex-2026-10-payroll-tabletop {")], &[]),
    case("a partly failed exercise with findings", &[(EXC, "    result passed\n", "    result partial\n    finding \"Switchover took 40 minutes instead of 30\" owner=oliver.neumann due=\"2027-01-31\" status=open\n")], &[]),
    case("a phone number changed", &[(NN, "phone \"+49 40 555 3000\" available=\"24x7\"", "phone \"+49 40 555 3001\" available=\"24x7\"")], &[]),
];

/// The sign-off findings any change of signed content brings.
const SIGNOFF: &[&str] = &["SIG001", "SIG002", "SIG019"];

fn codes_after(edits: &[(&str, &str, &str)]) -> Vec<String> {
    let repo = Repo::copy_of(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"));
    for (file, from, to) in edits {
        repo.edit(file, from, to);
    }
    let out = repo.check(&["--format", "json", "--as-of", "2026-11-26"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
    v["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

#[test]
fn the_corpus_of_seeded_defects_is_caught_without_false_alarms() {
    assert!(CASES.len() >= 60, "the corpus has {} cases", CASES.len());
    // The cases run on two threads: each one spawns the binary on its own copy.
    let run = |cases: &'static [Case]| {
        let (a, b) = cases.split_at(cases.len() / 2);
        let ta = std::thread::spawn(move || a.iter().map(|c| (c, codes_after(c.edits))).collect::<Vec<_>>());
        let mut out: Vec<(&Case, Vec<String>)> = b.iter().map(|c| (c, codes_after(c.edits))).collect();
        let mut first = ta.join().unwrap();
        first.append(&mut out);
        first
    };
    let mut failures = Vec::new();
    let mut caught = 0;
    for (c, found) in run(CASES) {
        let missing: Vec<&&str> = c.codes.iter().filter(|x| !found.iter().any(|f| f == *x)).collect();
        if missing.is_empty() {
            caught += 1;
        } else {
            failures.push(format!("missed: {} (expected {missing:?}, found {found:?})", c.name));
        }
    }
    let mut alarms = 0;
    for (c, found) in run(CLEAN) {
        let extra: Vec<&String> = found.iter().filter(|f| !SIGNOFF.contains(&f.as_str())).collect();
        if !extra.is_empty() {
            alarms += 1;
            failures.push(format!("false alarm: {} raised {extra:?}", c.name));
        }
    }
    println!(
        "corpus: {caught}/{} seeded defects caught, {alarms} false alarms on {} clean variants",
        CASES.len(),
        CLEAN.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_case_of_the_corpus_has_a_distinct_name() {
    let mut names: Vec<&str> = CASES.iter().chain(CLEAN).map(|c| c.name).collect();
    names.sort_unstable();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n);
    assert!(CLEAN.iter().all(|c| c.codes.is_empty()) && CASES.iter().all(|c| !c.codes.is_empty()));
}
