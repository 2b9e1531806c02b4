#!/usr/bin/env bash
# The emergency handbook in a real browser: builds the bundled example's handbook, prints it to
# PDF with headless Chromium (`contingent handbook --format pdf`) and checks the PDFs with
# poppler's tools: the page count of each, that every forbidden action of every plan is in its
# PDF, that page 1 holds what the on-call engineer needs first (the forbidden actions, whom to
# call first with the deputy and their numbers, every escalation level, what to do when nobody
# answers) and the reference begins on page 2, and that the stamp (the plan's digest and the
# commit) is on every printed page. Renders each plan's first page to PNG (`pdftoppm`) and takes
# a screenshot of a page (`chromium --screenshot`).
#
# Usage: tests/handbook-print.sh [BINARY]   (default target/debug/contingent)
# HANDBOOK_PNG_DIR=DIR keeps the PNGs there. A missing peer fails the script (.ci/run installs
# chromium and poppler-utils).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-target/debug/contingent}
for program in chromium pdfinfo pdftotext pdftoppm git; do
    command -v "$program" >/dev/null || { echo "FAIL: $program is not installed (.ci/run installs chromium and poppler-utils)" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "FAIL: $bin is not built (cargo build)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/handbook"
fail=0
problem() { echo "FAIL: $*" >&2; fail=1; }

"$bin" handbook plans --out "$out" --format pdf --as-of 2026-11-01 --chromium "$(command -v chromium)"

commit=$(GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git rev-parse HEAD | cut -c1-7)
squeeze() { tr -d ' \t\n\f\r-'; }   # pdftotext joins a word broken at a hyphen

pages_of() { pdfinfo "$1" | awk '/^Pages:/ { print $2 }'; }

# A field of a contact in the example's contact files: `name`, `deputy`, or `24x7` (its first
# phone or mobile available around the clock).
contact() {
    awk -v id="$1" -v want="$2" '
        $1 == "contact" && $2 == id { on = 1; next }
        on && $1 == "}" { exit }
        on && want == "deputy" && $1 == "deputy" { print $2; exit }
        on && want == "name" && $1 == "name" { sub(/^[^"]*"/, ""); sub(/"[^"]*$/, ""); print; exit }
        on && want == "24x7" && ($1 == "phone" || $1 == "mobile") && /available="24x7"/ {
            sub(/^[^"]*"/, ""); sub(/".*$/, ""); print; exit
        }' plans/contacts/*.kdl
}

# Page 1 of a plan's PDF holds what the first minutes need and nothing of the reference: every
# forbidden action, the first level's contact with a 24x7 number, the deputy with theirs, every
# further level's contact, and what to do when nobody answers.
first_page() {
    local id=$1 kdl=$2 pdf=$3 page1 want level
    page1=$(pdftotext -raw -f 1 -l 1 "$pdf" - | squeeze)   # -raw: in the order of the page, not of the layout
    must() { case "$page1" in *"$(printf '%s' "$2" | squeeze)"*) ;; *) problem "$id: page 1 lacks $1: $2" ;; esac; }
    must "the heading" "FORBIDDEN: never do this"
    while IFS= read -r want; do must "a forbidden action" "$want"; done < <(sed -n 's/^ *forbidden "\(.*\)"$/\1/p' "$kdl")
    must "the heading" "Whom to call first, and when to escalate"
    must "the first call" "call first"
    level=$(sed -n 's/^ *level 1 notify=\([^ ]*\) .*/\1/p' "$kdl")
    must "level 1" "$(contact "$level" name)"
    must "level 1's number" "$(contact "$level" 24x7)"
    deputy=$(contact "$level" deputy)
    must "level 1's deputy" "$(contact "$deputy" name)"
    must "the deputy's number" "$(contact "$deputy" 24x7)"
    while IFS= read -r level; do must "a level" "$(contact "$level" name)"; done \
        < <(sed -n 's/^ *level [0-9]* notify=\([^ ]*\) .*/\1/p' "$kdl")
    must "the heading" "When nobody answers"
    must "what to do then" "$(sed -n 's/^ *unreachable "\(.*\)"$/\1/p' "$kdl")"
    case "$page1" in *"$(printf 'What this plan covers' | squeeze)"*) problem "$id: the reference begins on page 1" ;; esac
    pdftotext -f 2 -l 2 "$pdf" - | grep -q 'Plan digest' || problem "$id: page 2 does not begin the reference"
}

for kdl in plans/plans/*.kdl; do
    id=$(basename "$kdl" .kdl)
    pdf="$out/plan-$id.pdf"
    [ -s "$pdf" ] || { problem "$pdf was not written"; continue; }
    pages=$(pages_of "$pdf")
    if [ "$pages" -lt 3 ] || [ "$pages" -gt 30 ]; then
        problem "$id: $pages pages, expected 3 to 30"
    fi
    digest=$("$bin" digest "$id" --repo plans | grep -o 'sha256:[0-9a-f]\{64\}')
    pdftotext "$pdf" "$work/$id.txt"
    # the stamp on every page: pdftotext ends each page with a form feed
    stamped=$(awk -v RS='\f' -v d="$digest" -v c="commit $commit" \
        'length($0) > 0 { n++; if (index($0, d) && index($0, c)) ok++ } END { printf "%d/%d", ok, n }' "$work/$id.txt")
    [ "$stamped" = "$pages/$pages" ] || problem "$id: the stamp ($digest, commit $commit) is on $stamped pages"
    # every forbidden action, plan-wide and per scenario (compared without white space and hyphens, as
    # the PDF breaks lines)
    text=$(squeeze < "$work/$id.txt")
    count=0
    while IFS= read -r action; do
        count=$((count + 1))
        case "$text" in
            *"$(printf '%s' "$action" | squeeze)"*) ;;
            *) problem "$id: forbidden action not in the PDF: $action" ;;
        esac
    done < <(sed -n 's/^ *forbidden "\(.*\)"$/\1/p' "$kdl")
    [ "$count" -gt 0 ] || problem "$id: no forbidden action found in $kdl"
    first_page "$id" "$kdl" "$pdf"
    echo "ok: plan-$id.pdf: $pages pages, stamp on $stamped, $count forbidden actions; page 1: forbidden, call first, escalate"
done

for page in index contacts; do
    [ -s "$out/$page.pdf" ] || { problem "$page.pdf was not written"; continue; }
    pages=$(pages_of "$out/$page.pdf")
    [ "$pages" -ge 1 ] && [ "$pages" -le 20 ] || problem "$page.pdf: $pages pages"
    stamped=$(pdftotext "$out/$page.pdf" - | awk -v c="commit $commit" \
        'length($0) > 0 { n++; if (index($0, c)) ok++ } END { printf "%d/%d", ok, n }' RS='\f')
    [ "$stamped" = "$pages/$pages" ] || problem "$page.pdf: the commit is on $stamped pages"
    echo "ok: $page.pdf: $pages pages, stamp on $stamped"
done

# The first printed page of every plan as an image, and a screenshot of a page on screen.
for kdl in plans/plans/*.kdl; do
    id=$(basename "$kdl" .kdl)
    pdftoppm -png -r 70 -f 1 -l 1 -singlefile "$out/plan-$id.pdf" "$work/page1-$id"
done
png="$work/page1-payroll.png"
[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || problem "pdftoppm wrote no PNG"
sandbox=()
[ "$(id -u)" = 0 ] && sandbox=(--no-sandbox)   # Chromium's sandbox refuses to run as root
chromium --headless --disable-gpu --no-first-run --disable-background-networking --disable-component-update \
    --disable-sync --disable-quic "${sandbox[@]}" --user-data-dir="$work/profile" --window-size=1024,1400 \
    --screenshot="$work/screenshot.png" "file://$out/plan-payroll.html" 2>"$work/chromium.log" \
    || { cat "$work/chromium.log" >&2; problem "chromium --screenshot failed"; }
[ "$(head -c 8 "$work/screenshot.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || problem "no screenshot"
if [ -n "${HANDBOOK_PNG_DIR:-}" ]; then
    mkdir -p "$HANDBOOK_PNG_DIR"
    cp "$work"/page1-*.png "$HANDBOOK_PNG_DIR/"
    cp "$work/screenshot.png" "$HANDBOOK_PNG_DIR/handbook-screenshot.png"
fi
echo "ok: page image and screenshot"

[ "$fail" = 0 ] || exit 1
echo "handbook print: ok"
