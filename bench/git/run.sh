#!/usr/bin/env bash
# Benchmark reading plans from Git: `contingent history` and `contingent check --staged`.
#
#   bench/git/run.sh [--runs R] [--regen]
#
# (1) history: a 1,000-plan repository (bench/gen.py) with 10,000 commits (bench/git/history.py,
#     imported with `git fast-import`, repacked as a clone would be): `contingent history PLAN` against
#     `git log --format=%H -- PATH` of the same plan. Target: ratio <= 2.
# (2) check --staged: the 10,000-plan repository of bench/run.sh (100 contracts), with every file
#     staged: `contingent check --staged` against `contingent check` of the work tree. Measured
#     twice: right after `git add` (loose objects) and after a commit and `git gc` (packed
#     objects, as in a clone). Target: ratio <= 1.2.
#
# Everything goes to bench/out/ (git-history-1000, git-10000, *.hyperfine.json). Needs hyperfine,
# git and python3. Timings are reported, never asserted; exit 2 when something could not run.
set -euo pipefail

RUNS=10
REGEN=0
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
        --runs=*) RUNS="${1#*=}"; shift ;;
        --regen) REGEN=1; shift ;;
        -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "run.sh: --runs must be a positive number" >&2; exit 2 ;; esac
command -v hyperfine >/dev/null || { echo "run.sh: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
OUT="$ROOT/bench/out"
BIN="$ROOT/target/release/contingent"
mkdir -p "$OUT"
# No user configuration, no variables of a surrounding Git hook.
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
export CONTINGENT_AS_OF=2026-11-01

echo "== build (cargo build --release)"
cargo build --release --quiet
[ -x "$BIN" ] || { echo "run.sh: $BIN was not built" >&2; exit 2; }

median() { # hyperfine JSON -> median seconds of command $2 (0-based)
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["median"])' "$1" "$2"
}
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$1" "$2"; }
ms() { python3 -c 'import sys; print(f"{float(sys.argv[1]) * 1000:.0f} ms")' "$1"; }

# ---------------------------------------------------------------------------------------------
# (1) history of one plan
HIST="$OUT/git-history-1000"
if [ ! -d "$HIST/.git" ] || [ "$REGEN" = 1 ]; then
    echo "== generate $HIST (1,000 plans, 10,000 commits)"
    rm -rf "$HIST" "$OUT/git-history-1000-files"
    python3 bench/gen.py "$OUT/git-history-1000-files" --plans 1000 --contracts 10 --force >/dev/null
    git init -q -b main "$HIST"
    git -C "$HIST" config gc.auto 0
    python3 bench/git/history.py "$OUT/git-history-1000-files" --commits 10000 | git -C "$HIST" fast-import --quiet
    git -C "$HIST" checkout -q main
    # fast-import stores each version as a delta against the one before; a clone gets the
    # deltas of pack-objects (newer versions as bases), so recompute them, as a server would.
    git -C "$HIST" repack -a -d -f --quiet
    git -C "$HIST" gc --quiet
    rm -rf "$OUT/git-history-1000-files"
fi
COMMITS=$(git -C "$HIST" rev-list --count HEAD)
PLAN=$(ls "$HIST/plans" | sed -n 1p)
PLAN="${PLAN%.kdl}"
VERSIONS=$("$BIN" history "$PLAN" --repo "$HIST" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["plans"][0]["versions"]))')
TOUCHED=$(git -C "$HIST" log --format=%H -- "plans/$PLAN.kdl" | wc -l)
echo "   $COMMITS commits; plan $PLAN: $TOUCHED commits touch plans/$PLAN.kdl, $VERSIONS versions (changes of meaning)"

echo "== (1) history of one plan vs git log"
hyperfine --warmup 2 --runs "$RUNS" --style basic --export-json "$OUT/git-history.hyperfine.json" \
    -n "git log" "git -C '$HIST' log --format=%H -- 'plans/$PLAN.kdl' > /dev/null" \
    -n "contingent history" "'$BIN' history '$PLAN' --repo '$HIST' > /dev/null"
GITLOG=$(median "$OUT/git-history.hyperfine.json" 0)
HISTORY=$(median "$OUT/git-history.hyperfine.json" 1)

echo "== (1b) history --as-of of every plan (not a target; for information)"
hyperfine --warmup 1 --runs 3 --style basic --export-json "$OUT/git-history-asof.hyperfine.json" \
    -n "history --as-of (1,000 plans)" "'$BIN' history --as-of 2024-12-31 --repo '$HIST' > /dev/null" \
    -n "history (1,000 plans, all versions)" "'$BIN' history --repo '$HIST' --format json > /dev/null"
ASOF=$(median "$OUT/git-history-asof.hyperfine.json" 0)
ALL=$(median "$OUT/git-history-asof.hyperfine.json" 1)

# ---------------------------------------------------------------------------------------------
# (2) check --staged on the 10,000-plan repository
SRC="$OUT/repo-10000-c100"
if [ ! -f "$SRC/contingent.kdl" ]; then
    echo "== generate $SRC"
    python3 bench/gen.py "$SRC" --plans 10000 --contracts 100 --force >/dev/null
fi
STAGED="$OUT/git-10000"
rm -rf "$STAGED"
cp -r "$SRC" "$STAGED"
git init -q -b main "$STAGED"
git -C "$STAGED" config gc.auto 0
git -C "$STAGED" add -A
FILES=$(git -C "$STAGED" ls-files | wc -l)
echo "== (2a) check --staged vs check, $FILES files staged as loose objects"
set +e
"$BIN" check "$STAGED" --format json > /dev/null; WORK_RC=$?
"$BIN" check "$STAGED" --staged --format json > /dev/null; STAGED_RC=$?
set -e
[ "$WORK_RC" = "$STAGED_RC" ] || { echo "run.sh: check exits $WORK_RC but check --staged exits $STAGED_RC" >&2; exit 2; }
hyperfine --warmup 1 --runs "$RUNS" --style basic -i --export-json "$OUT/git-staged-loose.hyperfine.json" \
    -n "check (work tree)" "'$BIN' check '$STAGED' --format json > /dev/null" \
    -n "check --staged (loose)" "'$BIN' check '$STAGED' --staged --format json > /dev/null"
WORK_A=$(median "$OUT/git-staged-loose.hyperfine.json" 0)
LOOSE=$(median "$OUT/git-staged-loose.hyperfine.json" 1)

git -C "$STAGED" -c user.name=bench -c user.email=bench@example.com commit -q -m "plan repository"
git -C "$STAGED" gc --quiet
echo "== (2b) check --staged vs check, objects packed (git gc)"
hyperfine --warmup 1 --runs "$RUNS" --style basic -i --export-json "$OUT/git-staged-packed.hyperfine.json" \
    -n "check (work tree)" "'$BIN' check '$STAGED' --format json > /dev/null" \
    -n "check --staged (packed)" "'$BIN' check '$STAGED' --staged --format json > /dev/null"
WORK_B=$(median "$OUT/git-staged-packed.hyperfine.json" 0)
PACKED=$(median "$OUT/git-staged-packed.hyperfine.json" 1)

echo
echo "== summary (medians)"
echo "history of one plan ($COMMITS commits, 1,000 plans): $(ms "$HISTORY") vs git log -- PATH $(ms "$GITLOG"): ratio $(ratio "$HISTORY" "$GITLOG") (target <= 2)"
echo "history --as-of, all 1,000 plans: $(ms "$ASOF"); history of all 1,000 plans: $(ms "$ALL")"
echo "check --staged, 10,000 plans ($FILES files), loose objects: $(ms "$LOOSE") vs work tree $(ms "$WORK_A"): ratio $(ratio "$LOOSE" "$WORK_A") (target <= 1.2)"
echo "check --staged, 10,000 plans, packed objects: $(ms "$PACKED") vs work tree $(ms "$WORK_B"): ratio $(ratio "$PACKED" "$WORK_B") (target <= 1.2)"
