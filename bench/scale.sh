#!/usr/bin/env bash
# Benchmark the commands besides `check` on large repositories, against `check` timed in the same
# run: export, handbook, diff, check --changed-since, and history against `git log -- PATH`.
#
#   bench/scale.sh [--plans N] [--changed K] [--runs R] [--regen] [--bin PATH] [--no-build]
#
#   --plans N     size of the generated repository (default 10000, one contract per 100 plans)
#                 -> bench/out/repo-N-cC, as bench/run.sh makes it (reused when it exists)
#   --changed K   plans changed in the work tree for diff and --changed-since (default 10), in
#                 bench/out/git-diff-N, as bench/git/diff.sh makes it (reused when it exists)
#   --runs R      timed runs per command (default 3, after one warm-up run)
#   --regen       regenerate the repositories
#   --bin PATH    measure this binary instead of target/release/contingent (implies --no-build)
#   --no-build    do not run `cargo build --release`
#
# The history row uses bench/out/git-history-100: 100 plans (bench/gen.py) and 11,500 commits
# (bench/git/history.py), so the plan measured has about 80 versions. Prints markdown table rows
# `| row | measured (ratio, MB) | goal |` at the end, to be appended to run.sh's table. Times are
# medians (hyperfine when installed, else /usr/bin/time), memory is the peak RSS of one run
# (/usr/bin/time -v), fsyncs are counted with strace -c -f (when installed). Timings are
# reported, never asserted; exit 2 when something could not run.
set -euo pipefail

PLANS=10000
CHANGED=10
RUNS=3
REGEN=0
BUILD=1
BIN=""
while [ $# -gt 0 ]; do
    case "$1" in
        --plans) PLANS="${2:?--plans needs a number}"; shift 2 ;;
        --changed) CHANGED="${2:?--changed needs a number}"; shift 2 ;;
        --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
        --regen) REGEN=1; shift ;;
        --bin) BIN="${2:?--bin needs a path}"; BUILD=0; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "scale.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
for v in "$PLANS" "$CHANGED" "$RUNS"; do
    case "$v" in ''|*[!0-9]*|0) echo "scale.sh: numbers must be positive" >&2; exit 2 ;; esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
[ -n "$BIN" ] || BIN="$ROOT/target/release/contingent"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
export CONTINGENT_AS_OF=2026-11-01
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid

if [ "$BUILD" = 1 ]; then
    echo "== build (cargo build --release)"
    cargo build --release --quiet
fi
[ -x "$BIN" ] || { echo "scale.sh: $BIN is missing" >&2; exit 2; }
TIMEBIN=""
[ -x /usr/bin/time ] && TIMEBIN=/usr/bin/time
[ -n "$TIMEBIN" ] || command -v hyperfine >/dev/null || { echo "scale.sh: needs hyperfine or /usr/bin/time" >&2; exit 2; }

# --- the repositories --------------------------------------------------------------------------
CONTRACTS=$(( PLANS / 100 )); [ "$CONTRACTS" -ge 1 ] || CONTRACTS=1
REPO="$OUT/repo-$PLANS"; [ "$CONTRACTS" = 1 ] || REPO="$REPO-c$CONTRACTS"
if [ ! -f "$REPO/contingent.kdl" ] || [ "$REGEN" = 1 ]; then
    echo "== generate $REPO"
    python3 bench/gen.py "$REPO" --plans "$PLANS" --contracts "$CONTRACTS" --force >/dev/null
fi

DREPO="$OUT/git-diff-$PLANS"
if [ ! -d "$DREPO/.git" ] || [ "$REGEN" = 1 ]; then
    echo "== generate $DREPO (committed on main)"
    rm -rf "$DREPO"
    python3 bench/gen.py "$DREPO" --plans "$PLANS" --contracts "$CONTRACTS" --force >/dev/null
    git init -q -b main "$DREPO"
    git -C "$DREPO" config gc.auto 0
    git -C "$DREPO" add -A
    git -C "$DREPO" commit -q -m "generated plan repository"
    git -C "$DREPO" gc --quiet
fi
git -C "$DREPO" checkout -q -- .
# the change of bench/git/diff.sh: one RTO raised, one forbidden action removed, one step reworded
python3 - "$DREPO" "$CHANGED" <<'PY'
import pathlib, re, sys
repo, k = pathlib.Path(sys.argv[1]), int(sys.argv[2])
plans = sorted((repo / "plans").glob("*.kdl"))
step = max(1, len(plans) // k)
for p in plans[::step][:k]:
    text = p.read_text()
    text = re.sub(r'(objective \S+ rto=")(\d+)([a-z]+")', lambda m: f"{m[1]}{int(m[2]) * 2}{m[3]}", text, count=1)
    forbidden = [m for m in re.finditer(r'^    forbidden "[^"\n]*"\n', text, re.M)]
    if len(forbidden) >= 2:
        text = text[:forbidden[1].start()] + text[forbidden[1].end():]
    text = re.sub(r'(step "[^"\n]*?) at once"', r'\1 immediately"', text, count=1)
    p.write_text(text)
PY

HREPO="$OUT/git-history-100"
if [ ! -d "$HREPO/.git" ] || [ "$REGEN" = 1 ]; then
    echo "== generate $HREPO (100 plans, 11,500 commits)"
    rm -rf "$HREPO" "$OUT/git-history-100-files"
    python3 bench/gen.py "$OUT/git-history-100-files" --plans 100 --contracts 1 --force >/dev/null
    git init -q -b main "$HREPO"
    git -C "$HREPO" config gc.auto 0
    python3 bench/git/history.py "$OUT/git-history-100-files" --commits 11500 2>/dev/null | git -C "$HREPO" fast-import --quiet
    git -C "$HREPO" checkout -q main
    git -C "$HREPO" repack -a -d -f --quiet
    git -C "$HREPO" gc --quiet
    rm -rf "$OUT/git-history-100-files"
fi
HPLAN=$(ls "$HREPO/plans" | sed -n 1p)
HPLAN="${HPLAN%.kdl}"

# --- measuring ---------------------------------------------------------------------------------
# median NAME COMMAND -> median wall seconds on stdout
median() {
    local name="$1" cmd="$2"
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine --style basic --warmup 1 --runs "$RUNS" --ignore-failure \
            --export-json "$OUT/scale-$name.hyperfine.json" --command-name "$name" "$cmd" >&2
        python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' \
            "$OUT/scale-$name.hyperfine.json"
    else
        bash -c "$cmd" >/dev/null 2>&1 || true
        local times=() i
        for ((i = 0; i < RUNS; i++)); do
            times+=("$("$TIMEBIN" -f '%e' bash -c "$cmd" 2>&1 >/dev/null | tail -1)")
        done
        printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f\n", m}'
    fi
}
# rss COMMAND... -> peak RSS in MB of one run
rss() {
    [ -n "$TIMEBIN" ] || { echo "n/a"; return; }
    "$TIMEBIN" -v "$@" > /dev/null 2> "$OUT/scale.time-v" || true
    awk -F': *' '/Maximum resident set size/ {printf "%.0f\n", $2 / 1024}' "$OUT/scale.time-v"
}
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$1" "$2"; }

HB="$OUT/handbook-$PLANS"
echo "== check (the baseline)"
CHECK=$(median check "'$BIN' check --allow-unsigned '$REPO' --format json > /dev/null")
CHECK_MB=$(rss "$BIN" check --allow-unsigned "$REPO" --format json)
echo "== export"
"$BIN" export "$REPO" --format json > "$OUT/scale-export.json" || true
EXPORT=$(median export "'$BIN' export '$REPO' --format json > /dev/null")
EXPORT_MB=$(rss "$BIN" export "$REPO" --format json)
echo "== handbook"
HANDBOOK=$(median handbook "'$BIN' handbook '$REPO' --out '$HB' > /dev/null")
HANDBOOK_MB=$(rss "$BIN" handbook "$REPO" --out "$HB")
FSYNC="n/a"
if command -v strace >/dev/null 2>&1; then
    strace -c -f -e trace=fsync,fdatasync -o "$OUT/scale-handbook.strace" "$BIN" handbook "$REPO" --out "$HB" > /dev/null || true
    CALLS=$(awk '$NF == "fsync" || $NF == "fdatasync" {n += $4} END {print n + 0}' "$OUT/scale-handbook.strace")
    FSYNC=$(python3 -c 'import sys; print(f"{int(sys.argv[1]) * 1000 / int(sys.argv[2]):.1f}")' "$CALLS" "$PLANS")
fi
echo "== diff and check --changed-since ($CHANGED plans changed)"
DIFF=$(median diff "'$BIN' diff main '$DREPO' --format json > /dev/null")
DIFF_MB=$(rss "$BIN" diff main "$DREPO" --format json)
SINCE=$(median changed-since "'$BIN' check --changed-since main '$DREPO' --format json > /dev/null")
SINCE_MB=$(rss "$BIN" check --changed-since main "$DREPO" --format json)
echo "== history of $HPLAN vs git log"
VERSIONS=$("$BIN" history "$HPLAN" "$HREPO" --format json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["plans"][0]["versions"]))')
GITLOG=$(median git-log "git -C '$HREPO' log --format=%H -- 'plans/$HPLAN.kdl' > /dev/null")
HISTORY=$(median history "'$BIN' history '$HPLAN' '$HREPO' > /dev/null")
HISTORY_MB=$(rss "$BIN" history "$HPLAN" "$HREPO")
ms() { python3 -c 'import sys; print(f"{float(sys.argv[1]) * 1000:.0f} ms")' "$1"; }

echo
echo "== $PLANS plans, $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ), $BIN"
echo "| row | measured (ratio, MB) | goal |"
echo "| --- | --- | --- |"
echo "| \`check\` ${PLANS} (baseline of this run) | ${CHECK} s, ${CHECK_MB} MB | — |"
echo "| \`export\` ${PLANS} | ${EXPORT} s ($(ratio "$EXPORT" "$CHECK")x check), ${EXPORT_MB} MB | ≤ check's time, < 200 MB |"
echo "| \`handbook\` ${PLANS} | ${HANDBOOK} s ($(ratio "$HANDBOOK" "$CHECK")x check), ${HANDBOOK_MB} MB, ${FSYNC} \`fsync\` per 1k plans | ≤ 2x check, < 300 MB |"
echo "| \`diff\` ${PLANS}, ${CHANGED} changed | ${DIFF} s ($(ratio "$DIFF" "$CHECK")x check), ${DIFF_MB} MB | ≤ 1.5x check |"
echo "| \`check --changed-since\` ${PLANS}, ${CHANGED} changed | ${SINCE} s ($(ratio "$SINCE" "$CHECK")x check), ${SINCE_MB} MB | ≤ 1.5x check |"
echo "| \`history\` of a plan with ${VERSIONS} versions | $(ms "$HISTORY") vs \`git log -- path\` $(ms "$GITLOG") ($(ratio "$HISTORY" "$GITLOG")x), ${HISTORY_MB} MB | ≤ 1.5x git log |"
