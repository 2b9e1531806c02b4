"""End-to-end tests of `contingent lsp` with a real LSP client (pytest-lsp, on pygls), on a copy
of the example repository: the session an editor holds, from `initialize` to formatting.
Run: `python3 -m pytest tests/interop/lsp` (CONTINGENT_BIN: the binary; see conftest.py)."""

from __future__ import annotations

import re

from conftest import apply, codes, diagnostics, edit, open_file, pos, replace_all, span, uri
from lsprotocol import types
from pytest_lsp import LanguageClient

PLAN = "plans/payroll.kdl"


def at(client: LanguageClient, rel: str, position: types.Position) -> dict:
    """The fields of a request about a position in a document."""
    return {"text_document": types.TextDocumentIdentifier(uri=uri(client, rel)), "position": position}


async def test_initialize_announces_what_the_server_answers(client: LanguageClient):
    init = client.init
    assert init.server_info is not None and init.server_info.name == "contingent"
    caps = init.capabilities
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    sync = caps.text_document_sync
    assert sync.open_close is True and sync.change == types.TextDocumentSyncKind.Incremental, sync
    assert caps.definition_provider is True and caps.references_provider is True and caps.hover_provider is True
    assert caps.document_formatting_provider is True
    assert sorted(caps.completion_provider.trigger_characters) == [" ", "="]
    assert list(caps.code_action_provider.code_action_kinds) == [
        types.CodeActionKind.QuickFix,
        types.CodeActionKind.SourceFixAll,
    ]


async def test_a_typo_in_a_contact_id_is_reported_as_you_type_and_goes_when_fixed(client: LanguageClient):
    text = open_file(client, PLAN)
    typo = edit(client, PLAN, 2, text, "level 2 notify=dirk.hansen", "level 2 notify=dirk.hanse")

    d = await diagnostics(client, PLAN, lambda d: "REF002" in codes(d), "with REF002")
    # the plan no longer reads as it was signed (SIG002, on the plan's head), and the typo
    assert codes(d) == ["SIG002", "REF002"], d
    [signed, finding] = d
    assert signed.range == span(typo, "plan payroll {", "plan payroll"), signed
    assert signed.message.startswith("plan `payroll` changed since it was signed by katharina.vogel (client)"), signed
    assert finding.range == span(typo, "level 2 notify=dirk.hanse", "dirk.hanse"), finding
    assert finding.severity == types.DiagnosticSeverity.Error
    assert finding.source == "contingent"
    assert finding.message.startswith("no contact is named `dirk.hanse`"), finding.message
    assert finding.message.endswith("\nhelp: did you mean `dirk.hansen`?"), finding.message
    # the finding's label: where the id it suggests is defined
    rzn = (client.root / "contacts/rzn.kdl").read_text()
    [label] = finding.related_information
    assert label.message == "`dirk.hansen` is defined here", label
    assert label.location == types.Location(
        uri=uri(client, "contacts/rzn.kdl"), range=span(rzn, "contact dirk.hansen {", "dirk.hansen")
    ), label
    # the quick fix the finding names
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, PLAN)),
            range=finding.range,
            context=types.CodeActionContext(diagnostics=[finding]),
        )
    )
    [quick] = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    [change] = quick.edit.changes[uri(client, PLAN)]
    assert change.range == finding.range and change.new_text == "dirk.hansen", quick
    assert apply(typo, [change]) == text

    # the edit undone: the finding goes, and with it everything (the plan is as signed)
    edit(client, PLAN, 3, typo, "level 2 notify=dirk.hanse", "level 2 notify=dirk.hansen")
    await diagnostics(client, PLAN, lambda d: len(d) == 0, "cleared")


async def test_renaming_a_contact_marks_the_plans_that_still_name_it(client: LanguageClient):
    open_file(client, PLAN)
    contacts = "contacts/hpb.kdl"
    ctext = open_file(client, contacts)
    renamed = edit(client, contacts, 2, ctext, "contact anna.schmidt {", "contact anna.schmitt {")
    plan = (client.root / PLAN).read_text()

    def stale(d):
        return any(x.code == "REF002" and "`anna.schmidt`" in x.message for x in d)

    d = await diagnostics(client, PLAN, stale, "naming the old id")
    ranges = sorted((x.range.start.line, x.range.start.character) for x in d if x.code == "REF002")
    expected = sorted(
        (p.line, p.character)
        for p in [
            pos(plan, "client=anna.schmidt", 7),
            pos(plan, "notify=anna.schmidt", 7),
            pos(plan, "contacts anna.schmidt", 9),
            pos(plan, "ole.carstens anna.schmidt", 13),
        ]
    )
    assert ranges == expected, d
    edit(client, contacts, 3, renamed, "contact anna.schmitt {", "contact anna.schmidt {")
    await diagnostics(client, PLAN, lambda d: len(d) == 0, "cleared")


async def test_definition_of_a_contact_id(client: LanguageClient):
    text = open_file(client, PLAN)
    contacts = (client.root / "contacts/hpb.kdl").read_text()
    result = await client.text_document_definition_async(
        types.DefinitionParams(**at(client, PLAN, pos(text, "client=anna.schmidt", 9)))
    )
    assert result == [
        types.Location(
            uri=uri(client, "contacts/hpb.kdl"), range=span(contacts, "contact anna.schmidt {", "anna.schmidt")
        )
    ], result


async def test_references_of_a_contact_id(client: LanguageClient):
    text = open_file(client, PLAN)
    params = at(client, PLAN, pos(text, "notify=anna.schmidt", 10))
    result = await client.text_document_references_async(
        types.ReferenceParams(**params, context=types.ReferenceContext(include_declaration=True))
    )
    got = sorted((r.uri, r.range.start.line, r.range.start.character, r.range.end.character) for r in result)
    # every place the id is written as an id: not in a string, an e-mail address or a sign-off's
    # recorded JSON
    expected = []
    word = re.compile(r'(?<![\w.@"-])anna\.schmidt(?![\w.@"-])')
    for path in sorted(client.root.rglob("*.kdl")):
        rel = path.relative_to(client.root).as_posix()
        if rel.startswith("signoffs/"):
            continue
        for n, line in enumerate(path.read_text().split("\n")):
            code = line.split("//")[0]
            for m in word.finditer(code):
                expected.append((path.as_uri(), n, m.start(), m.end()))
    assert len(expected) == 13, expected  # the oracle itself: 1 definition and 12 references
    assert got == sorted(expected), got
    # without the declaration: the same less the definition in contacts/hpb.kdl
    result = await client.text_document_references_async(
        types.ReferenceParams(**params, context=types.ReferenceContext(include_declaration=False))
    )
    contacts = (client.root / "contacts/hpb.kdl").read_text()
    declaration = span(contacts, "contact anna.schmidt {", "anna.schmidt")
    decl = (
        uri(client, "contacts/hpb.kdl"),
        declaration.start.line,
        declaration.start.character,
        declaration.end.character,
    )
    assert sorted((r.uri, r.range.start.line, r.range.start.character, r.range.end.character) for r in result) == [
        e for e in sorted(expected) if e != decl
    ]


async def test_completion_offers_the_contacts_of_the_right_party(client: LanguageClient):
    text = open_file(client, PLAN)
    rzn = re.findall(r"^contact (\S+) \{", (client.root / "contacts/rzn.kdl").read_text(), re.M)
    hpb = re.findall(r"^contact (\S+) \{", (client.root / "contacts/hpb.kdl").read_text(), re.M)
    assert "dirk.hansen" in rzn and "anna.schmidt" in hpb

    # the provider's contact: every contact of the provider, and no other
    empty = edit(client, PLAN, 2, text, "provider=dirk.hansen", "provider=")
    cursor = pos(empty, "provider=", 9)
    result = await client.text_document_completion_async(types.CompletionParams(**at(client, PLAN, cursor)))
    items = result.items if isinstance(result, types.CompletionList) else result
    assert sorted(i.label for i in items) == sorted(rzn), [i.label for i in items]
    for i in items:
        assert i.kind == types.CompletionItemKind.Reference, i
        assert i.text_edit.range == types.Range(start=cursor, end=cursor) and i.text_edit.new_text == i.label, i
    [dirk] = [i for i in items if i.label == "dirk.hansen"]
    assert dirk.detail == "Dirk Hansen (rzn)", dirk

    # the client's contact, two letters typed: the client's contacts starting with them
    typed = edit(client, PLAN, 3, empty, "client=anna.schmidt", "client=an")
    cursor = pos(typed, "client=an", 9)
    result = await client.text_document_completion_async(types.CompletionParams(**at(client, PLAN, cursor)))
    items = result.items if isinstance(result, types.CompletionList) else result
    assert [i.label for i in items] == sorted(c for c in hpb if c.startswith("an")), [i.label for i in items]
    assert items[0].text_edit.range == types.Range(start=pos(typed, "client=an", 7), end=cursor)


async def test_hover_on_a_contact_id_shows_its_card(client: LanguageClient):
    text = open_file(client, PLAN)
    hover = await client.text_document_hover_async(
        types.HoverParams(**at(client, PLAN, pos(text, "level 2 notify=dirk.hansen", 18)))
    )
    assert hover.range == span(text, "level 2 notify=dirk.hansen", "dirk.hansen"), hover
    assert hover.contents.kind == types.MarkupKind.Markdown
    card = hover.contents.value
    assert card.startswith("**Dirk Hansen** — contact `dirk.hansen` of rzn"), card
    for line in [
        "- Team lead, batch operations (multi-client batch platform)",
        "- phone: +49 40 555 2050 (business hours)",
        "- mobile: +49 40 555 2950 (24x7)",
        "- email: `dirk.hansen@rz-nord.example` (business hours)",
        "- deputy: `rzn-duty-desk`",
        "- verified: 2026-07-15",
    ]:
        assert line in card.split("\n"), (line, card)


async def test_a_kdl_v1_keyword_is_fixed_by_its_code_action(client: LanguageClient):
    text = open_file(client, PLAN)
    v1 = edit(client, PLAN, 2, text, "offsite #true", "offsite true")

    d = await diagnostics(client, PLAN, lambda d: "KDL002" in codes(d), "with KDL002")
    [finding] = [x for x in d if x.code == "KDL002"]
    place = span(v1, "offsite true", "true")
    assert finding.range == place, finding
    assert finding.severity == types.DiagnosticSeverity.Error
    assert finding.message.startswith("this file is KDL v1 (bare `true`); contingent reads KDL v2"), finding.message
    assert finding.message.endswith(
        "\nhelp: convert the file to KDL v2: write #true; in v2, #true, #false and #null replace true, false and null,"
        ' and raw strings are written #"..."#'
    ), finding.message

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, PLAN)),
            range=finding.range,
            context=types.CodeActionContext(diagnostics=[finding]),
        )
    )
    [quick] = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert quick.title == 'convert to KDL v2 (#true, #false, #null, #"..."#)' and quick.is_preferred, quick
    assert [x.code for x in quick.diagnostics] == ["KDL002"]
    edits = quick.edit.changes[uri(client, PLAN)]
    assert [(e.range, e.new_text) for e in edits] == [(place, "#true")], edits
    fixed = apply(v1, edits)
    assert fixed == text
    # every safe fix of the file at once
    [everything] = [a for a in actions if a.kind == "source.fixAll.contingent"]
    assert apply(v1, everything.edit.changes[uri(client, PLAN)]) == text

    replace_all(client, PLAN, 3, fixed)
    await diagnostics(client, PLAN, lambda d: len(d) == 0, "cleared")


async def test_a_bare_duration_is_quoted_by_its_code_action(client: LanguageClient):
    text = open_file(client, PLAN)
    bare = edit(client, PLAN, 2, text, 'within="15m"', "within=15m")

    d = await diagnostics(client, PLAN, lambda d: "KDL001" in codes(d), "with KDL001")
    [finding] = [x for x in d if x.code == "KDL001"]
    place = span(bare, "within=15m", "15m")
    assert finding.range == place, finding
    assert finding.message.startswith("`15m` is not a KDL value: a bare value cannot start with a digit"), finding
    assert finding.message.endswith('\nhelp: dates, durations and values such as 24x7 are strings: write "15m"'), (
        finding
    )
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(client, PLAN)),
            range=types.Range(start=place.start, end=place.start),
            context=types.CodeActionContext(diagnostics=[finding]),
        )
    )
    [quick] = [a for a in actions if a.kind == types.CodeActionKind.QuickFix]
    assert quick.title == "quote `15m`", quick
    assert [(e.range, e.new_text) for e in quick.edit.changes[uri(client, PLAN)]] == [(place, '"15m"')]
    edit(client, PLAN, 3, bare, "within=15m", 'within="15m"')
    await diagnostics(client, PLAN, lambda d: len(d) == 0, "cleared")


async def test_formatting_goes_through_fmt(client: LanguageClient):
    text = open_file(client, PLAN)
    params = types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri(client, PLAN)),
        options=types.FormattingOptions(tab_size=4, insert_spaces=True),
    )
    # the example is formatted: nothing to change
    assert list(await client.text_document_formatting_async(params)) == []
    messy = edit(client, PLAN, 2, text, "    title ", "        title   ")
    messy = edit(client, PLAN, 3, messy, "level 1 notify", "level  1   notify")
    edits = await client.text_document_formatting_async(params)
    assert apply(messy, edits) == text, edits
    # a buffer that does not parse is not formatted
    edit(client, PLAN, 4, messy, "    covers ", "    covers {{ ")
    assert await client.text_document_formatting_async(params) is None
