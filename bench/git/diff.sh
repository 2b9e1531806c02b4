#!/usr/bin/env bash
# Benchmark `contingent diff` against `contingent check --changed-since` on the same change.
#
#   bench/git/diff.sh [--runs R] [--regen] [--plans N] [--changed K]
#
# The repository: bench/gen.py with N plans (default 10,000, one contract per 100 plans),
# committed on `main`; then K plans (default 10, spread over the repository) are changed in the
# work tree: one RTO raised, one forbidden action removed, one step reworded each. Measured:
#   (a) contingent diff main --format json          (merge base of main and HEAD vs the work tree)
#   (b) contingent check --changed-since main --format json   (the same two versions)
# Target: (a)/(b) <= 1.5. Both load and check the two versions; diff adds the model comparison,
# the sign-off state of both versions and the finding comparison.
#
# Everything goes to bench/out/ (git-diff-N, diff-N.hyperfine.json). Needs hyperfine, git and
# python3. Timings are reported, never asserted; exit 2 when something could not run.
set -euo pipefail

RUNS=5
REGEN=0
PLANS=10000
CHANGED=10
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
        --regen) REGEN=1; shift ;;
        --plans) PLANS="${2:?--plans needs a number}"; shift 2 ;;
        --changed) CHANGED="${2:?--changed needs a number}"; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "diff.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
for v in "$RUNS" "$PLANS" "$CHANGED"; do
    case "$v" in ''|*[!0-9]*|0) echo "diff.sh: numbers must be positive" >&2; exit 2 ;; esac
done
command -v hyperfine >/dev/null || { echo "diff.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/bench/out"
BIN="$ROOT/target/release/contingent"
mkdir -p "$OUT"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
export CONTINGENT_AS_OF=2026-11-01
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid

echo "== build (cargo build --release)"
cargo build --release --quiet
[ -x "$BIN" ] || { echo "diff.sh: $BIN was not built" >&2; exit 2; }

REPO="$OUT/git-diff-$PLANS"
if [ ! -d "$REPO/.git" ] || [ "$REGEN" = 1 ]; then
    echo "== generate $REPO ($PLANS plans, committed on main)"
    rm -rf "$REPO"
    CONTRACTS=$(( PLANS / 100 )); [ "$CONTRACTS" -ge 1 ] || CONTRACTS=1
    python3 bench/gen.py "$REPO" --plans "$PLANS" --contracts "$CONTRACTS" --force >/dev/null
    git init -q -b main "$REPO"
    git -C "$REPO" config gc.auto 0
    git -C "$REPO" add -A
    git -C "$REPO" commit -q -m "generated plan repository"
    git -C "$REPO" gc --quiet
fi
git -C "$REPO" checkout -q -- .

echo "== change $CHANGED plans in the work tree"
python3 - "$REPO" "$CHANGED" <<'PY'
import pathlib, re, sys
repo, k = pathlib.Path(sys.argv[1]), int(sys.argv[2])
plans = sorted((repo / "plans").glob("*.kdl"))
step = max(1, len(plans) // k)
for p in plans[::step][:k]:
    text = p.read_text()
    # raise the first objective's RTO, remove the second plan-level forbidden action, reword a step
    text = re.sub(r'(objective \S+ rto=")(\d+)([a-z]+")', lambda m: f"{m[1]}{int(m[2]) * 2}{m[3]}", text, count=1)
    forbidden = [m for m in re.finditer(r'^    forbidden "[^"\n]*"\n', text, re.M)]
    if len(forbidden) >= 2:
        text = text[:forbidden[1].start()] + text[forbidden[1].end():]
    text = re.sub(r'(step "[^"\n]*?) at once"', r'\1 immediately"', text, count=1)
    p.write_text(text)
PY
git -C "$REPO" status --short | sed 's/^/   /' | head -"$CHANGED"

echo "== correctness: what diff reports"
"$BIN" diff main "$REPO" --format json > "$OUT/diff-$PLANS.json"
python3 - "$OUT/diff-$PLANS.json" <<'PY'
import collections, json, sys
r = json.load(open(sys.argv[1]))
kinds = collections.Counter((c["class"], c["kind"]) for c in r["changes"])
print("   ", r["summary"], dict(kinds))
print("    approvals voided:", len(r["consequences"]["approvals"]),
      "new findings:", len(r["consequences"]["new_findings"]),
      "resolved:", len(r["consequences"]["resolved_findings"]))
PY

LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
echo "== timing"
hyperfine --warmup 1 --runs "$RUNS" --style basic --ignore-failure --export-json "$OUT/diff-$PLANS.hyperfine.json" \
    -n "check --changed-since" "'$BIN' check --changed-since main '$REPO' --format json > /dev/null" \
    -n "diff" "'$BIN' diff main '$REPO' --format json > /dev/null"
median() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"])' "$1" "$2"; }
CHECK=$(median "$OUT/diff-$PLANS.hyperfine.json" 0)
DIFF=$(median "$OUT/diff-$PLANS.hyperfine.json" 1)
RATIO=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$DIFF" "$CHECK")
# CPU time (user + system, means): less sensitive than wall time to other load on the machine
CPU=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["results"]
c, d = (x["user"] + x["system"] for x in r)
print(f"{d:.2f} s / {c:.2f} s = {d / c:.2f}x")' "$OUT/diff-$PLANS.hyperfine.json")
echo
echo "================ summary: $PLANS plans, $CHANGED changed, $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ) ================"
printf '%-34s %s\n' "check --changed-since (median)" "${CHECK} s"
printf '%-34s %s\n' "diff (median)" "${DIFF} s"
printf '%-34s %s\n' "ratio diff / check --changed-since" "${RATIO}x   (target: <= 1.5x)"
printf '%-34s %s\n' "CPU time diff / check (means)" "$CPU"
printf '%-34s %s\n' "load average before timing" "$LOAD"
echo "(one run on this machine: compare ratios, not absolute times; nothing here is asserted)"
