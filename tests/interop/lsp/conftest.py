"""`contingent lsp` driven by pytest-lsp (pygls's language client), as an editor drives it.

The binary under test is $CONTINGENT_BIN, else target/debug/contingent of this checkout (what
`cargo test` builds). Each test starts its own server on a fresh copy of the bundled example
repository `plans/`. Nothing waits for a fixed time: every wait is for a message of the server,
with a deadline against a hung server.
"""

from __future__ import annotations

import asyncio
import os
import pathlib
import shutil
from collections.abc import Callable, Sequence

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

HERE = pathlib.Path(__file__).resolve().parent
CHECKOUT = HERE.parents[2]
BIN = pathlib.Path(os.environ.get("CONTINGENT_BIN") or CHECKOUT / "target/debug/contingent").resolve()
if not os.access(BIN, os.X_OK):
    raise pytest.UsageError(f"no contingent binary at {BIN}: build it (cargo build) or set CONTINGENT_BIN")

# A deadline against a hung server; never a measure of speed.
HANG = 60.0


@pytest.fixture
def repo(tmp_path: pathlib.Path) -> pathlib.Path:
    """A fresh copy of the example repository (it has no problems as of its reference date)."""
    copy = tmp_path / "plans"
    shutil.copytree(CHECKOUT / "plans", copy)
    return copy


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[str(BIN), "lsp"],
        server_env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1"},
    )
)
async def client(lsp_client: LanguageClient, repo: pathlib.Path):
    root = repo.as_uri()
    lsp_client.root = repo
    lsp_client.init = await lsp_client.initialize_session(
        types.InitializeParams(
            # what an editor offers (pytest-lsp checks the answers against it)
            capabilities=types.ClientCapabilities(
                general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
                text_document=types.TextDocumentClientCapabilities(
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(related_information=True),
                    hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
                    completion=types.CompletionClientCapabilities(
                        completion_item=types.ClientCompletionItemOptions(snippet_support=False)
                    ),
                    code_action=types.CodeActionClientCapabilities(
                        code_action_literal_support=types.ClientCodeActionLiteralOptions(
                            code_action_kind=types.ClientCodeActionKindOptions(
                                value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll]
                            )
                        )
                    ),
                ),
            ),
            root_uri=root,
            workspace_folders=[types.WorkspaceFolder(uri=root, name="plans")],
        )
    )
    yield
    await lsp_client.shutdown_session()


# --- helpers for the tests


def uri(client: LanguageClient, rel: str) -> str:
    return (client.root / rel).as_uri()


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def pos(text: str, needle: str, plus: int = 0) -> types.Position:
    """The LSP position (UTF-16) of the first `needle` in `text`, plus `plus` characters."""
    at = text.index(needle)
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return types.Position(line=line, character=utf16(text[start:at]) + plus)


def span(text: str, needle: str, inner: str | None = None) -> types.Range:
    """The range of `inner` (default: all of `needle`) inside the first `needle` in `text`."""
    inner = needle if inner is None else inner
    plus = needle.index(inner)
    start = pos(text, needle, plus)
    return types.Range(start=start, end=types.Position(line=start.line, character=start.character + utf16(inner)))


def offset(text: str, p: types.Position) -> int:
    lines = text.split("\n")
    base = sum(len(line) + 1 for line in lines[: p.line])
    line = lines[p.line] if p.line < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= p.character:
            return base + i
        units += utf16(ch)
    return base + len(line)


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """`text` with LSP text edits applied (they do not overlap; applied from the end)."""
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(text, e.range.start)] + e.new_text + text[offset(text, e.range.end) :]
    return text


def open_file(client: LanguageClient, rel: str) -> str:
    text = (client.root / rel).read_text()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri(client, rel), language_id="kdl", version=1, text=text)
        )
    )
    return text


def edit(client: LanguageClient, rel: str, version: int, text: str, old: str, new: str) -> str:
    """Replaces the first `old` in the buffer by `new` with an incremental change, as editors
    send them; returns the buffer's new text."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(client, rel), version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=span(text, old), text=new)],
        )
    )
    return text.replace(old, new, 1)


def replace_all(client: LanguageClient, rel: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(client, rel), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def diagnostics(
    client: LanguageClient, rel: str, want: Callable[[Sequence[types.Diagnostic]], bool], what: str
) -> Sequence[types.Diagnostic]:
    """Waits until the diagnostics last published for `rel` satisfy `want`; returns them."""
    target = uri(client, rel)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HANG
    while True:
        got = client.diagnostics.get(target)
        if got is not None and want(got):
            return got
        # registered before the next message is read: none can slip past
        published = client.protocol.wait_for_notification_async(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        try:
            params = await asyncio.wait_for(published, max(0.0, deadline - loop.time()))
        except asyncio.TimeoutError:
            raise AssertionError(f"no diagnostics for {rel} {what} within {HANG}s; last: {got}") from None
        if params.uri == target and want(params.diagnostics):
            return params.diagnostics


def codes(diags: Sequence[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diags]
