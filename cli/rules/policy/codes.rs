//! The M 6.83 policy rules: codes, names, documentation and the requirement each enforces.

policy_rules! {
    POLICY;
    COV001 = "COV001" "system-not-covered" Coverage Error
        "a system or interface is not covered by any plan"
        requirement: "In general, contingency plans must exist for the systems at the client, at the outsourcing service provider and for the interfaces between the client and the service provider (eg network connection, router, telecommunications provider)."
        "## What it does\nReports every system (client or provider side) and every interface that no plan lists in `covers`.\n\n## Why\nM 6.83 requires contingency plans for the systems at both parties *and* for the interfaces between them; an uncovered line or router is where outsourcing emergencies typically start.\n\n## Example\nFails: `interface mpls-line { ... }` and no plan with `covers mpls-line`.\n\nPasses:\n```kdl\nplan wan { covers mpls-line vpn-router }\n```";
    COV002 = "COV002" "responsible-contact-missing" Coverage Error
        "a plan does not name a responsible contact of both client and provider"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports a plan whose `responsible` node lacks the client or the provider contact, or names a contact of the wrong party.\n\n## Why\nEmergency preparedness is divided between the parties; each must have one person answerable for the plan.\n\n## Example\nFails: `responsible client=anna.schmidt` (no provider).\n\nPasses:\n```kdl\nresponsible client=anna.schmidt provider=dirk.hansen\n```";
    COV003 = "COV003" "owner-not-client-contact" Coverage Error
        "the application owner of a system is not a client contact"
        requirement: "Nevertheless, the responsibility for the application lies exclusively with the client."
        "## What it does\nReports a system whose `owner` is a contact of a party other than the client.\n\n## Why\nThe application remains the client's responsibility even when the provider operates it.\n\n## Example\nFails: `owner dirk.hansen` where dirk.hansen belongs to the provider.\n\nPasses: `owner anna.schmidt` (a client contact).";
    COV004 = "COV004" "interface-contact-missing" Coverage Error
        "an interface lacks a named contact on the client or the provider side"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports an interface without `contacts client=... provider=...`, or whose contacts belong to the wrong party.\n\n## Why\nA failed line is diagnosed from both ends; each side needs someone to call.\n\n## Example\nPasses:\n```kdl\ninterface mpls-line { contacts client=ole.carstens provider=frank.meyer }\n```";
    COV005 = "COV005" "protection-needs-missing" Coverage Error
        "a covered system does not state its protection needs for confidentiality, integrity and availability"
        requirement: "In this case, it is also important to provide the service provider with information regarding the protection needs of the data and systems concerned so that reasonable care can be taken."
        "## What it does\nReports a system or interface covered by a plan whose `protection` lacks confidentiality, integrity or availability.\n\n## Why\nThe provider can take reasonable care only when told the protection needs.\n\n## Example\nPasses:\n```kdl\nprotection confidentiality=high integrity=high availability=very-high\n```";
    COV006 = "COV006" "recovery-objectives-missing" Coverage Error
        "a system with high or very high availability need lacks MTPD, RTO or RPO"
        requirement: "In this case, it is also important to provide the service provider with information regarding the protection needs of the data and systems concerned so that reasonable care can be taken."
        "## What it does\nReports a system or interface with `availability=high` or `very-high` that does not set `mtpd`, `rto` and `rpo`.\n\n## Why\nA high availability need is only actionable with explicit recovery objectives.\n\n## Example\nPasses:\n```kdl\nmtpd \"24h\"\nrto \"4h\"\nrpo \"1h\"\n```";
    COV007 = "COV007" "protection-needs-not-acknowledged" Coverage Error
        "the provider has not acknowledged a covered system's protection needs"
        requirement: "In this case, it is also important to provide the service provider with information regarding the protection needs of the data and systems concerned so that reasonable care can be taken."
        "## What it does\nReports a covered system or interface without `acknowledged by=<provider contact> date=\"...\"`, or acknowledged by someone not of the provider. A system whose `operator` is the client party is not asked for: the client operates it itself.\n\n## Why\nThe requirement says the provider must be told the protection needs; the acknowledgement is the evidence.\n\n## Example\nPasses:\n```kdl\nacknowledged by=michael.wagner date=\"2026-02-01\"\n```";
    ESC001 = "ESC001" "escalation-missing" Escalation Error
        "a plan has no escalation chain"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports a plan without an `escalation` block with at least one `level`.\n\n## Why\nWithout an escalation chain, nobody knows whom to call next when the first contact does not resolve the emergency.\n\n## Example\nPasses:\n```kdl\nescalation {\n    level 1 notify=rzn-duty-desk within=\"15m\"\n    level 2 notify=anna.schmidt within=\"1h\"\n    unreachable \"Call the deputy\"\n}\n```";
    ESC002 = "ESC002" "escalation-out-of-order" Escalation Error
        "escalation levels are not numbered 1, 2, 3, ... with increasing time limits"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports levels that are not numbered consecutively from 1 in order, or whose `within` does not grow from level to level.\n\n## Why\nStaff follow the chain under stress; a later level that is due earlier than the one before is a contradiction.\n\n## Example\nFails: `level 1 ... within=\"1h\"` then `level 2 ... within=\"30m\"`.";
    ESC003 = "ESC003" "escalation-one-sided" Escalation Error
        "an escalation chain does not name contacts of both client and provider"
        requirement: "In most cases, however, cooperation with the client is necessary to prevent unwanted side effects at the application level."
        "## What it does\nReports an escalation chain whose levels notify contacts of only one party.\n\n## Why\nMost emergencies need both parties; a chain that never reaches the client (or the provider) cannot get that cooperation.\n\n## Example\nPasses: level 1 notifies the provider's duty desk, level 2 the client's application owner.";
    ESC004 = "ESC004" "no-fallback-when-unreachable" Escalation Error
        "an escalation chain does not say what happens when nobody answers"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports an `escalation` block without `unreachable \"...\"`.\n\n## Why\nThe chain must work at night and during holidays; the fallback is part of the process.\n\n## Example\n```kdl\nunreachable \"Call the contact's deputy, then the client's 24x7 desk\"\n```";
    ESC005 = "ESC005" "deputy-missing" Escalation Error
        "a contact a plan relies on has no deputy"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection)."
        "## What it does\nReports each contact a plan relies on (responsible, escalation, backup, scenario contacts) that has no `deputy`.\n\n## Why\nSubstitution rules are part of the regulations M 6.83 asks for; a single person is a single point of failure.\n\n## Example\nPasses: `deputy bernd.mueller` in the contact.";
    ESC006 = "ESC006" "deputy-of-other-party" Escalation Error
        "a contact's deputy belongs to another party"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports a contact whose deputy is a contact of a different party.\n\n## Why\nA deputy stands in with the same authority and knowledge; the provider cannot deputise for the client's application owner.\n\n## Example\nFails: client contact `anna.schmidt` with `deputy rzn-duty-desk`.";
    ESC007 = "ESC007" "own-deputy" Escalation Error
        "a contact is named as its own deputy"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports `deputy` naming the contact itself.\n\n## Why\nA self-deputy hides the fact that there is no substitute.\n\n## Example\nFails: `contact anna.schmidt { deputy anna.schmidt }`.";
    ESC008 = "ESC008" "contact-unreachable" Escalation Error
        "a contact a plan relies on, or its deputy, has no phone, mobile or e-mail"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports a relied-upon contact, or the deputy it falls back to, that has no channel at all. Mutual deputies are fine: the chain only has to end at someone reachable.\n\n## Why\nA contact list is useful only if the people on it can be reached.\n\n## Example\nPasses: `mobile \"+49 171 555 0101\" available=\"24x7\"`.";
    ESC009 = "ESC009" "escalation-repeats-contact" Escalation Error
        "an escalation level notifies a contact already notified at an earlier level"
        requirement: "Responsibilities, contact persons and processes must be clearly regulated and fully documented."
        "## What it does\nReports a level whose `notify` is a contact of an earlier level.\n\n## Why\nEscalating means bringing in new help; calling the same person again wastes the time the level allows.\n\n## Example\nFails: level 1 and level 3 both notify `dirk.hansen`.";
    SCN001 = "SCN001" "cause-class-missing" Scenarios Error
        "a scenario does not state its cause class"
        requirement: "A malfunction of an application may have technical causes (eg data carrier full, network problems) or application-specific (eg processing of a wrong data record, program error, incorrect parameter setting)."
        "## What it does\nReports a scenario without `cause=technical|application|interface|security|external`.\n\n## Why\nThe cause class decides who may act: the provider alone, or only together with the client.\n\n## Example\n```kdl\nscenario disk-full cause=technical affects-others=#false resolver=provider { ... }\n```";
    SCN002 = "SCN002" "work-instructions-missing" Scenarios Error
        "a scenario has no step-by-step work instructions"
        requirement: "Detailed work instructions with specific arrangements for specific error situations are to be created."
        "## What it does\nReports a scenario without `step` nodes.\n\n## Why\nProvider staff often lack knowledge of the application; precise instructions are what keeps them from guessing.\n\n## Example\n```kdl\nstep \"Extend the volume by 20% following runbook RB-12\"\n```";
    SCN003 = "SCN003" "fault-location-missing" Scenarios Error
        "a scenario does not say where the fault may lie"
        requirement: "In general, contingency plans must exist for the systems at the client, at the outsourcing service provider and for the interfaces between the client and the service provider (eg network connection, router, telecommunications provider)."
        "## What it does\nReports a scenario without `fault-in client|provider|interface`.\n\n## Why\nA failed line and a failed provider system can look the same; staff must locate the fault before acting.\n\n## Example\n```kdl\nfault-in provider interface\n```";
    SCN004 = "SCN004" "provider-alone-not-allowed" Scenarios Error
        "a scenario lets the provider resolve alone what needs the client"
        requirement: "In the case of technical errors without any impact on other applications, the outsourcing service provider will be able to correct the error itself. In most cases, however, cooperation with the client is necessary to prevent unwanted side effects at the application level."
        "## What it does\nReports `resolver=provider` on a scenario whose cause is not technical, or that affects other applications (or does not say).\n\n## Why\nOnly technical errors without impact on other applications may be fixed by the provider alone.\n\n## Example\nFails: `scenario wrong-record cause=application resolver=provider`.\n\nPasses: `resolver=joint`.";
    SCN005 = "SCN005" "resolver-missing" Scenarios Error
        "a scenario does not say who may resolve it"
        requirement: "In most cases, however, cooperation with the client is necessary to prevent unwanted side effects at the application level."
        "## What it does\nReports a scenario without `resolver=provider|joint|client`.\n\n## Why\nWho may act must be decided before the emergency, not during it.\n\n## Example\n`resolver=joint`";
    SCN006 = "SCN006" "client-contacts-missing" Scenarios Error
        "an application-specific scenario names no client contact"
        requirement: "If there are application-specific problems, the outsourcing service provider needs detailed and comprehensive instructions as well as lists of contact persons on the side of the client so that he can react correctly."
        "## What it does\nReports a scenario with `cause=application` whose `contacts` are missing or include no client contact.\n\n## Why\nApplication knowledge is only available at the client.\n\n## Example\n```kdl\ncontacts anna.schmidt bernd.mueller\n```";
    SCN007 = "SCN007" "forbidden-actions-missing" Scenarios Error
        "a plan neither states forbidden actions nor says explicitly that there are none"
        requirement: "It may also make sense to define actions that are explicitly forbidden (eg reboot a machine)."
        "## What it does\nReports a plan without `forbidden` and without `no-forbidden-actions \"reason\"`.\n\n## Why\nWhat staff must not do is as important as what they must do; an explicit empty statement shows it was considered.\n\n## Example\n```kdl\nforbidden \"Reboot the batch server while a payroll run is active\"\n```";
    SCN008 = "SCN008" "step-contradicts-forbidden-action" Scenarios Error
        "a work instruction step does what the plan forbids"
        requirement: "It may also make sense to define actions that are explicitly forbidden (eg reboot a machine)."
        "## What it does\nReports a step whose text contains the text of a forbidden action of its plan or scenario (compared without case, punctuation and repeated spaces). The same action in other words is SCN011.\n\n## Why\nContradicting instructions are worse than none.\n\n## Example\nFails: `forbidden \"Reboot the batch server\"` and `step \"Reboot the batch server and restart the run\"`.";
    SCN009 = "SCN009" "client-cooperation-contacts-missing" Scenarios Error
        "a scenario that needs the client names no client contact"
        requirement: "If there are application-specific problems, the outsourcing service provider needs detailed and comprehensive instructions as well as lists of contact persons on the side of the client so that he can react correctly."
        "## What it does\nReports a scenario resolved jointly (`resolver=joint`) or by the client, or one that may affect other applications (`affects-others=#true`), whose `contacts` name no contact of the client. The message names the contacts it lists and their party. (Application-specific scenarios are SCN006.)\n\n## Why\nWhenever the client must act or decide, the provider's staff need to know whom to call at the client; a list of provider contacts does not help them.\n\n## Example\nFails: `scenario line-down cause=interface resolver=joint { contacts frank.meyer }` with frank.meyer a provider contact.\n\nPasses: `contacts ole.carstens frank.meyer` (ole.carstens of the client).";
    SCN010 = "SCN010" "application-cause-classed-technical" Scenarios Error
        "a scenario describing an application cause is classed technical and left to the provider"
        requirement: "A malfunction of an application may have technical causes (eg data carrier full, network problems) or application-specific (eg processing of a wrong data record, program error, incorrect parameter setting)."
        "## What it does\nReports a scenario with `cause=technical resolver=provider` whose `title` or `detect` text describes an application cause: a wrong or faulty data record, a program error, a wrong parameter setting (recognised in English and German wording, e.g. \"wrong data record\", \"Programmfehler\", \"falsche Parametrierung\").\n\n## Why\nThe cause class decides who may act alone. An application cause classed technical lets the provider repair what only the client understands.\n\n## Example\nFails: `scenario bad-record cause=technical affects-others=#false resolver=provider { title \"Run stops on a wrong data record\" }`.\n\nPasses: `cause=application resolver=joint` with client contacts.";
    SCN011 = "SCN011" "step-may-contradict-forbidden-action" Scenarios Warning
        "a work instruction step says in other words what the plan forbids"
        requirement: "It may also make sense to define actions that are explicitly forbidden (eg reboot a machine)."
        "## What it does\nCompares each step with the forbidden actions of its plan and scenario by their words: lower case, stop words (English and German) dropped, each word reduced to a simple stem. A forbidden action is split into alternatives at \"or\"/\"and\" (\"oder\"/\"und\"); the first word is its verb, the first two words of each alternative its object. A step that has the verb and the whole object of one alternative, and does not mention the condition that would allow it (the words after \"without\", \"unless\", \"before\", \"ohne\"), is reported for review with both texts. A step containing the whole forbidden text is SCN008, an error.\n\n## Why\nReal plans say the same thing in other words; a contradiction between a step and a forbidden action is worse than either alone.\n\n## Example\nWarns: `forbidden \"Delete archive logs or backup pieces by hand\"` and `step \"Delete the oldest archive logs by hand\"`.\n\nPasses: `step \"Check the archive logs in the RMAN catalogue\"`.";
    SCN012 = "SCN012" "work-instruction-vague" Scenarios Warning
        "a work instruction step is too vague to follow"
        requirement: "Detailed work instructions with specific arrangements for specific error situations are to be created."
        "## What it does\nWarns about a step of fewer than two meaningful words (stop words of English and German not counted), or with a wording that leaves the decision to the reader: \"if necessary\", \"as usual\", \"fix the problem\", \"etc\", \"bei Bedarf\", \"wie üblich\" and the like.\n\n## Why\nThe requirement asks for detailed instructions for specific error situations; provider staff often lack knowledge of the application and cannot fill the gaps.\n\n## Example\nWarns: `step \"Fix the problem\"`, `step \"Restart the service if necessary\"`.\n\nPasses: `step \"Extend the logical volume of /data/hpb by 20% following runbook RB-12\"`.";
    BAK001 = "BAK001" "backup-regulation-missing" Backup Error
        "a plan covering a system that holds data has no backup regulation"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection)."
        "## What it does\nReports a plan that covers a system with `holds-data #true` but has no `backup` block.\n\n## Why\nM 6.83 asks for detailed backup regulations in the emergency concept.\n\n## Example\nPasses: a `backup { ... }` block with media, schedule, retention, off-site, antivirus, restore test, deputy and on-failure.";
    BAK002 = "BAK002" "backup-regulation-incomplete" Backup Error
        "a backup regulation lacks one of the required items"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection)."
        "## What it does\nReports a `backup` block that lacks any of: `media`, `schedule`, `retention`, `offsite`, `antivirus`, `restore-test`, `deputy`, `on-failure`; the message lists what is missing.\n\n## Why\nEach item is named in M 6.83 or follows from it (availability via off-site copies and restore tests, substitution rules, escalation strategies, antivirus protection).\n\n## Example\nSee the bundled example's `plans/plans/payroll.kdl`.";
    BAK003 = "BAK003" "backup-media-shared" Backup Error
        "a system on shared infrastructure is backed up to shared media"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection)."
        "## What it does\nReports a plan whose backup uses `media shared` while it covers a data-holding system on `infrastructure shared`.\n\n## Why\nOn multi-client infrastructure, separate backup media per client keep one client's restore from exposing or overwriting another's data.\n\n## Example\nPasses: `media dedicated`.";
    BAK004 = "BAK004" "backup-less-frequent-than-rpo" Backup Error
        "backups run less often than the recovery point objective allows"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection)."
        "## What it does\nReports a backup schedule whose interval is longer than the smallest RPO of the covered data-holding systems (and of the plan's own objectives).\n\n## Why\nWith a 4h RPO, a daily backup loses up to 24h of data.\n\n## Example\nFails: `rpo \"4h\"` and `schedule every=\"24h\"`.";
    BAK005 = "BAK005" "no-offsite-copy" Backup Warning
        "a backup regulation keeps no off-site copy"
        requirement: "Detailed regulations for data backup are to be created (eg separate backup media for each client, availability, substitution rules, escalation strategies, antivirus protection)."
        "## What it does\nWarns about `offsite #false`.\n\n## Why\nBackups in the same place as the systems share their fate in a site-wide emergency.\n\n## Example\nPasses: `offsite #true`.";
    OBJ001 = "OBJ001" "rto-not-below-mtpd" Objectives Error
        "a recovery time objective is not below the maximum tolerable period of disruption"
        requirement: "recovery time objective (RTO) must be below the maximum tolerable downtime (MTPD)"
        "## What it does\nReports a system or interface, or a plan objective, whose `rto` is not shorter than the system's `mtpd`.\n\n## Why\nRecovery must finish before the disruption becomes intolerable.\n\n## Example\nFails: `mtpd \"8h\"` and `rto \"8h\"`.";
    OBJ002 = "OBJ002" "plan-objective-weaker-than-system" Objectives Error
        "a plan commits to a weaker RTO or RPO than the system it covers requires"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail."
        "## What it does\nReports a plan `objective` whose `rto` or `rpo` is longer than the covered system's own.\n\n## Why\nThe plan must be able to meet what the system needs.\n\n## Example\nFails: system `rto \"4h\"`, plan `objective payroll-db rto=\"8h\"`.";
    OBJ003 = "OBJ003" "objective-for-uncovered-system" Objectives Error
        "a plan states objectives for a system it does not cover"
        requirement: "In the emergency preparedness concept, these specifications must be precisely specified and described in detail."
        "## What it does\nReports an `objective` whose target is not in the plan's `covers`.\n\n## Why\nObjectives for systems outside the plan suggest a mistaken target.\n\n## Example\nFails: `covers payroll-app` and `objective payroll-db ...`.";
    EXR001 = "EXR001" "exercise-concept-missing" Exercises Error
        "a plan has no exercise concept"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed."
        "## What it does\nReports a plan without `exercise` entries.\n\n## Why\nM 6.83 requires a concept for emergency exercises carried out regularly.\n\n## Example\n```kdl\nexercise tabletop every=\"12mo\" joint=#true\n```";
    EXR002 = "EXR002" "exercise-interval-too-long" Exercises Error
        "an exercise interval exceeds the policy's maximum for the protection need"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed."
        "## What it does\nReports an exercise whose `every` is longer than `policy exercise-interval` allows for the highest availability need of the covered systems (defaults: normal 24mo, high 12mo, very-high 6mo).\n\n## Why\n\"Regularly\" is an organisation-set parameter; a higher availability need calls for more frequent exercises.\n\n## Example\nFails: a very-high system and `exercise tabletop every=\"12mo\"` with the defaults.";
    EXR003 = "EXR003" "joint-exercise-one-sided" Exercises Error
        "a joint exercise was held without participants of both parties"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed."
        "## What it does\nReports an exercise record of a kind the plan marks `joint=#true` whose participants do not include both a client and a provider contact.\n\n## Why\nA joint exercise tests the cooperation between the parties; it needs both.\n\n## Example\nPasses: `participants anna.schmidt dirk.hansen`.";
    EXR004 = "EXR004" "exercise-overdue" Exercises Error
        "a planned exercise has not been held within its interval"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed."
        "## What it does\nReports each planned exercise whose last record (of that plan and kind) that did not fail is older than its interval as of the check date; a later failed attempt is named but does not count.\n\n## Why\nPlanned but not held exercises give false confidence.\n\n## Example\nFails: `exercise restore-test every=\"3mo\"` and the last restore test on record 5 months ago.";
    EXR005 = "EXR005" "exercise-never-held" Exercises Error
        "a planned exercise has never been held (or only failed)"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed."
        "## What it does\nReports a planned exercise kind with no exercise record for the plan, or only records with `result failed` (a failed exercise does not count as held).\n\n## Why\nAn exercise never held is at least as serious as one held late (EXR004): deleting the only record must not make the check look better.\n\n## Example\nAdd an `exercise` record in the exercises folder after the first successful exercise.";
    EXR006 = "EXR006" "finding-overdue" Exercises Error
        "an open exercise finding is past its due date"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed."
        "## What it does\nReports each `finding` with `status=open` whose `due` date has passed.\n\n## Why\nExercises only improve preparedness when their findings are resolved.\n\n## Example\nFails as of 2026-12-01: `finding \"Restore took 5h\" owner=dirk.hansen due=\"2026-11-15\" status=open`.";
    EXR007 = "EXR007" "scenario-never-exercised" Exercises Warning
        "a scenario was not exercised within the exercise cycle"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed."
        "## What it does\nWarns about a scenario that no exercise record within `policy scenario-cycle` (default 24mo) lists in `scenarios` (failed exercises do not count), saying when it was last exercised or that it never was.\n\n## Why\nOver a cycle, every error situation should have been practised at least once.\n\n## Example\nAdd the scenario to the `scenarios` of an exercise record.";
    EXR008 = "EXR008" "exercise-result-without-findings" Exercises Error
        "a failed or partly failed exercise records no findings"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed."
        "## What it does\nReports an exercise record whose `result` is `failed`, `partial` or `passed-with-findings` but that has no `finding`.\n\n## Why\nAn exercise improves preparedness only through what is put right after it; a failure without findings leaves nothing to follow up, and a failed exercise does not count as held (EXR004, EXR005).\n\n## Example\nFails: `result failed` and no finding.\n\nPasses:\n```kdl\nresult failed\nfinding \"Standby could not be opened: password of the broker expired\" owner=dirk.hansen due=\"2026-12-01\" status=open\n```";
    EXR009 = "EXR009" "exercise-dated-in-the-future" Exercises Error
        "an exercise record is dated after the check date"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed."
        "## What it does\nReports an exercise record whose `date` lies after the check date. Such a record does not count as held (EXR004, EXR005, EXR007).\n\n## Why\nA record proves that an exercise was held; one dated in the future is a typo or a plan written as a record.\n\n## Example\nFails as of 2026-11-26: `date \"2027-06-09\"`.";
    EXR010 = "EXR010" "finding-due-before-exercise" Exercises Error
        "a finding of an exercise is due before the exercise was held"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed."
        "## What it does\nReports a `finding` whose `due` date lies before the `date` of its exercise.\n\n## Why\nA finding cannot be due before it was found: one of the dates is wrong, and the follow-up is planned on a wrong date.\n\n## Example\nFails: `date \"2026-09-16\"` and `finding \"...\" due=\"2026-08-18\"`.";
    EXR011 = "EXR011" "plan-changed-since-exercised" Exercises Warning
        "a plan changed in meaning after its last exercise"
        requirement: "A concept for emergency exercises, which must be carried out regularly, must be developed."
        "## What it does\nWith `check --history`, reads the plans' versions from the Git history and finds each plan's last change of meaning: of its escalation chain, responsible contacts, covered systems, objectives, backup regulation, forbidden actions, or its scenarios' steps, detection, contacts, cause or resolver (the change kinds of `contingent diff`; a new title or contract pin does not count). When that change is newer than the plan's last exercise that did not fail, it warns with the date, the commit and the kinds of change. Content not yet committed that differs from the last commit counts as changed on the check date.\n\n## Why\nAn exercise proves the plan as it was. After a new escalation level or reworded steps, nobody has tried the plan that is now in force.\n\n## Example\nWarns: the tabletop of plan `payroll` was held on 2026-10-06 and commit 1a2b3c4 of 2026-11-12 added a step.";
    CFG002 = "CFG002" "unknown-rule-in-config" Config Error
        "the configuration names a rule that does not exist or cannot be configured"
        requirement: ""
        "## What it does\nReports a `rule` or `waiver` in `contingent.kdl` whose code is unknown, or names a structural rule (FILE, KDL, SCH, REF, CFG, GIT) that cannot be configured.\n\n## Why\nA misspelt code would silently configure nothing.\n\n## Example\n```kdl\nrule ESC005 severity=warning\n```";
    CFG003 = "CFG003" "waiver-expired" Config Warning
        "a waiver has expired and no longer applies"
        requirement: ""
        "## What it does\nReports a waiver whose `expires` date has passed; the findings it waived are reported again.\n\n## Why\nExemptions are temporary by design; an expired one must be renewed or removed.\n\n## Example\n`expires \"2026-06-30\"` checked on 2026-07-01.";
    CFG004 = "CFG004" "waiver-unused" Config Warning
        "a waiver matches no finding"
        requirement: ""
        "## What it does\nReports a waiver that matched no finding in this check.\n\n## Why\nAn unused waiver is stale and could hide a future problem unnoticed.\n\n## Example\nRemove the waiver once the problem is fixed.";
    CFG005 = "CFG005" "waiver-without-target" Config Error
        "a waiver does not name what it exempts"
        requirement: ""
        "## What it does\nReports a waiver with none or more than one of `file`, `plan`, `system`, `contact`, `contract`.\n\n## Why\nA waiver must exempt exactly one thing, or it exempts everything.\n\n## Example\n```kdl\nwaiver EXR004 plan=payroll reason=\"...\" approved-by=katharina.vogel expires=\"2027-01-31\"\n```";
}
