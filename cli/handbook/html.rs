//! The handbook's HTML: maud templates, checked when the crate compiles. Every value is escaped
//! by maud; repository text ([`Txt`]) is additionally stripped of control and bidirectional
//! characters (`escape::markup`). The style sheet is inline and there is no script, so a page
//! works offline, from a USB stick, under its own Content-Security-Policy.

use maud::{html, Markup, PreEscaped, Render, DOCTYPE};

use super::page::{
    duration_words, resolver_words, Banner, ChannelView, ContactView, ContractView, Handbook, LevelView, PartyHead,
    PartyManifest, PlanPage, PlanParty, ScenarioView, Txt,
};
use crate::signoff::State;
use crate::units::Duration;

impl Render for Txt {
    fn render_to(&self, buffer: &mut String) {
        crate::escape::markup(self.raw()).as_ref().render_to(buffer);
    }
}

/// The meta tag that marks a file as written by `contingent handbook` (old pages are replaced
/// only when they carry it).
pub const GENERATOR: &str = "contingent handbook";

/// Up to this many plans, every page's navigation links each of them (beyond, the pages' size
/// would grow with the square of the number of plans).
const NAV_PLANS: usize = 30;

const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

const CSS: &str = r#"
:root { --ink: #111; --muted: #444; --line: #777; --warn: #8a1c00; --warnbg: #fff3e0; --okbg: #eef7ee; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 11pt; color: var(--ink); background: #fff; }
body { margin: 0 auto; max-width: 62rem; padding: 1rem 1.25rem 5rem; line-height: 1.35; }
h1 { font-size: 1.6rem; margin: .4rem 0 .3rem; }
h2 { font-size: 1.25rem; margin: 1.4rem 0 .5rem; padding-bottom: .15rem; border-bottom: 2px solid var(--ink); break-after: avoid; }
h3 { font-size: 1.08rem; margin: 1.1rem 0 .4rem; break-after: avoid; }
h4 { font-size: 1rem; margin: .8rem 0 .3rem; break-after: avoid; }
p, ul, ol, dl { margin: .3rem 0 .6rem; }
code, .digest { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: .86em; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; }
th, td { border: 1px solid var(--line); padding: .25rem .4rem; text-align: left; vertical-align: top; }
thead th { background: #e8e8e8; }
tbody th { font-weight: normal; }
thead { display: table-header-group; }
tr, .card, .entry, .step, .banner, .level, .scenario-facts, .forbidden, .forbidden-scenario, .nobody { break-inside: avoid; }
nav.top { font-size: .9rem; border-bottom: 1px solid var(--line); padding-bottom: .3rem; margin-bottom: .5rem; }
nav.top a { margin-right: .8rem; }
.subtitle { color: var(--muted); margin-top: 0; }
.proof { border: 1px solid var(--line); padding: .4rem .6rem; margin: .5rem 0; font-size: .9rem; }
.proof dt { font-weight: bold; float: left; clear: left; width: 9rem; }
.proof dd { margin-left: 9.5rem; }
.banner { border: 4px double var(--warn); background: var(--warnbg); padding: .5rem .7rem; margin: .6rem 0; }
.banner .word { font-weight: bold; font-size: 1.15rem; letter-spacing: .04em; }
.banner ul { margin: .2rem 0 0 1.1rem; padding: 0; }
.banner li, table.manifest td, table.people td { overflow-wrap: anywhere; }
.ok { border: 2px solid #2e6b2e; background: var(--okbg); padding: .35rem .6rem; margin: .6rem 0; }
.forbidden { border: 4px solid var(--ink); padding: .5rem .8rem; margin: .6rem 0 1rem; background: repeating-linear-gradient(135deg, #fff, #fff 10px, #f2f2f2 10px, #f2f2f2 20px); }
.forbidden h2 { border: 0; margin-top: .2rem; }
.forbidden li { margin: .3rem 0; font-weight: bold; }
.forbidden .where { font-weight: normal; color: var(--muted); }
.forbidden-scenario { border: 3px solid var(--ink); padding: .3rem .6rem; margin: .5rem 0; }
.forbidden-scenario li { font-weight: bold; }
.icon { font-weight: bold; }
.noentry { display: inline-block; width: 1em; height: 1em; border-radius: 50%; background: #111; position: relative; vertical-align: -.12em; margin-right: .35em; print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.noentry::after { content: ""; position: absolute; left: .17em; right: .17em; top: .42em; height: .17em; background: #fff; }
.banner, .ok, thead th { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
.nobody { border: 3px solid var(--ink); padding: .3rem .8rem; margin: .6rem 0; font-size: 1.05rem; }
.nobody h3 { margin: 0 0 .2rem; }
.nobody p { margin: 0; }
.card { border: 1px solid var(--line); padding: .35rem .5rem; margin: .3rem 0; }
.card .name { font-weight: bold; }
.card p { margin: .1rem 0; }
.card .roles { color: var(--muted); font-size: .92em; }
.card table { margin: .2rem 0; }
.card .deputy { margin: .3rem 0 0 1rem; border-style: dashed; }
ul.channels { list-style: none; padding: 0; margin: .15rem 0; }
ul.channels li { margin: .05rem 0; }
ul.channels .hours { display: inline-block; min-width: 7.5rem; font-size: .9em; }
ul.channels .h24 { font-weight: bold; }
ul.channels .kind { display: inline-block; min-width: 3.6rem; color: var(--muted); }
ul.channels .value { font-weight: bold; }
.stale { font-weight: bold; color: var(--warn); }
table.chain { font-size: .93em; table-layout: fixed; }
table.chain thead th:nth-child(1) { width: 11%; }
table.chain thead th:nth-child(2) { width: 29%; }
table.chain thead th:nth-child(3) { width: 30%; }
table.chain ul.channels .hours, table.chain ul.channels .kind { min-width: 0; }
table.chain ul.channels .value, table.people ul.channels .value { white-space: nowrap; }
table.chain p { margin: 0; }
table.people { table-layout: fixed; }
table.people td, table.people th { font-size: .95em; }
table.people thead th:nth-child(1) { width: 26%; }
table.people thead th:nth-child(2) { width: 22%; }
table.people thead th:nth-child(3) { width: 30%; }
table.people ul.channels .hours { min-width: 6.5rem; }
.party { margin-top: .6rem; }
tr.level.first th, tr.level.first td { border-width: 3px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(24rem, 1fr)); gap: .4rem; }
.scenario { border-top: 2px solid var(--ink); margin-top: 1.2rem; }
.scenario-facts dt { font-weight: bold; float: left; clear: left; width: 11rem; }
.scenario-facts dd { margin-left: 11.5rem; margin-bottom: .15rem; }
table.steps td.n { width: 2rem; text-align: right; font-weight: bold; }
table.steps td.tick { width: 3.2rem; text-align: center; }
table.steps td.time { width: 6rem; }
.box { display: inline-block; width: 1.1rem; height: 1.1rem; border: 2px solid var(--ink); vertical-align: middle; }
.blank { display: inline-block; width: 4.5rem; border-bottom: 1px solid var(--ink); height: 1rem; }
.overdue { font-weight: bold; color: var(--warn); }
.small { font-size: .88rem; color: var(--muted); }
.nowrap { white-space: nowrap; }
.toc { font-size: .92rem; margin: .2rem 0; }
.toc ol { margin: 0; }
footer.stamp { font-size: 7.5pt; color: var(--muted); border-top: 1px solid var(--line); margin-top: 2rem; padding-top: .25rem; }
footer.stamp .digest { font-size: 7.5pt; }
@page { size: A4; margin: 14mm 13mm 22mm 13mm; }
@media print {
  html { font-size: 9.5pt; }
  body { max-width: none; padding: 0; }
  nav.top { display: none; }
  a { color: inherit; text-decoration: none; }
  a[href^="http"]::after, a[href^="https"]::after { content: " (" attr(href) ")"; font-size: .85em; }
  a[href^="tel:"]::after, a[href^="mailto:"]::after { content: ""; }
  footer.stamp { break-inside: avoid; }
  .page-break { break-before: page; }
  h2 { margin: .9rem 0 .4rem; }
  .forbidden h2 { margin-top: 0; }
  .cards { display: block; }
  .forbidden { background: none; }
}
"#;

fn dur(d: Duration) -> String {
    duration_words(d)
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn short(d: &str) -> String {
    crate::signoff::short_digest(d)
}

/// Text as a CSS string literal: everything but ASCII letters, digits, space and `.:-_/,()+`
/// as a hexadecimal escape, so no quote, backslash, line break or `<` can end the string or the
/// style element.
pub fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in crate::escape::markup(text).chars() {
        if c.is_ascii_alphanumeric() || " .:-_/,()+".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\{:x} ", c as u32));
        }
    }
    out.push('"');
    out
}

/// The printed stamp: the page margin's boxes (CSS Paged Media, Chromium 131 and later) show it
/// at the foot of every printed page, with the page number.
fn print_stamp(stamp: &str) -> String {
    format!(
        "@page {{ @bottom-left {{ content: {}; font-family: \"DejaVu Sans\", \"Liberation Sans\", Arial, sans-serif; font-size: 7pt; color: #333; width: 82%; vertical-align: top; padding-top: 3mm; white-space: pre-wrap; }} @bottom-right {{ content: \"page \" counter(page) \" of \" counter(pages); font-family: \"DejaVu Sans\", Arial, sans-serif; font-size: 8pt; vertical-align: top; padding-top: 3mm; }} }}",
        css_string(stamp)
    )
}

/// A whole page: head, navigation, body, stamp (at the end on screen, in every printed page's
/// margin).
fn layout(book: &Handbook, title: &str, body: Markup, stamp: Markup, stamp_text: &str) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content=(GENERATOR);
                title { (title) " — " (book.title) }
                style { (PreEscaped(CSS)) (PreEscaped(print_stamp(stamp_text))) }
            }
            body {
                nav.top aria-label="Handbook" {
                    a href="index.html" { "Index" }
                    a href="contacts.html" { "Contact directory" }
                    // every page links every plan only while that stays small: the index lists them all
                    @if book.plans.len() <= NAV_PLANS {
                        @for p in &book.plans {
                            a href=(p.file_name) { (p.id) }
                        }
                    }
                }
                main { (body) }
                footer.stamp { (stamp) }
            }
        }
    }
}

fn provenance_line(book: &Handbook) -> Markup {
    html! {
        (book.provenance.summary) " · as of " (book.as_of.to_string()) " (" (book.as_of_source) ")"
    }
}

fn channels(c: &ContactView) -> Markup {
    html! {
        @if c.channels.is_empty() {
            p.stale { "No phone, mobile or e-mail recorded." }
        } @else {
            ul.channels {
                @for ch in &c.channels {
                    li {
                        span.hours.h24[ch.always] { (ch.hours()) } " "
                        span.kind { (ch.kind) } " "
                        span.value { (channel_value(ch)) }
                    }
                }
            }
        }
    }
}

fn channel_value(ch: &ChannelView) -> Markup {
    html! {
        @match ch.href() {
            Some(h) => a href=(h) { (ch.value) },
            None => (ch.value),
        }
    }
}

fn stale_note(c: &ContactView) -> Markup {
    html! {
        @if c.stale {
            p.stale {
                "⚠ STALE CONTACT: last verified " (c.verified.map(|d| d.to_string()).unwrap_or_default())
                ", stale since " (c.stale_since.map(|d| d.to_string()).unwrap_or_default()) ". The details may be wrong."
            }
        } @else if let Some(v) = c.verified {
            p.small { "Verified " (v.to_string()) }
        }
        @if !c.known {
            p.stale { "⚠ This contact id is not unique or not defined: check with `contingent check`." }
        }
    }
}

fn card(c: &ContactView, heading: u8) -> Markup {
    card_with(c, heading, true)
}

/// A contact card; the deputy as a card of its own (`full_deputy`) or as one line (in the
/// directory, where the deputy has a card anyway).
fn card_with(c: &ContactView, heading: u8, full_deputy: bool) -> Markup {
    let head = html! { span.name { (c.name) } " " span.small { "(" (c.id) ")" } };
    html! {
        div.card {
            @match heading {
                3 => h3 { (head) },
                4 => h4 { (head) },
                _ => p { (head) },
            }
            @if !c.party.is_empty() || !c.roles.is_empty() {
                p.roles { (c.party) @for r in &c.roles { " · " (r) } }
            }
            (channels(c))
            @if !c.reachable_always() && !c.channels.is_empty() {
                p.stale { "⚠ Not reachable around the clock: outside business hours go to the deputy or the next level." }
            }
            (stale_note(c))
            @if let (Some(d), false) = (&c.deputy, full_deputy) {
                p { "Deputy: " span.name { (d.name) } " (" (d.id) ")" @if d.stale { " " span.stale { "⚠ STALE CONTACT" } } }
            }
            @if let (Some(d), true) = (&c.deputy, full_deputy) {
                div.card.deputy {
                    p { "Deputy if there is no answer: " span.name { (d.name) } " " span.small { "(" (d.id) ")" } }
                    @if !d.roles.is_empty() { p.roles { @for (i, r) in d.roles.iter().enumerate() { @if i > 0 { " · " } (r) } } }
                    (channels(d))
                    (stale_note(d))
                }
            }
        }
    }
}

/// A table's header row: a column heading each.
fn head(columns: &[&str]) -> Markup {
    html! { thead { tr { @for c in columns { th scope="col" { (c) } } } } }
}

fn banners(list: &[Banner]) -> Markup {
    html! {
        @for b in list {
            div.banner role="alert" {
                p { span.icon aria-hidden="true" { "⚠ " } span.word { (b.word) } }
                ul { @for l in &b.lines { li { (l) } } }
            }
        }
    }
}

fn manifest_table(manifest: &[PartyManifest], current: &str) -> Markup {
    html! {
        table.manifest {
            (head(&["Party", "State", "Signed by", "Date", "Digest signed", "Signature"]))
            tbody {
                @for m in manifest {
                    @if m.signed.is_empty() {
                        tr {
                            th scope="row" { (m.side) ": " (m.party) }
                            td.stale[m.state != State::Signed] { (m.state_words()) }
                            td { "—" } td { "—" } td { "—" }
                            td {
                                @if m.problems.is_empty() { "no valid sign-off record" }
                                @for pr in &m.problems { (pr) br; }
                            }
                        }
                    }
                    @for s in &m.signed {
                        tr {
                            th scope="row" { (m.side) ": " (m.party) }
                            td.stale[m.state != State::Signed] { (m.state_words()) }
                            td { (s.name) " (" (s.signer) ")" }
                            td { (s.date.to_string()) }
                            td {
                                span.digest { (s.digest) }
                                @if !s.current { br; span.stale { "not the current digest " span.digest { (short(current)) } } }
                            }
                            td { "verified (SSH signature, key of the signer, valid on the date) · " span.small { (s.place) } }
                        }
                    }
                }
            }
        }
    }
}

fn provenance_text(book: &Handbook) -> String {
    format!("{} · as of {}", book.provenance.summary, book.as_of)
}

/// The stamp as plain text, for the printed page margin.
fn plan_stamp_text(book: &Handbook, p: &PlanPage) -> String {
    let mut s = format!(
        "Plan {} · {}\n{} · {}",
        p.id.raw(),
        p.digest,
        provenance_text(book),
        if p.approved { "APPROVED" } else { "NOT APPROVED" }
    );
    for m in &p.manifest {
        s.push_str(&format!(" · {}: ", m.side));
        if m.signed.is_empty() {
            s.push_str(m.state.word());
        }
        for (i, sg) in m.signed.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&format!("{} {} {}", sg.signer.raw(), sg.date, short(&sg.digest)));
            s.push_str(if m.state == State::Signed { " verified" } else { " (stale)" });
        }
    }
    s
}

fn plan_stamp(book: &Handbook, p: &PlanPage) -> Markup {
    html! {
        "Plan " strong { (p.id) } " · " span.digest { (p.digest) } br;
        (provenance_line(book)) " · "
        @if p.approved { "APPROVED" } @else { strong { "NOT APPROVED" } }
        @for m in &p.manifest {
            " · " (m.side) ": "
            @if m.signed.is_empty() { (m.state.word()) }
            @for (i, s) in m.signed.iter().enumerate() {
                @if i > 0 { ", " }
                (s.signer) " " (s.date.to_string()) " " (short(&s.digest))
                @if m.state == State::Signed { " verified" } @else { " (" (m.state.word()) ")" }
            }
        }
        " · contingent " (book.version)
    }
}

fn plan_page(book: &Handbook, p: &PlanPage) -> Markup {
    let body = html! {
        h1 { "Emergency plan: " (p.title) }
        p.subtitle { "Plan " code { (p.id) } " · " (book.title) }
        @if p.banners.is_empty() {
            div.ok { "✓ Approved by both parties; no stale contact, no overdue review or exercise as of " (book.as_of.to_string()) "." }
        }
        (banners(&p.banners))
        (forbidden_section(p))
        (escalation_section(p))
        div.reference.page-break {
            (proof(book, p))
            (contents(p))
            (scope_section(p))
            (parties_section(p))
            (scenarios_section(p))
            (backup_section(p))
            (exercises_section(p))
            (manifest_section(p))
        }
    };
    layout(book, &format!("Plan {}", p.id.raw()), body, plan_stamp(book, p), &plan_stamp_text(book, p))
}

/// Section 1, first on the first page: every forbidden action, plan-wide and of each scenario.
fn forbidden_section(p: &PlanPage) -> Markup {
    html! {
        section.forbidden #forbidden aria-labelledby="forbidden-h" {
            h2 #forbidden-h { span.noentry aria-hidden="true" {} "1. FORBIDDEN: never do this" }
            @if p.forbidden.is_empty() {
                p { "No forbidden actions are stated."
                    @if let Some(r) = &p.no_forbidden_reason { " Reason given: " (r) } }
            } @else {
                ol {
                    @for f in &p.forbidden {
                        li {
                            "FORBIDDEN: " (f.text)
                            @if let Some((_, title)) = &f.scenario {
                                " " span.where { "(in scenario " (title) ")" }
                            } @else {
                                " " span.where { "(always)" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Section 2, on the first page: whom to call first and when to escalate, one row a level with
/// the time, the numbers to use at any hour and the deputy with theirs (every detail of each
/// contact is in section 4).
fn escalation_section(p: &PlanPage) -> Markup {
    html! {
        section #escalation {
            h2 { "2. Whom to call first, and when to escalate" }
            p { "Call level 1 first. Notify each level within its time after the incident is detected; when a contact does not answer, call their deputy, then the next level." }
            @if p.levels.is_empty() {
                p.stale { "⚠ This plan has no escalation chain: call the duty desks of both parties (contact directory)." }
            } @else {
                table.chain {
                    (head(&["Level, within", "Whom", "Numbers at any hour", "If there is no answer, the deputy"]))
                    tbody { @for (i, l) in p.levels.iter().enumerate() { (level_row(l, i == 0)) } }
                }
            }
            (nobody(p))
        }
    }
}

fn level_row(l: &LevelView, first: bool) -> Markup {
    let c = &l.contact;
    html! {
        tr.level.first[first] {
            th scope="row" {
                strong { "Level " (l.level) } br; span.nowrap { (dur(l.within)) }
                @if first { br; strong { "call first" } }
            }
            td {
                span.name { (c.name) } " " span.small { "(" (c.id) ")" } br; span.small { (c.party) }
                @if c.stale { br; span.stale { "⚠ STALE CONTACT: the details may be wrong" } }
                @if !c.known { br; span.stale { "⚠ not unique or not defined: check with `contingent check`" } }
            }
            td { (channels_now(c)) }
            td {
                @match &c.deputy {
                    Some(d) => {
                        span.name { (d.name) } " " span.small.nowrap { "(" (d.id) ")" }
                        (channels_now(d))
                        @if d.stale { span.stale { "⚠ STALE CONTACT" } }
                    }
                    None => "none recorded: go on to the next level",
                }
            }
        }
    }
}

/// The channels to use at any hour: the 24x7 ones, or every one when none is.
fn now(c: &ContactView) -> Vec<&ChannelView> {
    let always: Vec<&ChannelView> = c.channels.iter().filter(|ch| ch.always).collect();
    if always.is_empty() {
        c.channels.iter().collect()
    } else {
        always
    }
}

fn channels_now(c: &ContactView) -> Markup {
    html! {
        @if c.channels.is_empty() {
            p.stale { "No phone, mobile or e-mail recorded." }
        } @else {
            ul.channels {
                @for ch in now(c) {
                    li {
                        span.hours.h24[ch.always] { (ch.hours()) } " "
                        span.kind { (ch.kind) } " "
                        span.value { (channel_value(ch)) }
                    }
                }
            }
            @if !c.reachable_always() {
                p.stale { "⚠ Not reachable around the clock: outside business hours go to the deputy or the next level." }
            }
        }
    }
}

/// The end of section 2: the plan's instruction for when nobody answers.
fn nobody(p: &PlanPage) -> Markup {
    html! {
        section.nobody #nobody {
            h3 { "When nobody answers" }
            @match &p.unreachable {
                Some(u) => p { strong { (u) } },
                None => p.stale { "⚠ The plan does not say what to do when nobody answers: call the duty desks of both parties." },
            }
        }
    }
}

/// The proof of what the page is: digest, source, date, sign-off state.
fn proof(book: &Handbook, p: &PlanPage) -> Markup {
    html! {
        dl.proof {
            dt { "Plan digest" } dd { span.digest { (p.digest) } }
            dt { "Generated from" } dd { (book.provenance.summary) }
            dt { "As of" } dd { (book.as_of.to_string()) " (" (book.as_of_source) ")" }
            dt { "Source file" } dd { code { (p.source) } }
            dt { "Sign-off" } dd { @if p.approved { "approved by client and provider (manifest at the end)" } @else { strong { "NOT APPROVED" } " (manifest at the end)" } }
            dt { "Judged against" } dd { (book.judged_against) }
        }
    }
}

fn contents(p: &PlanPage) -> Markup {
    html! {
        nav aria-label="Contents" {
            ol.toc {
                li { a href="#forbidden" { "Forbidden actions" } }
                li { a href="#escalation" { "Whom to call first, and when to escalate" } ol { li { a href="#nobody" { "When nobody answers" } } } }
                li { a href="#scope" { "What this plan covers" } }
                li { a href="#parties" { "The parties and their people" } }
                li { a href="#scenarios" { "Scenarios" } ol { @for s in &p.scenarios { li { a href={ "#" (s.anchor) } { (s.title) } } } } }
                li { a href="#backup" { "Backup and restore" } }
                li { a href="#exercises" { "Exercises" } }
                li { a href="#manifest" { "Sign-off manifest" } }
            }
        }
    }
}

/// Section 3, where the reference begins: the systems and interfaces, who is responsible, the
/// contract.
fn scope_section(p: &PlanPage) -> Markup {
    html! {
        section #scope {
            h2 { "3. What this plan covers" }
            table {
                (head(&[
                    "System or interface", "Operated by", "Owner / contacts", "Protection needs (C / I / A)",
                    "Objectives of this plan", "Of the system",
                ]))
                tbody {
                    @for s in &p.scope {
                        tr {
                            th scope="row" {
                                strong { (s.name) } br; code { (s.id) } br; span.small { (s.what) }
                                @if let Some(d) = &s.description { br; span.small { (d) } }
                            }
                            td { (s.operator) }
                            td {
                                (s.owner)
                                @for (side, c) in &s.contacts { br; (side) ": " (c) }
                            }
                            td {
                                @for (label, l) in ["confidentiality", "integrity", "availability"].iter().zip(s.protection.iter()) {
                                    (label) ": " (l.unwrap_or("not stated")) br;
                                }
                            }
                            td {
                                "RTO " (s.plan_rto.map(dur).unwrap_or_else(|| "—".into())) br;
                                "RPO " (s.plan_rpo.map(dur).unwrap_or_else(|| "—".into()))
                            }
                            td {
                                "RTO " (s.rto.map(dur).unwrap_or_else(|| "—".into())) br;
                                "RPO " (s.rpo.map(dur).unwrap_or_else(|| "—".into())) br;
                                "MTPD " (s.mtpd.map(dur).unwrap_or_else(|| "—".into()))
                            }
                        }
                    }
                }
            }
            (responsible(p))
            @if let Some(c) = &p.contract { (contract_part(c)) }
        }
    }
}

fn responsible(p: &PlanPage) -> Markup {
    html! {
        @if !p.responsible.is_empty() {
            h3 { "Responsible for this plan" }
            ul {
                @for (side, c) in &p.responsible {
                    li {
                        strong { (side) ": " (c.name) } " (" (c.id) ")"
                        @for r in c.roles.iter().take(1) { ", " (r) }
                        @for ch in c.channels.iter().filter(|ch| ch.always).take(1) { " · 24x7 " (ch.kind) " " (channel_value(ch)) }
                        @if c.stale { " " span.stale { "⚠ STALE CONTACT" } }
                    }
                }
            }
            p.small { "Their full details, with deputies, are in section 4 and in the " a href="contacts.html" { "contact directory" } "." }
        }
    }
}

/// The pinned contract revision with its SLA terms for the covered systems and the incident
/// categories.
fn contract_part(c: &ContractView) -> Markup {
    html! {
        h3 { "Contract: " (c.title) }
        p {
            "Contract " code { (c.id) } ", revision " (c.revision)
            @if let Some(e) = c.effective { " (effective " (e.to_string()) ")" }
            @if let Some(s) = &c.summary { ": " (s) }
        }
        @if let Some(n) = c.newer_in_force {
            p.stale { "⚠ Revision " (n) " of the contract is in force: this plan still implements revision " (c.revision) " and is due for review." }
        }
        @if !c.sla.is_empty() {
            table {
                (head(&["SLA for", "RTO", "RPO", "Availability", "Redundant", "Response times", "Backup"]))
                tbody {
                    @for s in &c.sla {
                        tr {
                            th scope="row" { code { (s.target) } }
                            td { (s.rto.map(dur).unwrap_or_else(|| "—".into())) }
                            td { (s.rpo.map(dur).unwrap_or_else(|| "—".into())) }
                            td { @match &s.availability { Some(a) => (a), None => "—" } }
                            td { @match s.redundant { Some(r) => (yes_no(r)), None => "not stated" } }
                            td { @for (cat, w) in &s.responses { (cat) ": " (dur(*w)) br; } }
                            td { @match &s.backup { Some(b) => (b), None => "—" } }
                        }
                    }
                }
            }
        }
        @if !c.categories.is_empty() {
            table {
                (head(&["Category", "Meaning"]))
                tbody { @for (id, d) in &c.categories { tr { th scope="row" { code { (id) } } td { (d) } } } }
            }
        }
    }
}

/// Section 4: every party that operates, carries or owns something in the plan, under its own
/// heading, with what it does in the plan and its people with their numbers.
fn parties_section(p: &PlanPage) -> Markup {
    html! {
        section #parties {
            h2 { "4. The parties and their people" }
            p { "Every party that operates, carries or owns something in this plan, with the people this plan names and how to reach them." }
            @for party in &p.parties {
                div.party {
                    h3 { (party.head.name) " " span.small { "(" (party.head.role) @if !party.head.id.is_empty() { ", " code { (party.head.id) } } ")" } }
                    @if !party.does.is_empty() {
                        p { "In this plan: " @for (i, d) in party.does.iter().enumerate() { @if i > 0 { "; " } (d) } "." }
                    }
                    @if party.contacts.is_empty() {
                        p.stale { "⚠ No contact of this party is recorded: ask the emergency managers of client and provider how to reach it." }
                    } @else {
                        @if party.from_directory {
                            p.stale { "⚠ This plan names no contact of this party: these are its contacts from the contact directory." }
                        }
                        (people(party))
                    }
                }
            }
        }
    }
}

fn people(party: &PlanParty) -> Markup {
    html! {
        table.people {
            (head(&["Contact", "In this plan", "How to reach", "Deputy if there is no answer"]))
            tbody {
                @for pc in &party.contacts {
                    @let c = &pc.contact;
                    tr {
                        th scope="row" {
                            span.name { (c.name) } br; code { (c.id) }
                            @for r in c.roles.iter().take(1) { br; span.small { (r) } }
                            @if c.stale { br; span.stale { "⚠ STALE CONTACT" } }
                        }
                        td { @for (i, n) in pc.named_as.iter().enumerate() { @if i > 0 { br; } (n) } }
                        td { (channels(c)) }
                        td {
                            @match &c.deputy {
                                Some(d) => {
                                    span.name { (d.name) } " " span.small.nowrap { "(" (d.id) ")" }
                                    @for ch in now(d) { br; (ch.hours()) " " (ch.kind) " " span.nowrap { (channel_value(ch)) } }
                                    @if d.stale { br; span.stale { "⚠ STALE CONTACT" } }
                                }
                                None => "—",
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The heading over a scenario's contacts of one party: `Whom to call at the carrier: NordNetz
/// Telekom GmbH (nordnetz)`.
fn whom_heading(head: &PartyHead) -> Markup {
    html! {
        @if head.role == "unknown" {
            "Whom to call: " (head.name)
        } @else {
            "Whom to call at the " (head.role) ": " (head.name) " (" (head.id) ")"
        }
    }
}

fn scenarios_section(p: &PlanPage) -> Markup {
    html! {
        section #scenarios {
            h2 { "5. Scenarios" }
            @for (n, s) in p.scenarios.iter().enumerate() { (scenario_article(s, n + 1)) }
            @if p.scenarios.is_empty() { p.stale { "⚠ This plan has no scenarios." } }
        }
    }
}

/// One scenario: who may resolve it, the facts, how it is detected, whom to call at each
/// party, its forbidden actions and its steps as a checklist.
fn scenario_article(s: &ScenarioView, n: usize) -> Markup {
    html! {
        article.scenario id=(s.anchor) {
            h3 { "5." (n) " " (s.title) " " span.small { "(" code { (s.id) } ")" } }
            dl.scenario-facts {
                dt { "Who may resolve it" }
                dd {
                    @match s.resolver {
                        Some(r) => { strong { (resolver_words(r).0) } ": " (resolver_words(r).1) }
                        None => span.stale { "not stated: treat as joint, decide nothing alone" },
                    }
                }
                dt { "Cause" } dd { (s.cause.unwrap_or("not classified")) }
                dt { "Fault lies with" } dd { @if s.fault_in.is_empty() { "not stated" } @else { (s.fault_in.join(", ")) } }
                dt { "Affects others" } dd { @match s.affects_others { Some(a) => (if a { "yes: other applications or clients are affected" } else { "no" }), None => "not stated" } }
                @if s.failover { dt { "Failover" } dd { strong { "yes: this scenario switches to the standby" } } }
            }
            h4 { "How it is detected" }
            ul { @for d in &s.detect { li { (d) } } }
            @if s.detect.is_empty() { p { "No detection signal stated." } }
            @for (head, list) in &s.contacts {
                h4 { (whom_heading(head)) }
                div.cards {
                    @for c in list {
                        // a deputy who is on the list anyway is named in one line
                        @let listed = c.deputy.as_ref().is_some_and(|d| s.contacts.iter().flat_map(|(_, l)| l).any(|o| o.id == d.id));
                        (card_with(c, 0, !listed))
                    }
                }
            }
            @if !s.forbidden.is_empty() {
                div.forbidden-scenario {
                    p { span.noentry aria-hidden="true" {} strong { "FORBIDDEN in this scenario" } }
                    ul { @for f in &s.forbidden { li { "FORBIDDEN: " (f) } } }
                }
            }
            h4 { "Steps" }
            table.steps {
                (head(&["#", "Step", "Done", "Time"]))
                tbody {
                    @for (i, step) in s.steps.iter().enumerate() {
                        tr.step {
                            td.n { (i + 1) }
                            td { (step) }
                            td.tick { span.box role="img" aria-label="tick when done" {} }
                            td.time { span.blank {} }
                        }
                    }
                }
            }
            @if s.steps.is_empty() { p.stale { "⚠ No steps are written for this scenario." } }
        }
    }
}

fn backup_section(p: &PlanPage) -> Markup {
    html! {
        section #backup {
            h2 { "6. Backup and restore" }
            @match &p.backup {
                None => p.stale { "⚠ This plan has no backup regulation." },
                Some(b) => {
                    table {
                        tbody {
                            tr { th scope="row" { "Media" } td { (b.media.unwrap_or("not stated")) } }
                            tr { th scope="row" { "Schedule" } td {
                                @match &b.schedule {
                                    Some((every, at)) => { "every " (dur(*every)) @if let Some(a) = at { " at " (a) } }
                                    None => "not stated",
                                }
                            } }
                            tr { th scope="row" { "Retention" } td { (b.retention.map(dur).unwrap_or_else(|| "not stated".into())) } }
                            tr { th scope="row" { "Off-site copy" } td { @match b.offsite { Some(o) => (yes_no(o)), None => "not stated" } } }
                            tr { th scope="row" { "Malware protection" } td { @match &b.antivirus { Some(a) => (a), None => "not stated" } } }
                            tr { th scope="row" { "Restore test" } td {
                                (b.restore_test.map(|d| format!("every {}", dur(d))).unwrap_or_else(|| "not stated".into()))
                                @if let Some(l) = b.last_restore_test { "; last held " (l.to_string()) } @else { "; never held" }
                            } }
                        }
                    }
                    h3 { "Requesting a restore" }
                    @if b.restore_scenarios.is_empty() {
                        p { "No scenario of this plan describes a restore: agree the restore point and the target with the system's owner (section 3) and the backup deputy below, and record both in the ticket." }
                    } @else {
                        p { "A restore is requested and carried out as described in:" }
                        ul { @for (id, a, t) in &b.restore_scenarios { li { a href={ "#" (a) } { (t) } " (" code { (id) } ")" } } }
                    }
                    @if let Some(d) = &b.deputy {
                        h3 { "Backup deputy" }
                        (card(d, 0))
                    }
                    @if let Some((c, within)) = &b.on_failure {
                        h3 { "When a backup fails: escalate within " (dur(*within)) " to" }
                        (card(c, 0))
                    }
                }
            }
        }
    }
}

fn exercises_section(p: &PlanPage) -> Markup {
    html! {
        section #exercises {
            h2 { "7. Exercises" }
            @if p.exercises.is_empty() { p.stale { "⚠ No exercises are planned." } } @else {
                table {
                    (head(&["Exercise", "Every", "Joint", "Last held", "Next due"]))
                    tbody {
                        @for e in &p.exercises {
                            tr {
                                th scope="row" { (e.kind) }
                                td { (dur(e.every)) }
                                td { (yes_no(e.joint)) }
                                td { @match &e.last { Some((d, id, r)) => { (d.to_string()) " (" (r) ", " code { (id) } ")" } None => span.overdue { "NEVER HELD" } } }
                                td { @if e.overdue { span.overdue { "OVERDUE since " (e.next_due.to_string()) } } @else { (e.next_due.to_string()) } }
                            }
                        }
                    }
                }
            }
            h3 { "Open findings" }
            @if p.open_findings.is_empty() { p { "None." } } @else {
                table {
                    (head(&["Finding", "Owner", "Due", "From"]))
                    tbody {
                        @for f in &p.open_findings {
                            tr {
                                td { (f.text) }
                                td { (f.owner) }
                                td { @if f.overdue { span.overdue { "OVERDUE " (f.due.to_string()) } } @else { (f.due.to_string()) } }
                                td { code { (f.exercise) } }
                            }
                        }
                    }
                }
            }
            @if !p.records.is_empty() {
                h3 { "Exercise record" }
                table {
                    (head(&["Date", "Exercise", "Result", "Summary"]))
                    tbody {
                        @for r in &p.records {
                            tr {
                                th scope="row" { (r.date.to_string()) }
                                td { (r.kind) br; code { (r.id) } }
                                td { (r.result) }
                                td { @if let Some(s) = &r.summary { (s) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn manifest_section(p: &PlanPage) -> Markup {
    html! {
        section #manifest {
            h2 { "8. Sign-off manifest" }
            p {
                "Plan digest " span.digest { (p.digest) } ". "
                @if p.approved { "Approved: both parties signed this digest with keys recorded for the signers; every signature was verified when this handbook was generated." }
                @else { strong { "NOT APPROVED." } }
                @if let Some(pr) = &p.approval_problem { " " (pr) }
            }
            (manifest_table(&p.manifest, &p.digest))
            p.small { "Verify by hand: " code { "contingent digest " (p.id) } " prints the digest; " code { "contingent signoffs" } " the state of every plan." }
        }
    }
}

/// The index's warning: every plan with a banner, the plans that do not load, the errors.
fn attention(book: &Handbook) -> Markup {
    html! {
        @if book.plans.iter().any(|p| !p.banners.is_empty()) || !book.broken_plans.is_empty() || !book.repository_errors.is_empty() {
            div.banner role="alert" {
                p { span.icon aria-hidden="true" { "⚠ " } span.word { "ATTENTION" } }
                ul {
                    @for p in book.plans.iter().filter(|p| !p.banners.is_empty()) {
                        li { "Plan " a href=(p.file_name) { (p.id) } ": " @for (i, b) in p.banners.iter().enumerate() { @if i > 0 { ", " } (b.word) } }
                    }
                    @for id in &book.broken_plans { li { "Plan " code { (id) } ": CANNOT BE LOADED (run " code { "contingent check" } ")" } }
                    @if !book.repository_errors.is_empty() {
                        li { (book.repository_errors.len()) " errors in the repository (below): a plan may be missing from this handbook" }
                    }
                }
            }
        }
    }
}

/// The index's table: every plan with its state, digest, sign-offs and scenarios.
fn plans_table(book: &Handbook) -> Markup {
    html! {
        h2 { "Plans" }
        table {
            (head(&["Plan", "State", "Digest", "Client sign-off", "Provider sign-off", "Scenarios"]))
            tbody {
                @for p in &book.plans {
                    tr {
                        th scope="row" { a href=(p.file_name) { (p.title) } br; code { (p.id) } }
                        td {
                            @if p.approved { "approved" } @else { strong { "NOT APPROVED" } }
                            @for b in p.banners.iter().filter(|b| b.word != "NOT APPROVED") { br; strong { (b.word) } }
                            @if !p.stale_contacts.is_empty() { br; span.small { "stale: " @for (i, c) in p.stale_contacts.iter().enumerate() { @if i > 0 { ", " } (c) } } }
                        }
                        td { span.digest { (short(&p.digest)) } }
                        @for m in &p.manifest {
                            td {
                                (m.state.word())
                                @for s in &m.signed { br; (s.name) " (" (s.signer) ") " (s.date.to_string()) }
                            }
                        }
                        @if p.manifest.is_empty() { td { "—" } td { "—" } }
                        td { (p.scenarios.len()) }
                    }
                }
                @for id in &book.broken_plans {
                    tr {
                        th scope="row" { code { (id) } }
                        td { strong { "CANNOT BE LOADED" } br; "the plan has errors: run " code { "contingent check" } }
                        td { "—" } td { "—" } td { "—" } td { "—" }
                    }
                }
            }
        }
    }
}

fn index_page(book: &Handbook) -> Markup {
    let body = html! {
        h1 { "Emergency handbook" }
        p.subtitle { (book.title) }
        dl.proof {
            dt { "Generated from" } dd { (book.provenance.summary) }
            @if let Some(c) = &book.provenance.commit { dt { "Commit" } dd { span.digest { (c) } } }
            @if !book.provenance.modified.is_empty() {
                dt { "Uncommitted" } dd.stale { @for (i, m) in book.provenance.modified.iter().enumerate() { @if i > 0 { ", " } code { (m) } } }
            }
            dt { "As of" } dd { (book.as_of.to_string()) " (" (book.as_of_source) ")" }
            dt { "Sign-offs judged against" } dd { (book.judged_against) }
            dt { "Generator" } dd { "contingent " (book.version) }
        }
        (attention(book))
        (plans_table(book))
        @if !book.repository_errors.is_empty() {
            h2 { "Errors in the repository" }
            ul { @for e in &book.repository_errors { li { (e) } } }
        }
        h2 { "Other pages" }
        ul {
            li { a href="contacts.html" { "Contact directory" } ": every contact of every party with all channels, hours and deputies" }
        }
        h2 { "How to use this handbook" }
        ol {
            li { "Find the plan of the system concerned, read its forbidden actions first." }
            li { "Call along the escalation chain, level by level, within the times given." }
            li { "Pick the scenario, check who may resolve it, and work through its steps: tick each one and note the time." }
            li { "A page with a warning box is not approved or not current: tell the emergency managers of both parties." }
        }
    };
    let stamp = html! { "Index · " (provenance_line(book)) " · contingent " (book.version) };
    let text = format!("Emergency handbook, index · {} · contingent {}", provenance_text(book), book.version);
    layout(book, "Index", body, stamp, &text)
}

fn contacts_page(book: &Handbook) -> Markup {
    let body = html! {
        h1 { "Contact directory" }
        p.subtitle { (book.title) " · as of " (book.as_of.to_string()) }
        h2 { "Reachable around the clock" }
        table {
            (head(&["Contact", "Party", "24x7 channels"]))
            tbody {
                @for party in &book.parties {
                    @for e in party.entries.iter().filter(|e| e.contact.reachable_always()) {
                        tr {
                            th scope="row" {
                                (e.contact.name) " " span.small { "(" (e.contact.id) ")" }
                                @if e.contact.stale { br; span.stale { "⚠ STALE CONTACT" } }
                            }
                            td { (party.id) }
                            td { @for ch in e.contact.channels.iter().filter(|ch| ch.always) { (ch.kind) " " strong { (channel_value(ch)) } br; } }
                        }
                    }
                }
            }
        }
        @for party in &book.parties {
            section {
                h2 { (party.name) " " span.small { "(" (party.role) ", " code { (party.id) } ")" } }
                div.cards {
                    @for e in &party.entries {
                        div.entry {
                            (card_with(&e.contact, 3, false))
                            @if !e.relied_on_by.is_empty() {
                                p.small { "Named in: " @for (i, r) in e.relied_on_by.iter().enumerate() { @if i > 0 { "; " } (r) } }
                            }
                        }
                    }
                }
            }
        }
    };
    let stamp = html! { "Contact directory · " (provenance_line(book)) " · contingent " (book.version) };
    let text = format!("Contact directory · {} · contingent {}", provenance_text(book), book.version);
    layout(book, "Contact directory", body, stamp, &text)
}

/// Every page of the handbook: (file name, HTML).
pub fn render(book: &Handbook) -> Vec<(String, String)> {
    pages(book).collect()
}

/// Every page of the handbook, each rendered when it is taken: the index, one page per plan,
/// the contact directory. Whoever writes them holds one page at a time.
pub fn pages(book: &Handbook) -> impl Iterator<Item = (String, String)> + '_ {
    let index = std::iter::once_with(|| ("index.html".to_string(), index_page(book).into_string()));
    let plans = book.plans.iter().map(|p| (p.file_name.clone(), plan_page(book, p).into_string()));
    let contacts = std::iter::once_with(|| ("contacts.html".to_string(), contacts_page(book).into_string()));
    index.chain(plans).chain(contacts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn css_strings_cannot_end_early() {
        assert_eq!(css_string("Plan a-b · x"), "\"Plan a-b \\b7  x\"");
        let hostile = css_string("\"; } </style><script>x</script> \\ \n");
        assert!(!hostile[1..hostile.len() - 1].contains(['"', '<', '>', '\n', ';', '}']), "{hostile}");
        assert!(hostile.starts_with('"') && hostile.ends_with('"'));
    }
}
