"""Parses `contingent due --format ics` with an independent iCalendar parser (the `icalendar`
package) and checks what a calendar subscription relies on. Run by .ci/run after the build."""

import datetime
import pathlib
import shutil
import subprocess
import sys
import tempfile

import icalendar

binary = sys.argv[1]
out = subprocess.run(
    [binary, "due", "plans", "--within", "1y", "--format", "ics"], check=True, capture_output=True
).stdout
cal = icalendar.Calendar.from_ical(out)
events = list(cal.walk("VEVENT"))
assert events, "no events"
uids = [str(e["UID"]) for e in events]
assert len(uids) == len(set(uids)), "duplicate UIDs"
for e in events:
    for prop in ("UID", "DTSTAMP", "DTSTART", "SUMMARY"):
        assert prop in e, f"{prop} missing in {e}"
for line in out.split(b"\r\n"):
    assert len(line) <= 75, f"line longer than 75 octets: {line!r}"
# a week later, the same items keep their UIDs (the calendar updates instead of duplicating)
later = subprocess.run(
    [binary, "due", "plans", "--within", "1y", "--format", "ics", "--as-of", "2026-11-08"],
    check=True,
    capture_output=True,
).stdout
later_uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(later).walk("VEVENT")}
assert set(uids) & later_uids, "no UID survived a week"

# reminders: one VALARM per event, two days before it
alarmed = subprocess.run(
    [binary, "due", "plans", "--within", "1y", "--format", "ics", "--alarm", "2d"], check=True, capture_output=True
).stdout
alarmed_events = list(icalendar.Calendar.from_ical(alarmed).walk("VEVENT"))
assert len(alarmed_events) == len(events)
for e in alarmed_events:
    alarms = [c for c in e.subcomponents if c.name == "VALARM"]
    assert len(alarms) == 1, e
    assert str(alarms[0]["ACTION"]) == "DISPLAY" and "DESCRIPTION" in alarms[0]
    assert alarms[0]["TRIGGER"].dt == -datetime.timedelta(days=2), alarms[0]["TRIGGER"].dt

# two repositories subscribed side by side never share a UID, even with the same items
here = pathlib.Path(__file__).resolve().parents[2]
other = pathlib.Path(tempfile.mkdtemp()) / "plans"
shutil.copytree(here / "plans", other)
config = other / "contingent.kdl"
config.write_text(config.read_text().replace('name "HPB / RZN', 'name "HPB / RZN (second site)', 1))
second = subprocess.run(
    [binary, "due", str(other), "--within", "1y", "--format", "ics"], check=True, capture_output=True
).stdout
second_uids = {str(e["UID"]) for e in icalendar.Calendar.from_ical(second).walk("VEVENT")}
assert len(second_uids) == len(uids), "the copy has the same items"
assert not second_uids & set(uids), "two repositories share UIDs"
# and a copy of the same repository (another clone) keeps them
same = pathlib.Path(tempfile.mkdtemp()) / "plans"
shutil.copytree(here / "plans", same)
cloned = subprocess.run(
    [binary, "due", str(same), "--within", "1y", "--format", "ics"], check=True, capture_output=True
).stdout
assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(cloned).walk("VEVENT")] == uids
print(f"icalendar: {len(events)} events parsed, UIDs unique, stable and per repository, VALARM read")
