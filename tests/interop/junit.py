"""Reads `contingent check --format junit` with an independent consumer of JUnit reports (the
`junitparser` package, as CI tools use it) and validates it with xmllint against
tests/fixtures/junit.xsd: a clean repository, one with findings, and one whose findings and file
names carry hostile text (markup, quotes, terminal controls, NUL, a bidi override). Run by
.ci/run after the build."""

import pathlib
import shutil
import subprocess
import sys
import tempfile

import junitparser

binary = str(pathlib.Path(sys.argv[1]).resolve())
here = pathlib.Path(__file__).resolve().parents[2]
schema = here / "tests/fixtures/junit.xsd"
assert shutil.which("xmllint"), "xmllint is needed (Debian: libxml2-utils)"
env = {"CONTINGENT_ALLOW_UNSIGNED": "1", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}


def report(repo, *extra):
    out = subprocess.run(
        [binary, "check", str(repo), "--as-of", "2026-11-01", "--format", "junit", *extra],
        capture_output=True,
        env=env,
        cwd=repo,
    )
    assert out.returncode in (0, 1), out.stderr.decode()
    path = pathlib.Path(tempfile.mkdtemp()) / "report.xml"
    path.write_bytes(out.stdout)
    lint = subprocess.run(["xmllint", "--noout", "--schema", str(schema), str(path)], capture_output=True)
    assert lint.returncode == 0, lint.stderr.decode()
    return out.returncode, junitparser.JUnitXml.fromfile(str(path))


def cases(xml):
    return [(suite.name, case) for suite in xml for case in suite]


work = pathlib.Path(tempfile.mkdtemp())
clean = work / "clean"
shutil.copytree(here / "tests/fixtures/minimal", clean)
code, xml = report(clean)
assert code == 0
assert xml.tests == 8 and xml.failures == 0, (xml.tests, xml.failures)
assert all(case.is_passed for _, case in cases(xml))
code, xml = report(clean, "--fail-on", "warning")
assert code == 1 and xml.failures == 1
[(suite, failed)] = [(s, c) for s, c in cases(xml) if not c.is_passed]
assert suite == "plans/payroll.kdl" and failed.result[0].type == "SIG001", (suite, failed.result)

hostile = work / "hostile"
shutil.copytree(here / "tests/fixtures/minimal", hostile)
plan = hostile / "plans/payroll.kdl"
text = plan.read_text().replace(
    "notify=dc-duty", 'notify="x<&\\"\'\\u{1b}[2J\\u{0}\\u{7}]]>\\u{202e}\\u{fffe}"', 1
)
plan.write_text(text)
(hostile / "plans/a<&>'\".kdl").write_text('plan broken {\n  title "x"\n  covers nothing\n}\n')
code, xml = report(hostile)
assert code == 1
names = [suite.name for suite in xml]
assert "plans/a<&>'\".kdl" in names, names
messages = [case.result[0].message for _, case in cases(xml) if case.result and case.result[0].message]
assert any("x<&\"'\\u{1b}[2J\\u{0}\\u{7}]]>\\u{202e}\\u{fffe}" in m for m in messages), messages
for m in messages:
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in m), repr(m)
print(f"junitparser and xmllint: {len(names)} suites read, hostile text escaped")
