#!/usr/bin/env python3
"""Generate a synthetic plan repository for benchmarking `contingent check`.

    python3 bench/gen.py OUT_DIR --plans N [--seed S] [--contracts K] [--sla-all] [--force]

The repository has the layout and file format of the bundled example (plans/): contingent.kdl,
contacts/, inventory/, contracts/, plans/, exercises/. Everything scales with N:

  * 2 systems per plan (one at the client, one at the provider; ids alternate client/provider),
    in inventory files of 100 systems;
  * 1 interface per 10 plans (telecom lines of the carrier and VPN routers on top of them),
    in inventory files of 100 interfaces; every tenth plan covers one of them as well;
  * ~1.5 contacts per plan: client party `cl` and provider party `pv` (0.7 each per plan) and
    the carrier `nn` (0.1 per plan), in contact files of 100; every deputy is of the same party;
  * one contract `msa` with 3 revisions whose SLA entries cover every system the provider
    operates and every interface (like plans/contracts/msa.kdl: systems the client operates
    itself have no SLA; `--sla-all` adds them too). For 10,000 plans that one file is ~10 MB,
    so contingent.kdl raises `limits max-file-size` to admit it. `--contracts K` splits the plans
    into K groups with one contract (msa-001 ...) each, to measure without one huge file;
  * one plan per file (~75 lines: title, covers, contract, responsible, objectives, escalation
    with 3 levels, backup block, forbidden actions, 3 scenarios with 4 steps each, 2 exercises);
  * two exercise records per plan (a tabletop and an alarm test of 2026, which between them
    exercised every scenario of the plan), in one file per plan.

Dates are fixed (contacts verified and exercises held in 2026): the repository checks clean as of
2026-11-01, the date bench/run.sh checks it as of (CONTINGENT_AS_OF).

The output depends only on N, the seed and the options: no clock, no environment. Python 3.11
standard library only.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys

# --------------------------------------------------------------------------------------------
# Vocabulary.

FIRST = [
    "Anna", "Jens", "Sabine", "Thomas", "Katharina", "Lars", "Ole", "Miriam", "Michael", "Claudia",
    "Oliver", "Katrin", "Stefan", "Nina", "Dirk", "Frank", "Tobias", "Julia", "Petra", "Sven",
    "Jörg", "Bärbel", "Uwe", "Heike", "Malte", "Insa", "Hauke", "Frauke", "Björn", "Maren",
    "Jürgen", "Günter", "Merle", "Fiete", "Süleyman", "Ayşe", "Lena", "Nils", "Greta", "Hannes",
]
LAST = [
    "Schmidt", "Vogel", "Klein", "Hoffmann", "Krüger", "Becker", "Petersen", "Carstens", "Wagner",
    "Lange", "Neumann", "Wolf", "Richter", "Schulz", "Hansen", "Meyer", "Schmitz", "Fischer",
    "Lorenz", "Jacobsen", "Müller", "Jürgensen", "Thomsen", "Brandt", "Lüders", "Koch", "Weiß",
    "Schröder", "Möller", "Jansen", "Ehlers", "Voß", "Claußen", "Öztürk", "Bührmann", "Kähler",
]
ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ş": "s", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})

CLIENT_ROLES = [
    "Application owner, {dom}", "Deputy application owner, {dom}", "Key user, {dom}",
    "Head of department, {dom}", "Business continuity coordinator, {dom}",
]
PROVIDER_ROLES = [
    "Team lead, {dom} operations", "Senior system administrator, {dom}", "Database administrator, {dom}",
    "Service manager, {dom}", "Operations engineer, {dom} platform",
]
CARRIER_ROLES = [
    "Incident manager, business customers", "Key account manager", "Field service coordinator, northern region",
    "Network engineer, MPLS backbone",
]

# Domains: (id part, human name, provider back end, client front end).
DOMAINS = [
    ("core-banking", "core banking", ("db", "Core banking database (Oracle RAC)"), ("workstations", "Branch teller workstations")),
    ("payments", "payment transactions", ("hub", "Payment order hub"), ("entry", "Payment order entry application")),
    ("payroll", "payroll", ("batch", "Payroll batch platform"), ("clients", "Payroll front-end on the HR workstations")),
    ("treasury", "treasury", ("app", "Treasury management system"), ("desk", "Treasury dealing desk workstations")),
    ("securities", "securities settlement", ("settle", "Securities settlement engine"), ("portal", "Securities back-office portal")),
    ("loans", "loan processing", ("db", "Loan origination database"), ("entry", "Loan application entry")),
    ("cards", "card processing", ("switch", "Card authorisation switch"), ("terminal", "Card management terminals")),
    ("crm", "customer relationship management", ("app", "CRM application cluster"), ("clients", "CRM clients in the branches")),
    ("reporting", "regulatory reporting", ("dwh", "Reporting data warehouse"), ("portal", "Reporting portal")),
    ("archive", "document archive", ("store", "Document archive store"), ("scan", "Scanning stations in the mail room")),
    ("ebanking", "online banking", ("backend", "Online banking back end"), ("gateway", "Online banking reverse proxy")),
    ("atm", "ATM network", ("host", "ATM host system"), ("fleet", "ATM fleet and cash recyclers")),
    ("risk", "risk management", ("engine", "Risk calculation engine"), ("desk", "Risk controlling workstations")),
    ("compliance", "compliance", ("screening", "Sanctions screening service"), ("console", "Compliance case console")),
    ("identity", "identity and access management", ("directory", "Central directory service"), ("portal", "Access request portal")),
    ("mail", "e-mail and collaboration", ("cluster", "Mail server cluster"), ("clients", "Mail clients at headquarters")),
    ("print", "output management", ("spool", "Central print and output spool"), ("printers", "Statement printers at headquarters")),
    ("hr", "human resources", ("app", "HR management system"), ("portal", "Employee self-service portal")),
]

# Service tiers: contract revision 3 values, looser in revisions 1 and 2.
#   rto, rpo, availability, redundant, backup every, schedule-at, retention, mtpd
TIERS = [
    dict(rto="2h", rpo="15m", avail="99.95%", red=True, every="15m", at=None, ret="90d", mtpd="8h",
         r1=("4h", "30m", "99.9%"), r2=("4h", "15m", "99.9%"), prot="very-high"),
    dict(rto="4h", rpo="1h", avail="99.9%", red=True, every="1h", at=None, ret="90d", mtpd="1d",
         r1=("8h", "4h", "99.5%"), r2=("4h", "1h", "99.7%"), prot="very-high"),
    dict(rto="1d", rpo="24h", avail="99.5%", red=False, every="24h", at="02:00", ret="13mo", mtpd="3d",
         r1=("2d", "24h", "99.0%"), r2=("2d", "24h", "99.0%"), prot="high"),
    dict(rto="2d", rpo="24h", avail="99.0%", red=False, every="24h", at="01:00", ret="90d", mtpd="5d",
         r1=("3d", "24h", "99.0%"), r2=("3d", "24h", "99.0%"), prot="high"),
]
RESPONSE = {  # per tier: p1, p2, p3
    0: ("15m", "1h", "1d"), 1: ("15m", "1h", "1d"), 2: ("30m", "4h", "2d"), 3: ("1h", "4h", "2d"),
}
# Client front ends per provider tier (rto, mtpd, rpo): never faster to recover than what they need.
CLIENT_RTO = {
    0: [("4h", "8h", "15m"), ("8h", "1d", "24h")],
    1: [("8h", "1d", "24h"), ("1d", "3d", "24h")],
    2: [("1d", "3d", "24h"), ("2d", "5d", "24h")],
    3: [("2d", "5d", "24h"), ("3d", "5d", "24h")],
}

# Scenario templates: id, cause, affects-others, resolver, failover?, fault-in, title, detects, steps, forbidden.
SCENARIOS = [
    ("disk-full", "technical", False, "provider", False, ["provider"],
     "File system of {psys} above 90%",
     ["Zabbix alert {tag}-FS90: data file system of {host} above 90%",
      "Application log of {psys} shows write errors (no space left on device)"],
     ["Check whether a batch job or a backup is running on {host}; if so, wait for its next checkpoint",
      "Remove only the work files named in runbook {rb}-03 (temporary directory, older than 3 days)",
      "If usage is still above 85%, extend the logical volume by 20% following runbook {rb}-04",
      "Record the measures in the ticket and inform the application owner by e-mail on the next business day"],
     "Move files of the client to a file system of another client"),
    ("node-failover", "technical", True, "joint", True, ["provider"],
     "Active node of {psys} fails: failover to the standby node",
     ["Cluster manager reports {host}-01 as failed, or the heartbeat is lost for more than 60 seconds",
      "End-to-end monitoring of {csys} shows no successful transaction for more than 5 minutes"],
     ["The duty desk opens a p1 ticket and calls the application owner at once",
      "Check on the console that {host}-01 is really down before switching, to avoid two active nodes",
      "Fence {host}-01 and start the services on {host}-02 following runbook {rb}-07",
      "Report the switch, its duration and the transactions affected to the client in writing within 2 hours"],
     "Start the services on both nodes at the same time"),
    ("wrong-parameter", "application", True, "joint", False, ["client", "provider"],
     "Batch run of {psys} processed data with a wrong parameter",
     ["Control total of job {tag}_EOD differs by more than 0.5% from the previous run",
      "Users of {csys} report implausible results"],
     ["Hold the batch chain at the next checkpoint; do not start dependent jobs",
      "Call the application owner and send the control report and the job log",
      "Carry out only the correction the client decided in writing, following runbook {rb}-21",
      "Release the chain only when the client has confirmed the corrected control totals"],
     "Correct application data directly in the database with SQL"),
    ("bad-input-file", "application", False, "joint", False, ["client"],
     "Input file from {csys} is incomplete or submitted twice",
     ["Duplicate check of {psys} rejects a file (same message id or control sum within 3 days)",
      "Record count of the input file differs from the control file"],
     ["Put the file on status HOLD; files of other senders continue",
      "Call the application owner with the file name, record count and control sum",
      "Wait for the client's decision: cancel the file, or release it explicitly in writing",
      "Close the ticket only when the client has confirmed the reconciliation of the day's totals"],
     "Delete the held file from the inbound directory"),
    ("link-down", "interface", False, "joint", False, ["client", "interface"],
     "{csys} cannot reach {psys}",
     ["Users report that {csys} shows 'connection lost'",
      "No sessions from the client network on {host} for more than 10 minutes during business hours"],
     ["The duty desk checks whether other client applications are connected; if none is, switch to the WAN plan",
      "If only this application is affected, hand the ticket to the client's network team with the time of the last session",
      "The client checks its firewall and proxy following its runbook NET-{tag}-02",
      "If the application is still offline after 1 hour, the client starts its manual fallback procedure"],
     "Change firewall rules at the provider to let the client in over another path"),
    ("credential-compromise", "security", True, "joint", False, ["provider", "client"],
     "Suspected compromise of credentials or keys of {psys}",
     ["The provider CERT reports unauthorised logins on {host}",
      "Integrity monitoring reports changed binaries or configuration files on {host}"],
     ["The duty desk calls the client's information security officer and the provider CERT at once (category sec)",
      "Isolate {host} from the network on the client's instruction, keeping it powered on",
      "Preserve memory, system logs and audit logs on write-once storage before any change",
      "Restart the service only after the joint release of both information security officers"],
     "Wipe or reinstall {host} before the evidence has been preserved"),
    ("restore-request", "application", False, "joint", False, ["client"],
     "Client requests a restore of {psys} after logical corruption",
     ["Application owner asks for a restore through the duty desk (signed restore form)",
      "Consistency check of {psys} reports corrupted records"],
     ["Check that the request is signed by the application owner or their deputy",
      "Agree the restore point and the target environment with the application owner and record it in the ticket",
      "Restore to the restore environment first; the client checks the data and releases the production restore in writing",
      "Carry out the production restore following runbook {rb}-09 and report the end time to the client"],
     "Restore client data into the environment of another client"),
    ("site-power-loss", "external", True, "joint", True, ["provider"],
     "Power loss in the primary data centre hall of {psys}",
     ["Building management reports loss of mains power and UPS on battery",
      "Several hosts of hall 2, among them {host}, stop answering"],
     ["The duty desk opens a p1 ticket and calls the provider's emergency manager",
      "Check that the generators have taken the load; if not, start the site failover following runbook {rb}-30",
      "Inform the client's emergency desk every 30 minutes until power is restored",
      "Return to the primary site only with the client's approval and outside business hours"],
     "Switch the standby site to primary while the primary site still runs"),
    ("capacity-exhausted", "technical", True, "joint", False, ["provider"],
     "Shared platform of {psys} out of CPU or memory",
     ["Capacity alert {tag}-CPU95: CPU usage above 95% for 15 minutes",
      "Response times of {csys} above 5 seconds"],
     ["Identify the consuming process or tenant with the platform monitoring",
      "Move non-urgent batch jobs of the platform to the night window",
      "Add capacity from the reserve pool following runbook {rb}-12",
      "Inform the application owner about the cause and the measures within one business day"],
     "Stop processes of another client to free capacity"),
]

FORBIDDEN = [
    "Restart or shut down a node of {psys} during business hours without approval of the application owner",
    "Delete logs, journals or backup pieces of {psys} by hand at operating-system level",
    "Change application parameters or master data on behalf of the client",
    "Hand backup media or encryption keys of the client to anyone not named in the key custody list",
    "Activate the standby of {psys} without the joint decision of both emergency managers",
]
ANTIVIRUS = [
    "Backups are restored only through the isolated restore host, where the malware scanner checks the restored files before they are handed over",
    "Every backup set is scanned for known malware and for mass encryption (entropy check) by the backup software; restores run through the isolated restore host with a second scan",
    "The data areas of {psys} are scanned by the provider's malware scanner before each backup; restores are scanned again before the data is handed back",
]
UNREACHABLE = [
    "Call the contact's deputy from the contact list. If the deputy does not answer within 10 minutes either, call the client's IT emergency desk; the provider moves on to the next escalation level in parallel and records every call attempt in the ticket.",
    "Call the contact's deputy from the contact list. If no one at the client can be reached within 30 minutes, call the client's IT emergency desk. Batch chains stay held at their last checkpoint until the client answers.",
    "Call the contact's deputy from the contact list. If nobody answers within 15 minutes, call the emergency manager of the provider. Until the client decides, the provider changes nothing by hand.",
]
RESULTS = ["passed", "passed", "passed-with-findings"]


def q(s: str) -> str:
    """A KDL v2 quoted string."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def b(v: bool) -> str:
    return "#true" if v else "#false"


def date(day_of_2026: int) -> str:
    """Day 0 = 2026-01-01; years before/after are handled for the small offsets used."""
    months = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    year, d = 2026, day_of_2026
    while d < 0:
        year -= 1
        d += 365
    while d >= 365:
        year += 1
        d -= 365
    m = 0
    while d >= months[m]:
        d -= months[m]
        m += 1
    return f"{year:04d}-{m + 1:02d}-{d + 1:02d}"


# --------------------------------------------------------------------------------------------
# The model: plain lists, built first so every reference points at something that exists.


class Contact:
    __slots__ = ("id", "party", "name", "roles", "desk", "deputy", "verified", "approve", "github", "phone", "domain")


def make_contacts(rng: random.Random, party: str, count: int, mail_domain: str, kind: str, base_phone: int) -> list[Contact]:
    out = []
    for i in range(count):
        c = Contact()
        c.party = party
        c.domain = mail_domain
        c.phone = f"+49 40 {base_phone + i // 10000:03d} {i % 10000:04d}"
        if i == 0:
            c.desk = True
            c.id = {"cl": "cl-it-emergency-desk", "pv": "pv-duty-desk", "nn": "nn-noc"}[party]
            c.name = {
                "cl": "Client IT Emergency Desk (IT-Notfallstelle)",
                "pv": "Provider Operations Control Centre (Leitstand)",
                "nn": "Carrier Network Operations Centre (business customers)",
            }[party]
            c.roles = [{
                "cl": "24x7 IT emergency desk of the client; alerts the on-call application owners and the crisis team",
                "pv": "24x7 duty desk of the provider; single point of contact for all incidents of the client",
                "nn": "24x7 fault desk for the MPLS lines of the client; quote the customer number and the circuit id",
            }[party]]
            c.github = None
            c.approve = False
        else:
            c.desk = False
            first, last = rng.choice(FIRST), rng.choice(LAST)
            slug = f"{first.translate(ASCII).lower()}.{last.translate(ASCII).lower()}"
            c.id = f"{slug}.{party}{i:05d}"
            c.name = f"{first} {last}"
            dom = DOMAINS[i % len(DOMAINS)][1]
            pool = {"client": CLIENT_ROLES, "provider": PROVIDER_ROLES, "carrier": CARRIER_ROLES}[kind]
            c.roles = [rng.choice(pool).format(dom=dom)]
            if i in (1, 2):
                c.roles.insert(0, "Emergency manager" if i == 1 else "Deputy emergency manager")
            c.approve = i in (1, 2) or i % 25 == 0
            c.github = f"{first[0].translate(ASCII).lower()}{last.translate(ASCII).lower()}-{party}{i}" if kind != "carrier" and i % 3 else None
        c.verified = date(181 + rng.randrange(0, 110))  # 2026-07-01 .. 2026-10-18
        out.append(c)
    # Deputies of the same party: persons in pairs (1<->2, 3<->4, ...), the desk -> person 1.
    for i, c in enumerate(out):
        if i == 0:
            dep = 1 if count > 1 else None
        elif i % 2 == 1:
            dep = i + 1 if i + 1 < count else (i - 1 if i > 1 else 0)
        else:
            dep = i - 1
        c.deputy = out[dep].id if dep is not None and dep != i else None
    return out


def contact_text(c: Contact) -> str:
    L = [f"contact {c.id} {{", f"    party {c.party}", f"    name {q(c.name)}"]
    for r in c.roles:
        L.append(f"    role {q(r)}")
    user = c.id
    if c.desk:
        L.append(f'    phone {q(c.phone)} available="24x7"')
        L.append(f'    email {q(c.id + "@" + c.domain)} available="24x7"')
    else:
        L.append(f"    phone {q(c.phone)} available=business-hours")
        L.append(f'    mobile {q(c.phone.replace(" 40 ", " 170 ", 1))} available="24x7"')
        L.append(f"    email {q(user + '@' + c.domain)} available=business-hours")
    if c.deputy:
        L.append(f"    deputy {c.deputy}")
    L.append(f"    verified {q(c.verified)}")
    if c.approve:
        L.append("    may-approve #true")
    if c.github:
        L.append(f"    github {q(c.github)}")
    L.append("}")
    return "\n".join(L)


class System:
    __slots__ = ("id", "name", "desc", "side", "owner", "ack", "tier", "prot", "mtpd", "rto", "rpo",
                 "shared", "data", "deps", "host", "tag")


class Interface:
    __slots__ = ("id", "name", "desc", "type", "contacts", "ack", "deps", "tier")


# --------------------------------------------------------------------------------------------


def generate(out: str, n: int, seed: int, sla_all: bool, n_contracts: int = 1) -> dict:
    rng = random.Random(seed)
    n_cl = max(4, round(0.7 * n))
    n_pv = max(4, round(0.7 * n))
    n_nn = max(3, round(0.1 * n))
    cl = make_contacts(rng, "cl", n_cl, "client-bank.example", "client", 555)
    pv = make_contacts(rng, "pv", n_pv, "provider-dc.example", "provider", 655)
    nn = make_contacts(rng, "nn", n_nn, "carrier.example", "carrier", 755)
    cl_people, pv_people = cl[1:], pv[1:]

    # Interfaces: even index telecom line of the carrier, odd index VPN router pair on top of it.
    n_if = max(1, (n + 9) // 10)
    ifaces: list[Interface] = []
    for j in range(n_if):
        f = Interface()
        f.tier = 1
        f.ack = (pv_people[(7 * j) % len(pv_people)].id, "2026-03-02")
        if j % 2 == 0:
            f.id = f"mpls-line-{j + 1:04d}"
            f.type = "telecom-line"
            f.name = f"MPLS line {j + 1} between client site {j // 2 + 1} and the provider data centre"
            f.desc = f"1 Gbit/s MPLS access of the carrier, circuit NN-HH-{48000 + j}; carries all traffic of client site {j // 2 + 1} to the provider."
            f.contacts = (cl_people[(3 * j) % len(cl_people)].id, pv_people[(5 * j) % len(pv_people)].id, nn[j % len(nn)].id)
            f.deps = []
        else:
            f.id = f"vpn-router-{j + 1:04d}"
            f.type = "router"
            f.name = f"VPN router pair {j + 1} (IPsec over MPLS)"
            f.desc = f"Router pairs RT-CL-{j:04d}/RT-PV-{j:04d} with VRRP, managed by the provider; encrypts all traffic over line {j} with IPsec (IKEv2)."
            f.contacts = (cl_people[(3 * j) % len(cl_people)].id, pv_people[(5 * j) % len(pv_people)].id, None)
            f.deps = [ifaces[j - 1].id]
        ifaces.append(f)

    # Systems: 2 per plan, client (even) and provider (odd).
    systems: list[System] = []
    plans_meta = []
    for k in range(n):
        dom_id, dom_name, (pb, pname), (cb, cname) = DOMAINS[k % len(DOMAINS)]
        num = f"{k + 1:05d}"
        tier = rng.randrange(len(TIERS))
        t = TIERS[tier]
        owner = cl_people[(2 * k) % len(cl_people)]
        ack_by = pv_people[(2 * k + 1) % len(pv_people)]
        iface = ifaces[k // 10]
        host = f"{dom_id[:3].upper()}{num}"
        p = System()
        p.id, p.side, p.tier, p.owner = f"{dom_id}-{num}-{pb}", "provider", tier, owner.id
        p.name = f"{pname} no. {k + 1}"
        p.desc = (f"Cluster {host}-01/{host}-02 in the provider data centre, operated for the client's {dom_name} "
                  f"(instance {num}). Holds the {dom_name} data of the client; backed up to the dedicated media pool POOL-CL.")
        p.prot = (rng.choice(["high", "very-high"]), rng.choice(["high", "very-high"]), t["prot"])
        p.ack = (ack_by.id, date(60 + rng.randrange(0, 10)))
        p.mtpd, p.rto, p.rpo = t["mtpd"], t["rto"], t["rpo"]
        p.shared = rng.random() < 0.3
        p.data = True
        p.deps = []
        if k > 0 and rng.random() < 0.3 and systems[2 * (k - 1) + 1].tier <= tier:
            p.deps.append(systems[2 * (k - 1) + 1].id)  # an earlier, no slower provider system: no cycles
        p.host, p.tag = host, dom_id[:4].upper()
        c = System()
        c.id, c.side, c.tier, c.owner = f"{dom_id}-{num}-{cb}", "client", tier, owner.id
        c.name = f"{cname} no. {k + 1}"
        c.desc = (f"Front end of the client's {dom_name} at headquarters (instance {num}). Works online against "
                  f"{p.id} at the provider through {iface.id}; no business data is stored locally.")
        c.prot = (rng.choice(["high", "very-high"]), rng.choice(["high", "very-high"]), rng.choice(["normal", "high"]))
        c.ack = (ack_by.id, date(46))
        c.rto, c.mtpd, c.rpo = rng.choice(CLIENT_RTO[tier])
        c.shared, c.data = False, False
        c.deps = [p.id, iface.id]
        c.host, c.tag = host, p.tag
        systems.append(c)
        systems.append(p)

    out_files: list[tuple[str, str]] = []
    head = "// Synthetic benchmark repository generated by bench/gen.py (seed {seed}). All names and numbers are fictional.\n"

    # --- contacts
    for party, people, what in (("cl", cl, "client"), ("pv", pv, "provider"), ("nn", nn, "carrier")):
        for start in range(0, len(people), 100):
            chunk = people[start:start + 100]
            body = "\n\n".join(contact_text(c) for c in chunk)
            out_files.append((f"contacts/{party}-{start // 100 + 1:04d}.kdl",
                              f"// Contacts of the {what} ({party}), {start + 1}-{start + len(chunk)}.\n\n{body}\n"))

    # --- inventory
    for start in range(0, len(systems), 100):
        L = [f"// Systems {start + 1}-{min(start + 100, len(systems))}: client and provider systems alternate.\n"]
        for s in systems[start:start + 100]:
            L.append(f"system {s.id} {{")
            L.append(f"    name {q(s.name)}")
            L.append(f"    description {q(s.desc)}")
            L.append(f"    side {s.side}")
            L.append(f"    operator {'cl' if s.side == 'client' else 'pv'}")
            L.append(f"    owner {s.owner}")
            L.append(f"    protection confidentiality={s.prot[0]} integrity={s.prot[1]} availability={s.prot[2]}")
            L.append(f'    acknowledged by={s.ack[0]} date="{s.ack[1]}"')
            L.append(f'    mtpd "{s.mtpd}"')
            L.append(f'    rto "{s.rto}"')
            L.append(f'    rpo "{s.rpo}"')
            L.append(f"    infrastructure {'shared' if s.shared else 'dedicated'}")
            L.append(f"    holds-data {b(s.data)}")
            if s.deps:
                L.append(f"    depends-on {' '.join(s.deps)}")
            L.append("}\n")
        out_files.append((f"inventory/systems-{start // 100 + 1:04d}.kdl", "\n".join(L)))
    for start in range(0, len(ifaces), 100):
        L = [f"// Interfaces {start + 1}-{min(start + 100, len(ifaces))}: carrier lines and the VPN routers on top of them.\n"]
        for f in ifaces[start:start + 100]:
            L.append(f"interface {f.id} {{")
            L.append(f"    name {q(f.name)}")
            L.append(f"    description {q(f.desc)}")
            L.append(f"    type {f.type}")
            if f.type == "telecom-line":
                L.append("    carrier nn")
                L.append(f"    contacts client={f.contacts[0]} provider={f.contacts[1]} carrier={f.contacts[2]}")
            else:
                L.append(f"    contacts client={f.contacts[0]} provider={f.contacts[1]}")
            L.append("    protection confidentiality=high integrity=high availability=very-high")
            L.append(f'    acknowledged by={f.ack[0]} date="{f.ack[1]}"')
            L.append('    mtpd "8h"')
            L.append('    rto "4h"')
            L.append('    rpo "0m"')
            if f.deps:
                L.append(f"    depends-on {' '.join(f.deps)}")
            L.append("}\n")
        out_files.append((f"inventory/interfaces-{start // 100 + 1:04d}.kdl", "\n".join(L)))

    # --- contracts: by default one contract `msa`, 3 revisions, an SLA for every provider system
    # and every interface. With --contracts K the plans are split into K groups with a contract each.
    def group(k: int) -> int:
        return k * n_contracts // n

    def contract_id(g: int) -> str:
        return "msa" if n_contracts == 1 else f"msa-{g + 1:03d}"

    contract_bytes = []
    for g in range(n_contracts):
        cid = contract_id(g)
        targets = [s for i, s in enumerate(systems) if group(i // 2) == g and (sla_all or s.side == "provider")]
        g_ifaces = [f for j, f in enumerate(ifaces) if group(min(10 * j, n - 1)) == g]
        L = [
            "// Master services agreement between the client (cl) and the provider (pv), with the SLA annex",
            "// per revision. Plans pin the revision they implement.",
            "",
            f"contract {cid} {{",
            '    title "Master services agreement for IT operations, client cl - provider pv"',
            "    client cl",
            "    provider pv",
        ]
        revisions = [
            (1, "2024-01-01", "Initial agreement: transfer of the operation of the client's systems to the provider; WAN via single MPLS lines"),
            (2, "2025-04-01", "DORA: tighter recovery objectives for the critical systems, restore tests every 3 months, new category for security incidents"),
            (3, "2026-03-01", "Redundant WAN on diverse routes, recovery times tightened again, half-yearly joint alarm tests"),
        ]
        for number, eff, summary in revisions:
            cats = ["p1", "p2", "p3"] + (["sec"] if number >= 2 else [])
            L += ["", "    // " + "-" * 89, f'    revision {number} effective="{eff}" {{', f"        summary {q(summary)}", ""]
            L.append('        category p1 type="outage" severity="critical" urgency="immediate" description="Business-critical service unavailable for the client or integrity of client data at risk"')
            L.append('        category p2 type="degradation" severity="high" urgency="high" description="Service available with severe restrictions"')
            L.append('        category p3 type="fault" severity="medium" urgency="normal" description="Fault with a workaround; no immediate effect on customers"')
            if "sec" in cats:
                L.append('        category sec type="security incident" severity="critical" urgency="immediate" description="Suspected or confirmed compromise of client data, systems or credentials"')
            L.append("")
            for s in targets:
                t = TIERS[s.tier]
                if s.side == "client":
                    rto, rpo, avail, red = s.rto, s.rpo, "99.0%", False
                elif number == 3:
                    rto, rpo, avail, red = t["rto"], t["rpo"], t["avail"], t["red"]
                else:
                    rto, rpo, avail = t["r1"] if number == 1 else t["r2"]
                    red = t["red"] and number == 2
                r = RESPONSE[s.tier]
                L.append(f'        sla {s.id} rto="{rto}" rpo="{rpo}" availability="{avail}" redundant={b(red)} {{')
                L.append(f'            response p1 within="{r[0]}"')
                L.append(f'            response p2 within="{r[1]}"')
                L.append(f'            response p3 within="{r[2]}"')
                if "sec" in cats:
                    L.append('            response sec within="15m"')
                if s.data:
                    L.append(f'            backup every="{t["every"]}" retention="{t["ret"]}" offsite=#true restore-test="{"6mo" if number == 1 else "3mo"}"')
                L.append("        }")
            for f in g_ifaces:
                rto, avail, red = ("8h", "99.5%", False) if number == 1 else (("4h", "99.7%", f.type == "router") if number == 2 else ("4h", "99.9%", True))
                L.append(f'        sla {f.id} rto="{rto}" availability="{avail}" redundant={b(red)} {{')
                L.append('            response p1 within="15m"')
                L.append('            response p2 within="1h"')
                L.append('            response p3 within="1d"')
                if "sec" in cats:
                    L.append('            response sec within="15m"')
                L.append("        }")
            L.append("")
            L.append('        exercise tabletop every="12mo" client-participates=#true')
            if number == 3:
                L.append('        exercise alarm-test every="6mo" client-participates=#true')
            L.append("")
            L.append('        escalation "Level 1: provider duty desk with the client IT emergency desk" "Level 2: provider service manager with the application owner concerned" "Level 3: provider head of operations with the client head of IT operations"')
            L.append('        cooperation "The provider cooperates with the client in every emergency that affects client systems, provides staff with the required knowledge around the clock and follows the client\'s instructions on all application matters."')
            L.append('        client-participation "The client takes part in the required exercises with the application owners concerned and its IT emergency desk, and may observe every restore test."')
            L.append('        action "The provider opens an incident ticket for every p1 and p2 incident and informs the client\'s IT emergency desk within the response time of the category"')
            L.append('        action "The provider delivers a written incident report for every p1 incident within 5 working days"')
            L.append("    }")
        L.append("}")
        contract_text = "\n".join(L) + "\n"
        contract_bytes.append(len(contract_text.encode()))
        out_files.append((f"contracts/{cid}.kdl", contract_text))

    # --- plans and exercise records
    for k in range(n):
        csys, psys = systems[2 * k], systems[2 * k + 1]
        t = TIERS[psys.tier]
        dom_id, dom_name = DOMAINS[k % len(DOMAINS)][:2]
        pid = f"{dom_id}-{k + 1:05d}"
        rc = cl_people[(2 * k) % len(cl_people)]  # = the systems' owner
        rp = pv_people[(2 * k + 1) % len(pv_people)]
        pv_deputy = pv_people[(2 * k) % len(pv_people)]
        cl_deputy_id = rc.deputy
        covers = [psys.id, csys.id]
        iface = ifaces[k // 10] if k % 10 == 0 else None
        if iface:
            covers.append(iface.id)
        fmt = dict(psys=psys.id, csys=csys.id, host=psys.host, tag=psys.tag, rb=f"RB-{psys.tag}")
        picks = rng.sample(range(len(SCENARIOS)), 3)
        needs_failover = TIERS[psys.tier]["red"] or iface is not None
        failovers = [i for i, sc in enumerate(SCENARIOS) if sc[4]]
        if needs_failover and not any(i in failovers for i in picks):
            picks[0] = rng.choice(failovers)
        L = [
            f"// Emergency plan {k + 1} of {n}: {dom_name} ({csys.id} at the client, {psys.id} at the provider).",
            f"// Runbooks RB-{psys.tag}-* are in the provider's runbook wiki.",
            "",
            f"plan {pid} {{",
            f"    title {q(f'{dom_name[0].upper()}{dom_name[1:]} {k + 1}: {psys.name} and {csys.name}')}",
            f"    covers {' '.join(covers)}",
            f"    contract {contract_id(group(k))} revision=3",
            f"    responsible client={rc.id} provider={rp.id}",
            "",
            f'    objective {psys.id} rto="{psys.rto}" rpo="{psys.rpo}"',
            f'    objective {csys.id} rto="{csys.rto}" rpo="{csys.rpo}"',
        ]
        if iface:
            L.append(f'    objective {iface.id} rto="4h"')
        l2, l3 = ("30m", "1h") if psys.tier < 2 else ("1h", "4h")
        L += [
            "",
            "    escalation {",
            '        level 1 notify=pv-duty-desk within="15m"',
            f'        level 2 notify={rp.id} within="{l2}"',
            f'        level 3 notify={rc.id} within="{l3}"',
            f"        unreachable {q(rng.choice(UNREACHABLE))}",
            "    }",
            "",
            "    backup {",
            f"        media {'dedicated' if psys.shared or rng.random() < 0.8 else 'shared'}",
            f'        schedule every="{t["every"]}"' + (f' at="{t["at"]}"' if t["at"] else ""),
            f'        retention "{t["ret"]}"',
            "        offsite #true",
            f"        antivirus {q(rng.choice(ANTIVIRUS).format(**fmt))}",
            '        restore-test every="3mo"',
            f"        deputy {pv_deputy.id}",
            f'        on-failure escalate-to={rp.id} within="{"1h" if psys.tier < 2 else "2h"}"',
            "    }",
            "",
        ]
        for fi in rng.sample(range(len(FORBIDDEN)), 2):
            L.append(f"    forbidden {q(FORBIDDEN[fi].format(**fmt))}")
        scen_ids = []
        for si in picks:
            sid, cause, others, resolver, failover, fault_in, title, detects, steps, forb = SCENARIOS[si]
            failover = failover and needs_failover
            scen_ids.append(sid)
            L.append("")
            L.append(f"    scenario {sid} cause={cause} affects-others={b(others)} resolver={resolver}" + (" failover=#true" if failover else "") + " {")
            L.append(f"        title {q(title.format(**fmt))}")
            for place in fault_in:
                L.append(f"        fault-in {place}")
            for d in detects:
                L.append(f"        detect {q(d.format(**fmt))}")
            if resolver != "provider":
                L.append(f"        contacts {rc.id}" + (f" {cl_deputy_id}" if cl_deputy_id else ""))
            for st in steps:
                L.append(f"        step {q(st.format(**fmt))}")
            L.append(f"        forbidden {q(forb.format(**fmt))}")
            L.append("    }")
        very_high = psys.tier < 2 or iface is not None
        L += [
            "",
            f'    exercise tabletop every="{"6mo" if very_high else "12mo"}" joint=#true',
            '    exercise alarm-test every="6mo" joint=#true',
            "}",
        ]
        out_files.append((f"plans/{pid}.kdl", "\n".join(L) + "\n"))

        # Two exercise records per plan, in one file: the tabletop and the alarm test of this
        # year, which between them exercised every scenario of the plan.
        parts = ["pv-duty-desk", rp.id, rc.id] + ([cl_deputy_id] if cl_deputy_id else [])
        split = 1 + rng.randrange(2)
        E = [f"// Exercise records of plan {pid}."]
        for kind, named in (("tabletop", scen_ids[:split]), ("alarm-test", scen_ids[split:])):
            day = 130 + rng.randrange(0, 150)  # 2026-05-11 .. 2026-10-07
            result = rng.choice(RESULTS)
            eid = f"ex-{date(day)[:7]}-{pid}-{'tabletop' if kind == 'tabletop' else 'alarm'}"
            what = "Tabletop at the client headquarters" if kind == "tabletop" else "Unannounced alarm test at 02:00"
            E += [
                "",
                f"exercise {eid} {{",
                f"    plan {pid}",
                f"    kind {kind}",
                f'    date "{date(day)}"',
                f"    scenarios {' '.join(named)}",
                f"    participants {' '.join(parts)}",
                f"    result {result}",
                f"    summary {q(what + ' on scenario ' + ', '.join(named) + f' of {pid}; the escalation chain was run through to level 3.')}",
            ]
            if result == "passed-with-findings":
                open_ = rng.random() < 0.5
                # Closed findings were due two months after the exercise; open ones fall due after
                # 2026-11-01, the date the benchmark checks as of.
                due = date(day + 60) if not open_ else date(310 + rng.randrange(60))
                E.append(f'    finding {q(f"Runbook RB-{psys.tag}-07 still names a decommissioned host of {psys.id}")} owner={rp.id} due="{due}" status={"open" if open_ else "closed"}')
            E.append("}")
        out_files.append((f"exercises/ex-{pid}.kdl", "\n".join(E) + "\n"))

    # --- configuration, with a file-size limit that admits the contract file.
    biggest = max(len(t.encode()) for _, t in out_files)
    cfg = [
        head.format(seed=seed).rstrip("\n"),
        "",
        f'name "Synthetic benchmark repository: {n} plans (seed {seed})"',
        "",
        'party cl role=client name="Client Bank AG"',
        'party pv role=provider name="Provider Rechenzentrum GmbH"',
        'party nn role=carrier name="Carrier Telekom GmbH"',
        "",
        "// The generated plans carry no sign-offs (signature verification is measured separately):",
        "// run.sh checks with --allow-unsigned, as sign-off rules cannot be configured.",
    ]
    if biggest > (1 << 20):
        limit = 1 << 20
        while limit < biggest:
            limit *= 2
        cfg += ["", "// A contract holds an SLA for every provider system and interface it covers: allow its size.", f"limits max-file-size={limit}"]
    out_files.append(("contingent.kdl", "\n".join(cfg) + "\n"))

    # --- write
    made = set()
    total = 0
    for rel, text in out_files:
        d = os.path.dirname(rel)
        if d not in made:
            os.makedirs(os.path.join(out, d), exist_ok=True)
            made.add(d)
        data = text.encode("utf-8")
        total += len(data)
        with open(os.path.join(out, rel), "wb") as fh:
            fh.write(data)
    return dict(files=len(out_files), bytes=total, contacts=len(cl) + len(pv) + len(nn), systems=len(systems),
                interfaces=len(ifaces), plans=n, exercises=2 * n, contracts=n_contracts, contract_bytes=max(contract_bytes))


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="Generate a synthetic contingent plan repository.")
    ap.add_argument("out", metavar="OUT_DIR")
    ap.add_argument("--plans", type=int, required=True, metavar="N")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sla-all", action="store_true", help="also give client-operated systems an SLA entry")
    ap.add_argument("--contracts", type=int, default=1, metavar="K",
                    help="split the plans into K groups with one contract each (default 1: one contract covering everything)")
    ap.add_argument("--force", action="store_true", help="replace OUT_DIR if it is a generated repository")
    a = ap.parse_args(argv)
    if a.plans < 1:
        ap.error("--plans must be at least 1")
    if not 1 <= a.contracts <= a.plans:
        ap.error("--contracts must be between 1 and the number of plans")
    if os.path.exists(a.out) and os.listdir(a.out):
        if not a.force:
            ap.error(f"{a.out} exists and is not empty (use --force to replace a generated repository)")
        if not os.path.isfile(os.path.join(a.out, "contingent.kdl")):
            ap.error(f"{a.out} holds no contingent.kdl: refusing to delete it")
        shutil.rmtree(a.out)
    os.makedirs(a.out, exist_ok=True)
    st = generate(a.out, a.plans, a.seed, a.sla_all, a.contracts)
    print(f"wrote {st['files']} files ({st['bytes'] / 1e6:.1f} MB) to {a.out}: {st['plans']} plans, "
          f"{st['systems']} systems, {st['interfaces']} interfaces, {st['contacts']} contacts, "
          f"{st['exercises']} exercise records, {st['contracts']} contract(s) (largest {st['contract_bytes'] / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
