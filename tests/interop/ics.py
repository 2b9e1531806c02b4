"""Parses `contingent due --format ics` with an independent iCalendar parser (the `icalendar`
package) and checks what a calendar subscription relies on. Run by .ci/run after the build."""

import subprocess
import sys

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
print(f"icalendar: {len(events)} events parsed, UIDs unique and stable")
