//! `contingent lsp` driven over its standard input and output as an editor does: JSON-RPC
//! messages with `Content-Length` headers, on a copy of the example repository.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use common::{isolate, Repo};
use serde_json::{json, Value};

/// A deadline against a hung server; never a measure of speed.
const HANG: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next: i64,
    /// notifications received while waiting for something else
    pending: Vec<Value>,
    root: String,
}

impl Client {
    fn start(repo: &Repo) -> Client {
        let mut child = isolate(&mut Command::new(env!("CARGO_BIN_EXE_contingent")))
            .args(["lsp", "--as-of", "2026-11-01"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, rx) = channel();
        std::thread::spawn(move || loop {
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            if stdout.read_exact(&mut body).is_err() {
                return;
            }
            if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        });
        let root = format!("file://{}", repo.path().canonicalize().unwrap().display());
        let mut c = Client { child, stdin, messages: rx, next: 1, pending: Vec::new(), root };
        let init = c.request(
            "initialize",
            json!({"processId": null, "rootUri": c.root, "capabilities": {}, "workspaceFolders": [{"uri": c.root, "name": "plans"}]}),
        );
        assert_eq!(init["capabilities"]["definitionProvider"], true, "{init}");
        c.notify("initialized", json!({}));
        c
    }

    fn uri(&self, rel: &str) -> String {
        format!("{}/{rel}", self.root)
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn recv(&mut self) -> Value {
        self.messages.recv_timeout(HANG).expect("the server answers")
    }

    /// The whole response to a request (result or error).
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next;
        self.next += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.recv();
            if m["id"] == json!(id) {
                return m;
            }
            self.pending.push(m);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let r = self.call(method, params);
        assert!(r.get("error").is_none(), "{method}: {r}");
        r["result"].clone()
    }

    /// Waits for diagnostics of a file that satisfy `want`; returns them.
    fn diagnostics(&mut self, rel: &str, want: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let uri = self.uri(rel);
        let start = Instant::now();
        let mut i = 0;
        loop {
            while i < self.pending.len() {
                let m = &self.pending[i];
                i += 1;
                if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == json!(uri) {
                    let d = m["params"]["diagnostics"].as_array().unwrap().clone();
                    if want(&d) {
                        self.pending.drain(..i);
                        return d;
                    }
                }
            }
            assert!(start.elapsed() < HANG, "no diagnostics as wanted for {rel}: {:?}", self.pending);
            let m = self.recv();
            self.pending.push(m);
        }
    }

    fn open(&mut self, repo: &Repo, rel: &str) -> String {
        let text = repo.read(rel);
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "kdl", "version": 1, "text": text}}),
        );
        text
    }

    /// Replaces the text of `rel` (as `version`), then asks for completion `plus` characters
    /// after the start of `needle`.
    fn complete(&mut self, rel: &str, version: i64, text: &str, needle: &str, plus: usize) -> Value {
        self.change(rel, version, text);
        let uri = self.uri(rel);
        self.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": pos(text, needle, plus)}),
        )
    }

    fn change(&mut self, rel: &str, version: i64, text: &str) {
        let uri = self.uri(rel);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn finish(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "{status}");
                return;
            }
            assert!(start.elapsed() < HANG, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// The LSP position (UTF-16) of the first `needle` in `text`, plus `plus` characters.
fn pos(text: &str, needle: &str, plus: usize) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let line = text[..at].matches('\n').count();
    let col = text[..at].rsplit('\n').next().unwrap().encode_utf16().count() + plus;
    json!({"line": line, "character": col})
}

fn codes(d: &[Value]) -> Vec<String> {
    d.iter().map(|d| d["code"].as_str().unwrap_or_default().to_string()).collect()
}

#[test]
fn an_editor_session_on_the_example() {
    let repo = Repo::copy_of(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"));
    let mut c = Client::start(&repo);
    let plan = "plans/payroll.kdl";
    let text = c.open(&repo, plan);
    let payroll = c.uri(plan);

    // diagnostics as you type, with the fix the finding names
    let typo = text.replacen("notify=dirk.hansen", "notify=dirk.hanse", 1);
    c.change(plan, 2, &typo);
    let d = c.diagnostics(plan, |d| codes(d).contains(&"REF002".to_string()));
    let finding = d.iter().find(|d| d["code"] == "REF002").unwrap();
    assert!(finding["message"].as_str().unwrap().contains("dirk.hanse"), "{finding}");
    let actions = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": payroll}, "range": finding["range"], "context": {"diagnostics": [finding]}}),
    );
    let quick = actions.as_array().unwrap().iter().find(|a| a["kind"] == "quickfix").expect("a quick fix");
    let edit = &quick["edit"]["changes"][&payroll][0];
    assert_eq!(edit["newText"], "dirk.hansen", "{quick}");
    assert_eq!(edit["range"], finding["range"]);

    // the buffer fixed again: the finding goes
    c.change(plan, 3, &text);
    c.diagnostics(plan, |d| !codes(d).contains(&"REF002".to_string()));

    // go to definition and find references of a contact
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": payroll}, "position": pos(&text, "client=anna.schmidt", 8)}),
    );
    assert_eq!(def[0]["uri"], c.uri("contacts/hpb.kdl"), "{def}");
    let refs = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": payroll}, "position": pos(&text, "client=anna.schmidt", 8), "context": {"includeDeclaration": true}}),
    );
    let uris: Vec<&str> = refs.as_array().unwrap().iter().map(|r| r["uri"].as_str().unwrap()).collect();
    assert!(uris.contains(&c.uri("contacts/hpb.kdl").as_str()) && uris.len() > 3, "{refs}");
    // and of the pinned contract revision
    let def = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": payroll}, "position": pos(&text, "revision=3", 9)}),
    );
    assert_eq!(def[0]["uri"], c.uri("contracts/msa.kdl"), "{def}");

    // hover: the contact's card and the SLA terms of the pinned revision
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": payroll}, "position": pos(&text, "notify=dirk.hansen", 8)}),
    );
    let card = hover["contents"]["value"].as_str().unwrap();
    assert!(card.contains("Dirk Hansen") && card.contains("verified"), "{card}");
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": payroll}, "position": pos(&text, "contract msa", 10)}),
    );
    let terms = hover["contents"]["value"].as_str().unwrap();
    assert!(terms.contains("revision 3") && terms.contains("SLA `payroll-batch`"), "{terms}");

    // completion: client contacts only where the client's contact is asked for
    let partial = text.replacen("responsible client=anna.schmidt", "responsible client=an", 1);
    let items = c.complete(plan, 4, &partial, "client=an", 9);
    let labels = labels_of(&items);
    assert!(labels.contains(&"anna.schmidt"), "{labels:?}");
    assert!(labels.iter().all(|l| l.starts_with("an")), "{labels:?}");
    let provider = text.replacen("provider=dirk.hansen", "provider=", 1);
    let items = c.complete(plan, 5, &provider, "provider=", 9);
    let labels = labels_of(&items);
    assert!(labels.contains(&"dirk.hansen") && !labels.contains(&"anna.schmidt"), "{labels:?}");
    // node names and enumerated values from the schema
    let inside = text.replacen("    forbidden \"Reboot", "    sc\n    forbidden \"Reboot", 1);
    let items = c.complete(plan, 6, &inside, "    sc\n", 6);
    let labels = labels_of(&items);
    assert_eq!(labels, ["scenario"], "{items}");
    let cause = text.replacen("cause=technical", "cause=", 1);
    let items = c.complete(plan, 7, &cause, "cause=", 6);
    let labels = labels_of(&items);
    assert!(labels.contains(&"technical") && labels.contains(&"application"), "{labels:?}");
    // a list is not offered the ids it already holds
    let more = text.replacen(
        "covers payroll-clients payroll-batch mft-gateway",
        "covers payroll-clients payroll-batch mft-gateway ",
        1,
    );
    let items = c.complete(plan, 8, &more, "mft-gateway ", 12);
    let labels = labels_of(&items);
    assert!(labels.contains(&"payment-hub") && labels.contains(&"vpn-router"), "{labels:?}");
    assert!(!labels.iter().any(|l| ["payroll-clients", "payroll-batch", "mft-gateway"].contains(l)), "{labels:?}");
    // the revisions of the contract the node names, as numbers
    let pin = text.replacen("contract msa revision=3", "contract msa revision=", 1);
    let items = c.complete(plan, 9, &pin, "revision=", 9);
    let labels = labels_of(&items);
    assert!(labels.contains(&"3") && labels.iter().all(|l| l.parse::<u32>().is_ok()), "{items}");
    let three = items["items"].as_array().unwrap().iter().find(|i| i["label"] == "3").unwrap();
    assert_eq!(three["textEdit"]["newText"], "3", "{three}");

    // formatting goes through `fmt`
    let messy = text.replacen("    title ", "        title   ", 1);
    c.change(plan, 10, &messy);
    let edits = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": payroll}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(edits[0]["newText"].as_str().unwrap(), text, "{edits}");
    c.change(plan, 11, &text);

    // editing a contact updates the plans that rely on it
    let contacts = "contacts/hpb.kdl";
    let ctext = c.open(&repo, contacts);
    c.change(contacts, 2, &ctext.replacen("contact anna.schmidt {", "contact anna.schmitt {", 1));
    let d = c.diagnostics(plan, |d| d.iter().any(|d| d["message"].as_str().unwrap().contains("`anna.schmidt`")));
    assert!(codes(&d).contains(&"REF002".to_string()), "{d:?}");
    c.change(contacts, 3, &ctext);
    c.diagnostics(plan, |d| !codes(d).contains(&"REF002".to_string()));

    // crafted input: a URI outside the repository, a URI that is no URI, a huge buffer
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": "file:///etc/passwd.kdl", "languageId": "kdl", "version": 1, "text": "x"}}),
    );
    let r = c.call(
        "textDocument/hover",
        json!({"textDocument": {"uri": "::not a uri::"}, "position": {"line": 0, "character": 0}}),
    );
    assert!(r.get("error").is_some(), "{r}");
    let r = c.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": "file:///etc/passwd.kdl"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r, Value::Null);
    let huge = format!("{text}\n// {}\n", "x".repeat(3 << 20));
    c.change(plan, 12, &huge);
    let d =
        c.diagnostics(plan, |d| codes(d).contains(&"FILE003".to_string()) || codes(d).contains(&"FILE002".to_string()));
    assert!(!d.is_empty());
    c.change(plan, 13, &text);
    c.diagnostics(plan, |d| d.is_empty());
    c.finish();
}

/// The labels of a completion list.
fn labels_of(items: &Value) -> Vec<&str> {
    items["items"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect()
}

/// (code, line, message) of the diagnostics a server published, without the help it appends.
fn shown(d: &[Value]) -> Vec<(String, u64, String)> {
    let mut out: Vec<_> = d
        .iter()
        .map(|d| {
            let message = d["message"].as_str().unwrap();
            let message = message.split("\nhelp: ").next().unwrap().split("\nwaived: ").next().unwrap();
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap() + 1,
                message.to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// (code, line, message) of what `check` reports for one file of the repository as saved.
fn checked(repo: &Repo, rel: &str) -> Vec<(String, u64, String)> {
    let out = common::run_in(
        repo.path(),
        &["check", "--format", "json", "--as-of", "2026-11-01"],
        &[("CONTINGENT_ALLOW_UNSIGNED", "0")],
    );
    let v: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stderr));
    let mut found: Vec<_> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["location"]["file"].as_str().is_some_and(|f| f.ends_with(rel)))
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["location"]["start"]["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

/// For each file, the diagnostics last published for it before the answer to a request sent
/// now. The server handles messages in order and runs
/// the rules on the whole repository only once the editor is quiet: what comes before the
/// answer is what it published at once for the edits sent before.
fn published_at_once(c: &mut Client, files: &[&str]) -> Vec<Vec<Value>> {
    let rel = files[0];
    c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": c.uri(rel)}, "position": {"line": 0, "character": 0}}),
    );
    let pending = std::mem::take(&mut c.pending);
    files
        .iter()
        .map(|rel| {
            let uri = json!(c.uri(rel));
            let last = pending
                .iter()
                .rev()
                .find(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri)
                .unwrap_or_else(|| panic!("nothing published for {rel}"));
            last["params"]["diagnostics"].as_array().unwrap().clone()
        })
        .collect()
}

/// What the server publishes at once after a keystroke, from the rules run on the part of the
/// repository the edit can affect, is what `check` reports once the edit is saved: for the
/// edited file, the plans that rely on what it defines and their exercise and sign-off records.
#[test]
fn findings_as_you_type_are_the_findings_of_check() {
    let repo = Repo::copy_of(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans"));
    let mut c = Client::start(&repo);
    let plan = "plans/payroll.kdl";
    let text = c.open(&repo, plan);
    let clean = checked(&repo, plan);
    assert!(clean.is_empty(), "the example checks clean: {clean:?}");

    // a plan: a misspelled contact, with its did-you-mean
    let typo = text.replacen("notify=dirk.hansen", "notify=dirk.hanse", 1);
    c.change(plan, 2, &typo);
    let d = published_at_once(&mut c, &[plan]).remove(0);
    assert!(codes(&d).contains(&"REF002".to_string()), "{d:?}");
    repo.write(plan, &typo);
    assert_eq!(shown(&d), checked(&repo, plan));
    c.change(plan, 3, &text);
    c.diagnostics(plan, |d| !codes(d).contains(&"REF002".to_string()));
    repo.write(plan, &text);

    // a contact moved to the provider's party, its id unchanged: the plans naming it as the
    // client's contact, their sign-offs (the context they bind changed) and the exercise record
    // whose participants no longer include the client are judged again at once
    let contacts = "contacts/hpb.kdl";
    let ctext = c.open(&repo, contacts);
    let moved = ctext.replacen("contact anna.schmidt {\n    party hpb", "contact anna.schmidt {\n    party rzn", 1);
    assert_ne!(moved, ctext);
    c.change(contacts, 2, &moved);
    let records = "exercises/payroll.kdl";
    let backup = "plans/backup-restore.kdl";
    let wanted = [(plan, "COV002"), (records, "EXR003"), (contacts, "ESC006"), (backup, "SIG019")];
    let files: Vec<&str> = wanted.iter().map(|(rel, _)| *rel).collect();
    let got = published_at_once(&mut c, &files);
    repo.write(contacts, &moved);
    for ((rel, code), d) in wanted.iter().zip(&got) {
        assert!(codes(d).contains(&code.to_string()), "{rel}: {code} not in {d:?}");
        assert_eq!(shown(d), checked(&repo, rel), "{rel}");
    }

    // and back
    c.change(contacts, 3, &ctext);
    let got = published_at_once(&mut c, &files);
    repo.write(contacts, &ctext);
    for (rel, d) in files.iter().zip(&got) {
        assert_eq!(shown(d), checked(&repo, rel), "{rel}");
    }
    c.finish();
}
