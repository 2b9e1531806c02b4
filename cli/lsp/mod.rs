//! `contingent lsp`: the language server, over standard input and output, on rust-analyzer's
//! `lsp-server` scaffold with the `lsp-types` protocol types.
//!
//! The server keeps the repository loaded ([`crate::load::Live`]) with the editor's unsaved
//! buffers in place of the files on disk. A change reloads only the changed file and runs the
//! rules on the part of the model it can affect: a plan file with the contacts, systems,
//! contracts and parties it may name and the exercise and sign-off records of its plans; a file
//! of contacts, systems, contracts, exercises or sign-offs with the plans that name its ids. The
//! plans come from an index of the files each id occurs in, and the objects they need are moved
//! out of the model and back one by one, so a keystroke costs what it checks, not what the
//! repository holds. The findings of those files are published at once. When the editor has been quiet for a moment
//! (`idle`), every rule runs on the whole model and every file's findings are published, so
//! findings that span the repository (an id defined twice, a system no plan covers) follow too.
//! A change of `contingent.kdl`, or of a file the loader did not list, loads everything again.

mod complete;
mod symbols;
mod text;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lt;
use serde_json::{json, Value};

use crate::diagnostic::{Applicability, Diagnostic, FileId, Severity, Span};
use crate::fix::Patched;
use crate::format::Kind;
use crate::load::Live;
use crate::rules::xref;
use crate::source::{Read, Source};
use symbols::{Ns, Symbols};
use text::Encoding;

/// How long the editor must be quiet before every rule runs on the whole repository.
const IDLE: Duration = Duration::from_millis(400);

/// The folder holding `contingent.kdl`: `start` or the nearest folder above it.
fn find_root(start: &std::path::Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .find(|d| d.join(crate::load::CONFIG_FILE).symlink_metadata().is_ok_and(|m| !m.is_dir()))
        .map(std::path::Path::to_path_buf)
}

/// Runs the server until the editor ends it. `path`: a folder inside the plan repository (else
/// the editor's workspace folder); `as_of`: the check date given on the command line.
pub fn run(path: Option<PathBuf>, as_of: Option<String>) -> Result<u8, String> {
    let (connection, io) = Connection::stdio();
    let (id, params) = connection.initialize_start().map_err(|e| format!("the editor did not initialise: {e}"))?;
    let init: lt::InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let enc = encoding(&init);
    let folder = path.or_else(|| workspace_folder(&init));
    let root = folder.as_deref().and_then(find_root);
    let capabilities = json!({
        "positionEncoding": if enc == Encoding::Utf8 { "utf-8" } else { "utf-16" },
        "textDocumentSync": {"openClose": true, "change": 2, "save": {"includeText": false}},
        "definitionProvider": true,
        "referencesProvider": true,
        "hoverProvider": true,
        "completionProvider": {"triggerCharacters": ["=", " "]},
        "codeActionProvider": {"codeActionKinds": ["quickfix", "source.fixAll"]},
        "documentFormattingProvider": true,
    });
    let result = json!({
        "capabilities": capabilities,
        "serverInfo": {"name": "contingent", "version": env!("CARGO_PKG_VERSION")},
    });
    connection.initialize_finish(id, result).map_err(|e| format!("the editor did not initialise: {e}"))?;
    let Some(root) = root else {
        show(
            &connection,
            lt::MessageType::WARNING,
            "contingent: no contingent.kdl in the workspace folder or above it; the language server waits for a plan repository",
        );
        idle_until_exit(&connection)?;
        drop(connection);
        let _ = io.join();
        return Ok(crate::exit::CLEAN);
    };
    let mut server = Server::new(connection, root, enc, as_of)?;
    server.loaded();
    let outcome = server.main_loop();
    drop(server);
    let _ = io.join();
    outcome
}

fn encoding(init: &lt::InitializeParams) -> Encoding {
    let offered = init.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|o| o.iter().any(|e| e.as_str() == "utf-8")) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

#[allow(deprecated)]
fn workspace_folder(init: &lt::InitializeParams) -> Option<PathBuf> {
    let uri = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.as_str().to_string())
        .or_else(|| init.root_uri.as_ref().map(|u| u.as_str().to_string()))?;
    text::uri_path(&uri)
}

/// With `CONTINGENT_LSP_TRACE` set, what each change cost, on standard error (which editors
/// show as the server's log).
fn trace(what: impl FnOnce() -> String) {
    if std::env::var_os("CONTINGENT_LSP_TRACE").is_some() {
        eprintln!("contingent lsp: {}", what());
    }
}

fn show(conn: &Connection, typ: lt::MessageType, message: &str) {
    let params = lt::ShowMessageParams { typ, message: message.to_string() };
    let _ = conn.sender.send(Message::Notification(Notification::new("window/showMessage".into(), params)));
}

/// Without a repository: answer requests with nothing until the editor says goodbye.
fn idle_until_exit(conn: &Connection) -> Result<(), String> {
    for msg in &conn.receiver {
        match msg {
            Message::Request(req) => {
                if conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                let _ = conn.sender.send(Message::Response(Response::new_ok(req.id, Value::Null)));
            }
            Message::Notification(n) if n.method == "exit" => return Ok(()),
            _ => {}
        }
    }
    Ok(())
}

struct Server {
    conn: Connection,
    root: PathBuf,
    tree: crate::source::worktree::WorkTree,
    enc: Encoding,
    as_of: Option<String>,
    ctx: crate::check::Context,
    /// unsaved buffers by repository-relative path
    buffers: BTreeMap<String, String>,
    live: Live,
    symbols: Symbols,
    /// the files each id occurs in, kept in step with `symbols`
    index: symbols::Index,
    /// the findings last published, by repository-relative path (with their fixes, for code
    /// actions and hover)
    published: HashMap<String, Vec<Diagnostic>>,
    /// the protocol's form of what was last published, to send only what changed
    sent: HashMap<String, Vec<lt::Diagnostic>>,
    /// a change happened since the whole repository was last checked
    stale: bool,
    /// where each file's LSP lines start, computed on first use after a change
    starts: std::cell::RefCell<HashMap<FileId, std::rc::Rc<Vec<usize>>>>,
}

impl Server {
    fn new(conn: Connection, root: PathBuf, enc: Encoding, as_of: Option<String>) -> Result<Server, String> {
        let tree = crate::source::worktree::WorkTree::new(&root)
            .map_err(|e| format!("cannot read {}: {e}", root.display()))?;
        let clock = crate::clock::for_source(as_of.as_deref(), &tree)?;
        let started = std::time::Instant::now();
        let live = Live::new(&Patched::new(&tree, &BTreeMap::new()));
        trace(|| format!("{} files loaded in {:?}", live.files.len(), started.elapsed()));
        Ok(Server {
            conn,
            root,
            tree,
            enc,
            as_of,
            ctx: crate::check::Context { as_of: clock.today, staged: false, allow_unsigned: false },
            buffers: BTreeMap::new(),
            live,
            symbols: Symbols::new(),
            index: symbols::Index::default(),
            published: HashMap::new(),
            sent: HashMap::new(),
            stale: false,
            starts: Default::default(),
        })
    }

    fn main_loop(&mut self) -> Result<u8, String> {
        loop {
            let msg = if self.stale {
                match self.conn.receiver.recv_timeout(IDLE) {
                    Ok(m) => m,
                    Err(crossbeam_timeout) if crossbeam_timeout.is_timeout() => {
                        self.check_everything();
                        continue;
                    }
                    Err(_) => return Ok(crate::exit::CLEAN),
                }
            } else {
                match self.conn.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return Ok(crate::exit::CLEAN),
                }
            };
            match msg {
                Message::Request(req) => {
                    if self.conn.handle_shutdown(&req).map_err(|e| e.to_string())? {
                        return Ok(crate::exit::CLEAN);
                    }
                    let id = req.id.clone();
                    let method = req.method.clone();
                    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.request(req)));
                    let response = match answer {
                        Ok(Ok(v)) => Response::new_ok(id, v),
                        Ok(Err((code, message))) => Response::new_err(id, code as i32, message),
                        Err(_) => {
                            self.full_reload();
                            Response::new_err(id, ErrorCode::InternalError as i32, format!("{method} failed"))
                        }
                    };
                    let _ = self.conn.sender.send(Message::Response(response));
                }
                Message::Notification(n) => {
                    if n.method == "exit" {
                        return Ok(crate::exit::CLEAN);
                    }
                    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.notification(n)));
                    if done.is_err() {
                        self.full_reload();
                    }
                }
                Message::Response(_) => {}
            }
        }
    }

    // --- files and diagnostics

    fn uri(&self, rel: &str) -> String {
        text::path_uri(&self.root.join(rel))
    }

    fn relative(&self, uri: &str) -> Option<String> {
        text::relative(&self.root, uri)
    }

    /// Loads everything again (with the buffers) and checks it.
    fn full_reload(&mut self) {
        let patched = Patched::new(&self.tree, &self.buffers);
        if let Ok(clock) = crate::clock::for_source(self.as_of.as_deref(), &patched) {
            self.ctx.as_of = clock.today;
        }
        self.live = Live::new(&patched);
        self.loaded();
    }

    /// After everything was loaded: the index of ids built again and every rule run.
    fn loaded(&mut self) {
        let started = std::time::Instant::now();
        self.starts.borrow_mut().clear();
        self.symbols = symbols::collect(&self.live.model, None);
        self.index = symbols::Index::new(&self.symbols);
        let indexed = started.elapsed();
        self.check_everything();
        trace(|| format!("ids indexed in {indexed:?}, every rule run and published in {:?}", started.elapsed()));
    }

    /// Every rule on the whole model; every file's findings published.
    fn check_everything(&mut self) {
        let diags = crate::check::rules(
            &self.live.model,
            &self.live.broken,
            &self.live.files,
            self.live.diagnostics(),
            &self.ctx,
            None,
        );
        let mut by_path: HashMap<String, Vec<Diagnostic>> = HashMap::new();
        for d in diags {
            let path = match d.location {
                Some(l) => self.live.files.get(l.file).path.clone(),
                None => crate::load::CONFIG_FILE.to_string(),
            };
            by_path.entry(path).or_default().push(d);
        }
        let mut paths: HashSet<String> = self.published.keys().cloned().collect();
        paths.extend(by_path.keys().cloned());
        for path in paths {
            let diags = by_path.remove(&path).unwrap_or_default();
            self.publish(&path, diags);
        }
        self.stale = false;
    }

    fn publish(&mut self, path: &str, diags: Vec<Diagnostic>) {
        let file = self.live.file_id(path).or_else(|| self.any_file(path));
        let converted: Vec<lt::Diagnostic> = diags.iter().map(|d| self.to_lsp(file, d)).collect();
        if self.sent.get(path).is_some_and(|s| *s == converted) {
            self.published.insert(path.to_string(), diags);
            return;
        }
        let params = json!({"uri": self.uri(path), "diagnostics": converted});
        let _ = self
            .conn
            .sender
            .send(Message::Notification(Notification::new("textDocument/publishDiagnostics".into(), params)));
        if converted.is_empty() {
            self.sent.remove(path);
            self.published.remove(path);
        } else {
            self.sent.insert(path.to_string(), converted);
            self.published.insert(path.to_string(), diags);
        }
    }

    /// A file of the run by path, listed or not (the configuration, a skipped entry).
    fn any_file(&self, path: &str) -> Option<FileId> {
        (0..self.live.files.len()).map(|i| FileId(i as u32)).find(|&f| self.live.files.get(f).path == path)
    }

    fn range(&self, file: FileId, span: Span) -> lt::Range {
        let f = self.live.files.get(file);
        let starts = self.starts.borrow_mut().entry(file).or_insert_with(|| text::line_starts(&f.text).into()).clone();
        text::range(&f.text, &starts, span, self.enc)
    }

    fn to_lsp(&self, file: Option<FileId>, d: &Diagnostic) -> lt::Diagnostic {
        let range = match (d.location, file) {
            (Some(l), _) => self.range(l.file, l.span),
            _ => lt::Range::default(),
        };
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        if let Some(w) = &d.waived {
            message.push_str(&format!("\nwaived: {} (approved by {}, until {})", w.reason, w.approved_by, w.expires));
        }
        let related: Vec<lt::DiagnosticRelatedInformation> = d
            .labels
            .iter()
            .filter_map(|l| {
                let uri = self.uri(&self.live.files.get(l.location.file).path).parse().ok()?;
                Some(lt::DiagnosticRelatedInformation {
                    location: lt::Location { uri, range: self.range(l.location.file, l.location.span) },
                    message: l.message.clone(),
                })
            })
            .collect();
        lt::Diagnostic {
            range,
            severity: Some(match (d.severity, d.counts()) {
                (_, false) => lt::DiagnosticSeverity::HINT,
                (Severity::Error, _) => lt::DiagnosticSeverity::ERROR,
                (Severity::Warning, _) => lt::DiagnosticSeverity::WARNING,
                (Severity::Note, _) => lt::DiagnosticSeverity::INFORMATION,
            }),
            code: Some(lt::NumberOrString::String(d.rule.code.to_string())),
            code_description: None,
            source: Some("contingent".into()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        }
    }

    /// A buffer's new text: the file alone is loaded again, and the rules run on what depends
    /// on it.
    fn changed(&mut self, rel: &str) {
        let text = self.buffers.get(rel).cloned().unwrap_or_default();
        let started = std::time::Instant::now();
        if rel == crate::load::CONFIG_FILE || !self.live.update(rel, text) {
            self.full_reload();
            return;
        }
        let loaded = started.elapsed();
        let file = self.live.file_id(rel).expect("updated files are listed");
        self.starts.borrow_mut().remove(&file);
        let old = self.symbols.remove(&file).unwrap_or_default();
        self.index.remove(file, &old);
        let new = symbols::collect(&self.live.model, Some(file)).remove(&file).unwrap_or_default();
        let mut defined: HashSet<(Ns, String)> = old.into_iter().filter(|s| s.def).map(|s| (s.ns, s.id)).collect();
        defined.extend(new.iter().filter(|s| s.def).map(|s| (s.ns.clone(), s.id.clone())));
        self.index.add(file, &new);
        if !new.is_empty() {
            self.symbols.insert(file, new);
        }
        self.check_focused(file, &defined);
        trace(|| format!("{rel}: loaded again in {loaded:?}, checked and published in {:?}", started.elapsed()));
        self.stale = true;
    }

    /// The plans an edit of `file` can change the findings of: the plans it defines, the plans
    /// its records name, and the plans naming an id it defines (now or before the edit); then
    /// every plan named in a file where one of those is named (its file, its exercise and
    /// sign-off records), so that each of those files is checked whole. Returns the plans and
    /// those files. The files come from the index of ids, never from a walk over every file.
    fn focus(&self, file: FileId, defined: &HashSet<(Ns, String)>) -> (HashSet<String>, HashSet<FileId>) {
        let mut plans: HashSet<String> =
            defined.iter().filter(|(ns, _)| *ns == Ns::Id(xref::Ns::Plan)).map(|(_, id)| id.clone()).collect();
        if let Some(syms) = self.symbols.get(&file) {
            plans.extend(syms.iter().filter(|s| s.ns == Ns::Id(xref::Ns::Plan)).map(|s| s.id.clone()));
        }
        for (ns, id) in defined.iter().filter(|(ns, _)| *ns != Ns::Id(xref::Ns::Plan)) {
            for f in self.index.of(ns, id).filter(|f| *f != file) {
                let Some(syms) = self.symbols.get(&f) else { continue };
                if syms.iter().any(|s| !s.def && s.ns == *ns && s.id == *id) {
                    // every plan of that file
                    plans.extend(syms.iter().filter(|s| s.def && s.ns == Ns::Id(xref::Ns::Plan)).map(|s| s.id.clone()));
                }
            }
        }
        let mut files: HashSet<FileId> = HashSet::from([file]);
        let mut todo: Vec<String> = plans.iter().cloned().collect();
        while let Some(id) = todo.pop() {
            for f in self.index.of(&Ns::Id(xref::Ns::Plan), &id) {
                if !files.insert(f) {
                    continue;
                }
                for s in self.symbols.get(&f).into_iter().flatten().filter(|s| s.ns == Ns::Id(xref::Ns::Plan)) {
                    if plans.insert(s.id.clone()) {
                        todo.push(s.id.clone());
                    }
                }
            }
        }
        (plans, files)
    }

    /// The rules on the model with only the focused plans and their records; the findings of
    /// the changed file and of the focused plans' files and records are published.
    fn check_focused(&mut self, file: FileId, defined: &HashSet<(Ns, String)>) {
        let started = std::time::Instant::now();
        let (plans, files) = self.focus(file, defined);
        let model = &mut self.live.model;
        // the inventory and contracts the focused plans name, with what those depend on: the
        // rules judge every system and contract they are given (a system no plan covers is a
        // finding), and the findings of the others are not published from this run
        let moved = Focus::new(model, &self.index, &plans, file).take(model);
        let took = started.elapsed();
        let loaded: Vec<Diagnostic> = self
            .live
            .diagnostics_of(&files.iter().copied().collect::<Vec<_>>())
            .into_iter()
            .chain(self.live.global_diagnostics().iter().cloned())
            .collect();
        let ruled = std::time::Instant::now();
        let diags = crate::check::rules(&self.live.model, &self.live.broken, &self.live.files, loaded, &self.ctx, None);
        let ruled = ruled.elapsed();
        let back = std::time::Instant::now();
        moved.put_back(&mut self.live.model);
        trace(|| {
            format!(
                "rules on {} plans: {} findings in {ruled:?} (focus and objects moved out in {took:?}, back in {:?})",
                plans.len(),
                diags.len(),
                back.elapsed()
            )
        });
        let mut by_path: HashMap<String, Vec<Diagnostic>> =
            files.iter().map(|f| (self.live.files.get(*f).path.clone(), Vec::new())).collect();
        for d in diags {
            let Some(l) = d.location.filter(|l| files.contains(&l.file)) else { continue };
            by_path.entry(self.live.files.get(l.file).path.clone()).or_default().push(d);
        }
        for (path, diags) in by_path {
            self.publish(&path, diags);
        }
    }

    // --- notifications

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                let Ok(p) = serde_json::from_value::<lt::DidOpenTextDocumentParams>(n.params) else { return };
                let Some(rel) = self.relative(p.text_document.uri.as_str()) else { return };
                let same = self.live.file_id(&rel).is_some_and(|f| self.live.files.get(f).text == p.text_document.text);
                self.buffers.insert(rel.clone(), p.text_document.text);
                if !same {
                    self.changed(&rel);
                }
            }
            "textDocument/didChange" => {
                let Ok(p) = serde_json::from_value::<lt::DidChangeTextDocumentParams>(n.params) else { return };
                let Some(rel) = self.relative(p.text_document.uri.as_str()) else { return };
                let Some(mut text) = self.buffers.get(&rel).cloned() else { return };
                for change in p.content_changes {
                    match change.range {
                        None => text = change.text,
                        Some(r) => {
                            let starts = text::line_starts(&text);
                            let a = text::offset(&text, &starts, r.start, self.enc);
                            let b = text::offset(&text, &starts, r.end, self.enc).max(a);
                            text.replace_range(a..b, &change.text);
                        }
                    }
                }
                self.buffers.insert(rel.clone(), text);
                self.changed(&rel);
            }
            "textDocument/didClose" => {
                let Ok(p) = serde_json::from_value::<lt::DidCloseTextDocumentParams>(n.params) else { return };
                let Some(rel) = self.relative(p.text_document.uri.as_str()) else { return };
                if self.buffers.remove(&rel).is_some() {
                    // the file is what is on disk again (or gone)
                    let limit = self
                        .live
                        .model
                        .config
                        .as_ref()
                        .map_or(crate::model::Limits::default().max_file_size, |c| c.limits.max_file_size);
                    let on_disk = match self.tree.read(&rel, limit) {
                        Read::Bytes(b) => String::from_utf8(b).ok(),
                        _ => None,
                    };
                    match on_disk {
                        Some(t) if self.live.file_id(&rel).is_some() => {
                            self.buffers.insert(rel.clone(), t);
                            self.changed(&rel);
                            self.buffers.remove(&rel);
                        }
                        _ => self.full_reload(),
                    }
                }
            }
            // files changed on disk that have no buffer (a `git checkout`, a save elsewhere)
            "workspace/didChangeWatchedFiles" => self.full_reload(),
            _ => {}
        }
    }

    // --- requests

    fn request(&mut self, req: Request) -> Result<Value, (ErrorCode, String)> {
        let bad = |e: serde_json::Error| (ErrorCode::InvalidParams, e.to_string());
        match req.method.as_str() {
            "textDocument/definition" => {
                let p: lt::GotoDefinitionParams = serde_json::from_value(req.params).map_err(bad)?;
                Ok(self.definition(&p.text_document_position_params))
            }
            "textDocument/references" => {
                let p: lt::ReferenceParams = serde_json::from_value(req.params).map_err(bad)?;
                Ok(self.references(&p.text_document_position, p.context.include_declaration))
            }
            "textDocument/hover" => {
                let p: lt::HoverParams = serde_json::from_value(req.params).map_err(bad)?;
                Ok(self.hover(&p.text_document_position_params))
            }
            "textDocument/completion" => {
                let p: lt::CompletionParams = serde_json::from_value(req.params).map_err(bad)?;
                Ok(self.completion(&p.text_document_position))
            }
            "textDocument/codeAction" => {
                let p: lt::CodeActionParams = serde_json::from_value(req.params).map_err(bad)?;
                Ok(self.code_actions(&p))
            }
            "textDocument/formatting" => {
                let p: lt::DocumentFormattingParams = serde_json::from_value(req.params).map_err(bad)?;
                Ok(self.formatting(p.text_document.uri.as_str()))
            }
            other => Err((ErrorCode::MethodNotFound, format!("contingent does not answer {other}"))),
        }
    }

    /// The file and byte offset of a position in a document of the repository.
    fn at(&self, p: &lt::TextDocumentPositionParams) -> Option<(FileId, usize)> {
        let rel = self.relative(p.text_document.uri.as_str())?;
        let file = self.live.file_id(&rel).or_else(|| self.any_file(&rel))?;
        let t = &self.live.files.get(file).text;
        Some((file, text::offset(t, &text::line_starts(t), p.position, self.enc)))
    }

    fn location(&self, file: FileId, span: Span) -> Value {
        json!({"uri": self.uri(&self.live.files.get(file).path), "range": self.range(file, span)})
    }

    fn definition(&self, p: &lt::TextDocumentPositionParams) -> Value {
        let Some((file, offset)) = self.at(p) else { return Value::Null };
        let Some(sym) = symbols::at(&self.symbols, file, offset as u32) else { return Value::Null };
        let defs: Vec<Value> = symbols::occurrences(&self.symbols, &self.index, &sym.ns, &sym.id)
            .into_iter()
            .filter(|(_, s)| s.def)
            .map(|(f, s)| self.location(f, s.span))
            .collect();
        if defs.is_empty() {
            Value::Null
        } else {
            Value::Array(defs)
        }
    }

    fn references(&self, p: &lt::TextDocumentPositionParams, declaration: bool) -> Value {
        let Some((file, offset)) = self.at(p) else { return Value::Null };
        let Some(sym) = symbols::at(&self.symbols, file, offset as u32) else { return Value::Null };
        Value::Array(
            symbols::occurrences(&self.symbols, &self.index, &sym.ns, &sym.id)
                .into_iter()
                .filter(|(_, s)| declaration || !s.def)
                .map(|(f, s)| self.location(f, s.span))
                .collect(),
        )
    }

    fn hover(&self, p: &lt::TextDocumentPositionParams) -> Value {
        let Some((file, offset)) = self.at(p) else { return Value::Null };
        let mut parts: Vec<String> = Vec::new();
        let mut span = None;
        if let Some(sym) = symbols::at(&self.symbols, file, offset as u32) {
            if let Some(card) = hover::card(&self.live.model, &sym.ns, &sym.id, file) {
                parts.push(card);
                span = Some(sym.span);
            }
        }
        let path = &self.live.files.get(file).path;
        for d in self.published.get(path).into_iter().flatten() {
            let Some(l) = d.location.filter(|l| l.file == file) else { continue };
            if l.span.start as usize <= offset && offset <= l.span.end.max(l.span.start + 1) as usize {
                parts.push(hover::explain(d.rule));
                span.get_or_insert(l.span);
            }
        }
        if parts.is_empty() {
            return Value::Null;
        }
        let mut out = json!({"contents": {"kind": "markdown", "value": parts.join("\n\n---\n\n")}});
        if let Some(s) = span {
            out["range"] = json!(self.range(file, s));
        }
        out
    }

    fn completion(&self, p: &lt::TextDocumentPositionParams) -> Value {
        let Some(rel) = self.relative(p.text_document.uri.as_str()) else { return Value::Null };
        let Some(file) = self.live.file_id(&rel).or_else(|| self.any_file(&rel)) else { return Value::Null };
        let t = &self.live.files.get(file).text;
        let starts = text::line_starts(t);
        let offset = text::offset(t, &starts, p.position, self.enc);
        let place = complete::place(t, offset);
        let config = rel == crate::load::CONFIG_FILE;
        let replace = self.range(file, Span::new(place.word_start, offset));
        let typed = &t[place.word_start..offset];
        let mut items: Vec<Value> = Vec::new();
        let mut item = |label: String, kind: lt::CompletionItemKind, detail: String, insert: String| {
            if label.starts_with(typed) || typed.is_empty() {
                items.push(json!({
                    "label": label, "kind": kind, "detail": detail,
                    "textEdit": {"range": replace, "newText": insert},
                }));
            }
        };
        if place.slot == complete::Slot::NodeName && place.path.is_empty() && !config {
            for k in Kind::ALL.iter().filter_map(|k| k.node_name()) {
                item(k.to_string(), lt::CompletionItemKind::CLASS, format!("a {k}"), k.to_string());
            }
            return json!({"isIncomplete": false, "items": items});
        }
        let Some((kind, root)) = complete::root_shape(config, &place.path) else { return Value::Null };
        let Some(parent) = complete::object_at(config, root, &place.path) else { return Value::Null };
        use crate::validate::shape::Shape;
        match &place.slot {
            complete::Slot::NodeName => {
                for (name, shape) in &parent.props {
                    if parent.args.contains(name) {
                        continue;
                    }
                    let k = match shape {
                        Shape::Object(_) | Shape::ObjectList(_) => lt::CompletionItemKind::MODULE,
                        _ => lt::CompletionItemKind::PROPERTY,
                    };
                    item(name.clone(), k, shape.description().to_string(), name.clone());
                }
            }
            slot => {
                if let complete::Slot::Arg { node, .. } = slot {
                    if let Some(Shape::Object(o) | Shape::ObjectList(o)) = parent.prop(node) {
                        for (name, shape) in &o.props {
                            if !o.args.contains(name) && matches!(shape, Shape::Scalar(_) | Shape::ScalarList(_)) {
                                item(
                                    format!("{name}="),
                                    lt::CompletionItemKind::PROPERTY,
                                    shape.description().to_string(),
                                    format!("{name}="),
                                );
                            }
                        }
                    }
                }
                let Some((field, extra, shape)) = complete::field(parent, slot) else {
                    return json!({"isIncomplete": false, "items": items});
                };
                let mut path = place.path.clone();
                path.extend(extra);
                if let Some((ns, side)) = complete::reference(kind, &path, &field, &place.written) {
                    // a list is not offered what it already holds
                    let listed: &[String] =
                        if matches!(shape, Some(Shape::ScalarList(_))) { &place.written } else { &[] };
                    for (id, detail) in self.ids(&ns, side).into_iter().filter(|(id, _)| !listed.contains(id)) {
                        // a revision is a number, written as one
                        let insert =
                            if matches!(ns, Ns::Revision(_)) { id.clone() } else { crate::diagnostic::kdl_word(&id) };
                        item(id, lt::CompletionItemKind::REFERENCE, detail, insert);
                    }
                } else if let Some(Shape::Scalar(leaf) | Shape::ScalarList(leaf)) = shape {
                    for v in &leaf.allowed {
                        item(
                            v.clone(),
                            lt::CompletionItemKind::ENUM_MEMBER,
                            leaf.description.clone(),
                            crate::diagnostic::kdl_word(v),
                        );
                    }
                    if leaf.ty == crate::validate::shape::LeafType::Boolean {
                        for v in ["#true", "#false"] {
                            item(v.into(), lt::CompletionItemKind::KEYWORD, leaf.description.clone(), v.into());
                        }
                    }
                }
            }
        }
        json!({"isIncomplete": false, "items": items})
    }

    /// The defined ids of a kind, with a short description; contacts only of the party with the
    /// role the place asks for.
    fn ids(&self, ns: &Ns, side: Option<complete::Side>) -> Vec<(String, String)> {
        let model = &self.live.model;
        let role_of = |party: &str| {
            model.config.as_ref().and_then(|c| c.party.iter().find(|p| p.id.value == party)).map(|p| *p.role)
        };
        let mut out: Vec<(String, String)> = match ns {
            Ns::Id(xref::Ns::Contact) => model
                .contacts
                .iter()
                .filter(|c| match side {
                    None => true,
                    Some(s) => {
                        use crate::model::PartyRole;
                        let role = role_of(&c.party.value);
                        match s {
                            complete::Side::Client => role == Some(PartyRole::Client),
                            complete::Side::Provider => role == Some(PartyRole::Provider),
                            complete::Side::Carrier => role == Some(PartyRole::Carrier),
                        }
                    }
                })
                .map(|c| (c.id.value.clone(), format!("{} ({})", c.name, c.party.value)))
                .collect(),
            Ns::Id(xref::Ns::Inventory) => model
                .systems
                .iter()
                .map(|s| (s.id.value.clone(), s.name.clone()))
                .chain(model.interfaces.iter().map(|i| (i.id.value.clone(), i.name.clone())))
                .collect(),
            Ns::Id(xref::Ns::Contract) => {
                model.contracts.iter().map(|c| (c.id.value.clone(), c.title.clone())).collect()
            }
            Ns::Id(xref::Ns::Plan) => model.plans.iter().map(|p| (p.id.value.clone(), p.title.clone())).collect(),
            Ns::Revision(contract) => model
                .contracts
                .iter()
                .filter(|c| c.id.value == *contract)
                .flat_map(|c| &c.revision)
                .map(|r| (r.number.value.to_string(), format!("effective {}", r.effective.value)))
                .collect(),
            Ns::Id(xref::Ns::Party) => {
                model.config.iter().flat_map(|c| c.party.iter().map(|p| (p.id.value.clone(), p.name.clone()))).collect()
            }
            _ => Vec::new(),
        };
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0);
        out
    }

    fn code_actions(&self, p: &lt::CodeActionParams) -> Value {
        let Some(rel) = self.relative(p.text_document.uri.as_str()) else { return Value::Null };
        let Some(file) = self.live.file_id(&rel).or_else(|| self.any_file(&rel)) else { return Value::Null };
        let t = &self.live.files.get(file).text;
        let starts = text::line_starts(t);
        let a = text::offset(t, &starts, p.range.start, self.enc) as u32;
        let b = text::offset(t, &starts, p.range.end, self.enc) as u32;
        let uri = self.uri(&rel);
        let edits = |fix: &crate::diagnostic::Fix| -> Vec<Value> {
            fix.edits.iter().map(|e| json!({"range": self.range(file, e.span), "newText": e.text})).collect()
        };
        let mut actions = Vec::new();
        let diags = self.published.get(&rel).map(Vec::as_slice).unwrap_or_default();
        for d in diags {
            let (Some(fix), Some(l)) = (&d.fix, d.location) else { continue };
            if l.file != file || l.span.end < a || l.span.start > b {
                continue;
            }
            let safe = fix.applicability == Applicability::Safe;
            actions.push(json!({
                "title": if safe { fix.title.clone() } else { format!("{} (unsafe: check the result)", fix.title) },
                "kind": "quickfix",
                "isPreferred": safe,
                "diagnostics": [self.to_lsp(Some(file), d)],
                "edit": {"changes": {uri.clone(): edits(fix)}},
            }));
        }
        // every safe fix of the file at once, as `check --fix` applies them
        let mut files = crate::source::Files::default();
        let one = files.add(rel.clone(), t.clone());
        let shifted: Vec<Diagnostic> = diags
            .iter()
            .filter(|d| d.location.is_some_and(|l| l.file == file))
            .cloned()
            .map(|mut d| {
                if let Some(l) = d.location.as_mut() {
                    l.file = one;
                }
                d
            })
            .collect();
        let (fixed, n) = crate::fix::apply_round(&files, &shifted, crate::fix::Mode::Safe);
        if let Some(new) = fixed.get(&rel).filter(|_| n > 0) {
            let whole = self.range(file, Span::new(0, t.len()));
            actions.push(json!({
                "title": format!("Apply every safe fix of this file ({n})"),
                "kind": "source.fixAll.contingent",
                "edit": {"changes": {uri.clone(): [{"range": whole, "newText": new}]}},
            }));
        }
        Value::Array(actions)
    }

    fn formatting(&self, uri: &str) -> Value {
        let Some(rel) = self.relative(uri) else { return Value::Null };
        let Some(file) = self.live.file_id(&rel).or_else(|| self.any_file(&rel)) else { return Value::Null };
        let t = &self.live.files.get(file).text;
        match crate::fmt::format(t) {
            crate::fmt::Formatted::Text(new) if new != *t => {
                json!([{"range": self.range(file, Span::new(0, t.len())), "newText": new}])
            }
            crate::fmt::Formatted::Text(_) => json!([]),
            // a file that does not parse is not formatted: its findings say why
            _ => Value::Null,
        }
    }
}

/// What a focused run gives the rules: the focused plans with their exercise and sign-off
/// records, the contracts, systems and interfaces they name, and whatever the changed file
/// defines; contacts, rosters and the configuration stay whole (so the lookups built from the
/// contacts on first use, `Model::contact_mentions`, stay right for the whole model).
struct Focus {
    plans: HashSet<String>,
    file: FileId,
    /// The files that define or name a focused plan (by the index of ids), and the changed
    /// file: no plan, exercise or sign-off record outside them is focused, so the others are
    /// passed over without looking up their plan.
    within: Vec<bool>,
    contracts: HashSet<String>,
    systems: HashSet<String>,
    interfaces: HashSet<String>,
}

impl Focus {
    fn new(model: &crate::model::Model, index: &symbols::Index, plans: &HashSet<String>, file: FileId) -> Focus {
        let all = || model.plans.iter().chain(model.salvaged.iter().flat_map(|s| s.plans.iter()));
        let mut plans = plans.clone();
        // a record naming no plan: the plan the whole repository's did-you-mean suggests
        let unknown: Vec<String> = plans.iter().filter(|id| !all().any(|p| p.id.value == **id)).cloned().collect();
        for id in unknown {
            if let Some(near) = crate::diagnostic::did_you_mean(&id, all().map(|p| p.id.value.as_str())) {
                plans.insert(near.to_string());
            }
        }
        let mut focus = Focus {
            plans,
            file,
            within: Vec::new(),
            contracts: HashSet::new(),
            systems: HashSet::new(),
            interfaces: HashSet::new(),
        };
        let files: Vec<FileId> = focus.plans.iter().flat_map(|id| index.of(&Ns::Id(xref::Ns::Plan), id)).collect();
        for f in files.into_iter().chain([file]) {
            focus.mark(f);
        }
        let focused = all().filter(|p| focus.focuses(p.file, &p.id.value));
        (focus.contracts, focus.systems, focus.interfaces) = related(model, focused);
        focus
    }

    fn mark(&mut self, f: FileId) {
        let i = f.0 as usize;
        if self.within.len() <= i {
            self.within.resize(i + 1, false);
        }
        self.within[i] = true;
    }

    /// Whether a plan, or a record of a plan, in file `f` is focused: it is in the changed file,
    /// or names a focused plan (looked up only in the files that hold one).
    fn focuses(&self, f: FileId, plan: &str) -> bool {
        self.within.get(f.0 as usize).copied().unwrap_or(false) && (f == self.file || self.plans.contains(plan))
    }

    /// Moves the focused objects out of the model's lists into lists of their own, which take
    /// the lists' places (the salvaged model's too).
    fn take(&self, model: &mut crate::model::Model) -> Moved {
        let file = self.file;
        Moved {
            plans: take(&mut model.plans, |p| self.focuses(p.file, &p.id.value)),
            exercises: take(&mut model.exercises, |e| self.focuses(e.file, &e.plan.value)),
            signoffs: take(&mut model.signoffs, |s| self.focuses(s.file, &s.plan.value)),
            contracts: take(&mut model.contracts, |c| self.contracts.contains(&c.id.value) || c.file == file),
            systems: take(&mut model.systems, |s| self.systems.contains(&s.id.value) || s.file == file),
            interfaces: take(&mut model.interfaces, |i| self.interfaces.contains(&i.id.value) || i.file == file),
            salvaged: model.salvaged.as_deref_mut().map(|s| Box::new(self.take(s))),
        }
    }
}

/// The whole lists of a model whose lists hold only focused objects for a moment, with the
/// places the focused ones were taken from.
struct Moved {
    plans: Taken<crate::model::Plan>,
    exercises: Taken<crate::model::ExerciseRecord>,
    signoffs: Taken<crate::model::Signoff>,
    contracts: Taken<crate::model::Contract>,
    systems: Taken<crate::model::System>,
    interfaces: Taken<crate::model::Interface>,
    salvaged: Option<Box<Moved>>,
}

impl Moved {
    /// Every list as it was before [`Focus::take`], object for object.
    fn put_back(self, model: &mut crate::model::Model) {
        put_back(&mut model.plans, self.plans);
        put_back(&mut model.exercises, self.exercises);
        put_back(&mut model.signoffs, self.signoffs);
        put_back(&mut model.contracts, self.contracts);
        put_back(&mut model.systems, self.systems);
        put_back(&mut model.interfaces, self.interfaces);
        if let (Some(s), Some(moved)) = (model.salvaged.as_deref_mut(), self.salvaged) {
            moved.put_back(s);
        }
    }
}

/// The rest of a list, and where (ascending) the objects now in the list were.
struct Taken<T> {
    rest: Vec<crate::model::Located<T>>,
    at: Vec<usize>,
}

/// Leaves in `list` only the objects `keep` wants, in their order; the others are the rest.
/// Each object is moved once (`swap_remove`, from the last place to the first), whatever the
/// size of the list: what a keystroke moves is the focused objects, not the model.
fn take<T>(list: &mut Vec<crate::model::Located<T>>, keep: impl Fn(&crate::model::Located<T>) -> bool) -> Taken<T> {
    let mut rest = std::mem::take(list);
    let at: Vec<usize> = rest.iter().enumerate().filter(|(_, o)| keep(o)).map(|(i, _)| i).collect();
    let mut kept: Vec<_> = at.iter().rev().map(|&i| rest.swap_remove(i)).collect();
    kept.reverse();
    *list = kept;
    Taken { rest, at }
}

/// Undoes [`take`]: the `swap_remove`s in reverse, so every object is where it was.
fn put_back<T>(list: &mut Vec<crate::model::Located<T>>, taken: Taken<T>) {
    let kept = std::mem::replace(list, taken.rest);
    debug_assert_eq!(kept.len(), taken.at.len(), "the rules do not change the model");
    for (i, o) in taken.at.into_iter().zip(kept) {
        list.push(o);
        let last = list.len() - 1;
        list.swap(i, last);
    }
}

/// Systems (`true`) and interfaces by id, with what each depends on (the first definition of an
/// id); kept across keystrokes while no system or interface changes (`crate::memo`).
type Inventory = HashMap<Box<str>, (bool, Vec<Box<str>>)>;

fn inventory(model: &crate::model::Model) -> std::sync::Arc<Inventory> {
    static KEPT: crate::memo::Slot<Inventory> = crate::memo::Slot::new();
    let items = || {
        let systems = model.systems.iter().map(|s| (true, &s.id, &s.depends_on));
        systems.chain(model.interfaces.iter().map(|i| (false, &i.id, &i.depends_on)))
    };
    // the key: "s" or "i", the id and its dependencies, then an empty text (no id is empty)
    let key = items().flat_map(|(system, id, deps)| {
        let kind = if system { "s" } else { "i" };
        [kind, id.value.as_str()].into_iter().chain(deps.iter().map(|d| d.value.as_str())).chain([""])
    });
    KEPT.get(key, || {
        let mut by_id = Inventory::with_capacity(model.systems.len() + model.interfaces.len());
        for (system, id, deps) in items() {
            let deps = deps.iter().map(|d| Box::from(d.value.as_str())).collect();
            by_id.entry(Box::from(id.value.as_str())).or_insert((system, deps));
        }
        by_id
    })
}

/// The contracts, systems and interfaces a set of plans names (covered, objectives, pinned
/// contracts and their SLA targets, ids a reference names in the wrong place), closed over
/// `depends-on`; and for an id that names nothing, the one a did-you-mean would suggest, so
/// that the suggestion is the one the whole repository gives.
fn related<'m>(
    model: &crate::model::Model,
    plans: impl Iterator<Item = &'m crate::model::Located<crate::model::Plan>>,
) -> (HashSet<String>, HashSet<String>, HashSet<String>) {
    let mut contracts: HashSet<String> = HashSet::new();
    // (id, whether it is written where a system or interface belongs)
    let mut wanted: Vec<(String, bool)> = Vec::new();
    for p in plans {
        wanted.extend(p.covers.iter().map(|c| (c.value.clone(), true)));
        wanted.extend(p.objective.iter().map(|o| (o.target.value.clone(), true)));
        if let Some(cr) = &p.contract {
            contracts.insert(cr.id.value.clone());
        }
        // a contact reference may name a system in the wrong place (REF003)
        if let Some(r) = &p.responsible {
            wanted.extend([&r.client, &r.provider].into_iter().flatten().map(|c| (c.value.clone(), false)));
        }
        if let Some(e) = &p.escalation {
            wanted.extend(e.level.iter().map(|l| (l.notify.value.clone(), false)));
        }
        for sc in &p.scenario {
            wanted.extend(sc.contacts.iter().map(|c| (c.value.clone(), false)));
        }
    }
    let unknown: Vec<String> =
        contracts.iter().filter(|id| !model.contracts.iter().any(|c| c.id.value == **id)).cloned().collect();
    for id in unknown {
        if let Some(near) = crate::diagnostic::did_you_mean(&id, model.contracts.iter().map(|c| c.id.value.as_str())) {
            contracts.insert(near.to_string());
        }
    }
    for c in model.contracts.iter().filter(|c| contracts.contains(&c.id.value)) {
        for r in &c.revision {
            wanted.extend(r.sla.iter().map(|s| (s.target.value.clone(), true)));
        }
    }
    let by_id = inventory(model);
    let (mut systems, mut interfaces) = (HashSet::new(), HashSet::new());
    let mut seen: HashSet<String> = HashSet::new();
    while let Some((id, inventory)) = wanted.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        match by_id.get(id.as_str()) {
            Some((is_system, deps)) => {
                if *is_system {
                    systems.insert(id);
                } else {
                    interfaces.insert(id);
                }
                wanted.extend(deps.iter().map(|d| (d.to_string(), true)));
            }
            None if inventory => {
                if let Some(near) = crate::diagnostic::did_you_mean(&id, by_id.keys().map(|k| &**k)) {
                    wanted.push((near.to_string(), true));
                }
            }
            None => {}
        }
    }
    (contracts, systems, interfaces)
}

mod hover {
    //! The text of a hover: a contact's card, a system's protection needs and objectives, a
    //! contract revision's SLA terms for the plan, a finding's rule.

    use crate::diagnostic::FileId;
    use crate::model::Model;
    use crate::rules::xref;

    use super::symbols::Ns;

    /// Repository text in Markdown: escaped, so a crafted name shows as text.
    fn t(s: &str) -> String {
        crate::escape::markdown(s)
    }

    pub fn explain(rule: &crate::diagnostic::Rule) -> String {
        format!("**{}** `{}`: {}\n\n{}", rule.code, rule.name, rule.summary, rule.doc)
    }

    pub fn card(model: &Model, ns: &Ns, id: &str, file: FileId) -> Option<String> {
        let mut out = String::new();
        match ns {
            Ns::Id(xref::Ns::Contact) => {
                let c = model.contacts.iter().find(|c| c.id.value == id)?;
                out.push_str(&format!("**{}** — contact `{}` of {}\n\n", t(&c.name), t(id), t(&c.party.value)));
                for r in &c.role {
                    out.push_str(&format!("- {}\n", t(r)));
                }
                for (word, channels) in [("phone", &c.phone), ("mobile", &c.mobile), ("email", &c.email)] {
                    for ch in channels {
                        let when = match ch.available {
                            crate::model::Availability::Always => "24x7",
                            crate::model::Availability::BusinessHours => "business hours",
                        };
                        out.push_str(&format!("- {word}: {} ({when})\n", t(&ch.value)));
                    }
                }
                if let Some(d) = &c.deputy {
                    out.push_str(&format!("- deputy: `{}`\n", t(&d.value)));
                }
                out.push_str(&format!("- verified: {}\n", c.verified.value));
                if c.may_approve {
                    out.push_str("- may approve plans\n");
                }
            }
            Ns::Id(xref::Ns::Inventory) => {
                let (name, protection, rto, rpo) = match model.systems.iter().find(|s| s.id.value == id) {
                    Some(s) => (format!("system `{}`: {}", t(id), t(&s.name)), &s.protection, &s.rto, &s.rpo),
                    None => {
                        let i = model.interfaces.iter().find(|i| i.id.value == id)?;
                        (format!("interface `{}`: {}", t(id), t(&i.name)), &i.protection, &i.rto, &i.rpo)
                    }
                };
                out.push_str(&format!("**{name}**\n\n"));
                if let Some(p) = protection {
                    let level =
                        |l: &Option<crate::model::Spanned<crate::model::Level>>| match l.as_ref().map(|l| l.value) {
                            Some(crate::model::Level::Normal) => "normal",
                            Some(crate::model::Level::High) => "high",
                            Some(crate::model::Level::VeryHigh) => "very high",
                            None => "—",
                        };
                    out.push_str(&format!(
                        "- protection needs: confidentiality {}, integrity {}, availability {}\n",
                        level(&p.confidentiality),
                        level(&p.integrity),
                        level(&p.availability)
                    ));
                }
                if let Some(r) = rto {
                    out.push_str(&format!("- RTO (system): {}\n", r.value));
                }
                if let Some(r) = rpo {
                    out.push_str(&format!("- RPO (system): {}\n", r.value));
                }
                for p in &model.plans {
                    for o in p.objective.iter().filter(|o| o.target.value == id) {
                        let rto = o.rto.as_ref().map_or("—".to_string(), |d| d.value.to_string());
                        let rpo = o.rpo.as_ref().map_or("—".to_string(), |d| d.value.to_string());
                        out.push_str(&format!("- objective of plan `{}`: RTO {rto}, RPO {rpo}\n", t(&p.id.value)));
                    }
                }
            }
            Ns::Id(xref::Ns::Contract) | Ns::Revision(_) => {
                let (contract, number) = match ns {
                    Ns::Revision(c) => (c.as_str(), id.parse::<u32>().ok()),
                    _ => (id, None),
                };
                let c = model.contracts.iter().find(|c| c.id.value == contract)?;
                // in a plan: the revision it pins and the terms for what it covers
                let plan = model.plans.iter().find(|p| p.file == file);
                let pinned = number.or_else(|| plan.and_then(|p| p.contract.as_ref()).map(|cr| cr.revision.value));
                out.push_str(&format!("**contract `{}`**: {}\n\n", t(contract), t(&c.title)));
                let Some(n) = pinned else { return Some(out) };
                let Some(r) = c.revision.iter().find(|r| r.number.value == n) else {
                    out.push_str(&format!("no revision {n}\n"));
                    return Some(out);
                };
                out.push_str(&format!("revision {n}, effective {}\n\n", r.effective.value));
                let covers: Vec<&str> =
                    plan.map(|p| p.covers.iter().map(|c| c.value.as_str()).collect()).unwrap_or_default();
                for sla in r.sla.iter().filter(|s| covers.is_empty() || covers.contains(&s.target.value.as_str())) {
                    out.push_str(&format!("- SLA `{}`:", t(&sla.target.value)));
                    if let Some(x) = &sla.rto {
                        out.push_str(&format!(" RTO {}", x.value));
                    }
                    if let Some(x) = &sla.rpo {
                        out.push_str(&format!(", RPO {}", x.value));
                    }
                    if let Some(x) = &sla.availability {
                        out.push_str(&format!(", availability {}", t(x)));
                    }
                    let responses: Vec<String> = sla
                        .response
                        .iter()
                        .map(|r| format!("{} within {}", t(&r.category.value), r.within.value))
                        .collect();
                    if !responses.is_empty() {
                        out.push_str(&format!("; response {}", responses.join(", ")));
                    }
                    out.push('\n');
                }
            }
            Ns::Id(xref::Ns::Plan) => {
                let p = model.plans.iter().find(|p| p.id.value == id)?;
                out.push_str(&format!("**plan `{}`**: {}\n\n", t(id), t(&p.title)));
                let covers: Vec<String> = p.covers.iter().map(|c| format!("`{}`", t(&c.value))).collect();
                out.push_str(&format!("covers {}\n", covers.join(", ")));
            }
            Ns::Id(xref::Ns::Party) => {
                let c = model.config.as_ref()?;
                let p = c.party.iter().find(|p| p.id.value == id)?;
                let role =
                    serde_json::to_value(*p.role).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                out.push_str(&format!("**party `{}`** ({role}): {}\n", t(id), t(&p.name)));
            }
            Ns::Id(xref::Ns::Exercise) | Ns::Scenario(_) => return None,
        }
        Some(out)
    }
}
