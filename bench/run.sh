#!/usr/bin/env bash
# Benchmark `contingent check` on a synthetic plan repository. See bench/README.md.
#
#   bench/run.sh [--plans N] [--regen] [--runs R] [--cores K] [--contracts C]
#
#   --plans N      size of the generated repository (default 10000) -> bench/out/repo-N
#   --regen        regenerate the repository even if it exists
#   --contracts C  split the SLAs over C contracts instead of one (gen.py --contracts)
#                  -> bench/out/repo-N-cC
#   --runs R       timed runs per command (default 5), after one warm-up run
#   --cores K      pin every measured run to the first K CPUs (taskset), e.g. --cores 2
#
# Prints the wall time of the check, of the read+parse baseline (`contingent bench-parse`, if the
# binary has it), their ratio, the check's peak RSS and the file count. Timings are reported, never
# asserted. Exit status: 0 when the check found no errors; 1 when it reported errors on the
# generated repository (a bug in gen.py or in the checker; the numbers are still printed); 2 when
# something could not run.
set -euo pipefail

PLANS=10000
REGEN=0
RUNS=5
CORES=""
CONTRACTS=""   # default: one contract per 100 plans, as a provider would hold them
SEED=1
while [ $# -gt 0 ]; do
    case "$1" in
        --plans) PLANS="${2:?--plans needs a number}"; shift 2 ;;
        --plans=*) PLANS="${1#*=}"; shift ;;
        --regen) REGEN=1; shift ;;
        --runs) RUNS="${2:?--runs needs a number}"; shift 2 ;;
        --runs=*) RUNS="${1#*=}"; shift ;;
        --cores) CORES="${2:?--cores needs a number}"; shift 2 ;;
        --cores=*) CORES="${1#*=}"; shift ;;
        --contracts) CONTRACTS="${2:?--contracts needs a number}"; shift 2 ;;
        --contracts=*) CONTRACTS="${1#*=}"; shift ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
case "$PLANS" in ''|*[!0-9]*|0) echo "run.sh: --plans must be a positive number" >&2; exit 2 ;; esac
case "$RUNS" in ''|*[!0-9]*|0) echo "run.sh: --runs must be a positive number" >&2; exit 2 ;; esac
if [ -z "$CONTRACTS" ]; then CONTRACTS=$(( PLANS / 100 )); [ "$CONTRACTS" -ge 1 ] || CONTRACTS=1; fi
case "$CONTRACTS" in ''|*[!0-9]*|0) echo "run.sh: --contracts must be a positive number" >&2; exit 2 ;; esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# The generated dates are fixed: check as of the day they were made for (see README.md).
export CONTINGENT_AS_OF=2026-11-01
BIN="$ROOT/target/release/contingent"
REPO="bench/out/repo-$PLANS"
[ "$CONTRACTS" = 1 ] || REPO="$REPO-c$CONTRACTS"
TAG="$(basename "$REPO")"
OUT="bench/out"
mkdir -p "$OUT"

PIN=()
if [ -n "$CORES" ]; then
    case "$CORES" in *[!0-9]*|0) echo "run.sh: --cores must be a positive number" >&2; exit 2 ;; esac
    command -v taskset >/dev/null || { echo "run.sh: --cores needs taskset (util-linux)" >&2; exit 2; }
    PIN=(taskset -c "0-$((CORES - 1))")
fi
pin_prefix() { [ ${#PIN[@]} -gt 0 ] && printf '%s ' "${PIN[@]}"; return 0; }

echo "== build (cargo build --release)"
cargo build --release
[ -x "$BIN" ] || { echo "run.sh: $BIN was not built" >&2; exit 2; }

echo "== repository $REPO"
if [ -f "$REPO/contingent.kdl" ] && [ "$REGEN" = 0 ]; then
    echo "exists, not regenerated (use --regen to rebuild it)"
else
    python3 bench/gen.py "$REPO" --plans "$PLANS" --seed "$SEED" --contracts "$CONTRACTS" --force
fi
FILES=$(find "$REPO" -type f -name '*.kdl' | wc -l)
BYTES=$(du -sb "$REPO" | cut -f1)

# --- correctness: the generated repository must check clean.
echo "== correctness run"
set +e
"${PIN[@]}" "$BIN" check --allow-unsigned "$REPO" --format json > "$OUT/check-$TAG.json" 2> "$OUT/check-$TAG.stderr"
RC=$?
set -e
BUG=0
case "$RC" in
    0) echo "check exit 0: no errors" ;;
    1)
        BUG=1
        echo
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        echo "!!! BUG: contingent check exited 1 (errors) on the generated repository."
        echo "!!! Either bench/gen.py writes something invalid or the checker is wrong."
        echo "!!! First diagnostics (full output: $OUT/check-$TAG.json):"
        python3 - "$OUT/check-$TAG.json" <<'PY' || head -c 3000 "$OUT/check-$TAG.json"
import json, sys
r = json.load(open(sys.argv[1]))
print("!!! summary:", r.get("summary"))
for d in r.get("diagnostics", [])[:5]:
    print("!!!  ", json.dumps(d, ensure_ascii=False)[:600])
PY
        echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        echo "(measuring anyway)"
        echo
        ;;
    *) echo "run.sh: contingent check could not run (exit $RC):" >&2; head -20 "$OUT/check-$TAG.stderr" >&2; exit 2 ;;
esac
CHECKED=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["files"])' "$OUT/check-$TAG.json" 2>/dev/null || echo "?")

# --- timing tool: hyperfine if present (installed with apt-get if possible), else /usr/bin/time.
if ! command -v hyperfine >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "== installing hyperfine (apt-get install -y hyperfine)"
    apt-get install -y hyperfine >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y hyperfine >/dev/null 2>&1; } || echo "could not install hyperfine; falling back to /usr/bin/time"
fi
TIMEBIN=""
[ -x /usr/bin/time ] && TIMEBIN=/usr/bin/time

# measure NAME COMMAND -> prints the median wall time in seconds on stdout.
measure() {
    local name="$1" cmd="$2"
    if command -v hyperfine >/dev/null 2>&1; then
        local ign=()
        [ "$name" = check ] && [ "$RC" = 1 ] && ign=(--ignore-failure)
        hyperfine --style basic --warmup 1 --runs "$RUNS" "${ign[@]}" \
            --export-json "$OUT/$name-$TAG.hyperfine.json" --command-name "$name" "$cmd" >&2
        python3 - "$OUT/$name-$TAG.hyperfine.json" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f'{r.get("median", statistics.median(r["times"])):.3f}')
PY
    else
        [ -n "$TIMEBIN" ] || { echo "run.sh: neither hyperfine nor /usr/bin/time is available" >&2; exit 2; }
        echo "timing $name with /usr/bin/time: 1 warm-up + $RUNS runs, median" >&2
        bash -c "$cmd" >/dev/null 2>&1 || true
        local times=() i t
        for ((i = 0; i < RUNS; i++)); do
            t=$("$TIMEBIN" -f '%e' bash -c "$cmd" 2>&1 >/dev/null | tail -1)
            echo "  run $((i + 1)): ${t}s" >&2
            times+=("$t")
        done
        printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f\n", m}'
    fi
}

echo "== timing (a) check"
CHECK_CMD="$(pin_prefix)$BIN check --allow-unsigned $REPO --format json > /dev/null"
echo "\$ $CHECK_CMD"
CHECK_S=$(measure check "$CHECK_CMD")

echo "== timing (b) baseline: read + parse only"
BASE_S=""
BASE_NOTE=""
if "$BIN" bench-parse --help >/dev/null 2>&1; then
    BASE_CMD="$(pin_prefix)$BIN bench-parse $REPO > /dev/null"
    echo "\$ $BASE_CMD"
    BASE_S=$(measure baseline "$BASE_CMD")
    # The baseline is only fair if it parses what the check parses. It reports "N top-level
    # nodes"; every top-level node of a generated file starts a line with its kind.
    BASE_NODES=$("$BIN" bench-parse "$REPO" 2>/dev/null | sed -n 's/.* \([0-9][0-9]*\) top-level nodes.*/\1/p' | head -1)
    WANT_NODES=$(find "$REPO" -name '*.kdl' ! -path "$REPO/contingent.kdl" -exec cat {} + | grep -cE '^(contact|system|interface|contract|plan|exercise|signoff) ' || true)
    if [ -n "$BASE_NODES" ] && [ "$BASE_NODES" != "$WANT_NODES" ]; then
        BASE_NOTE="WARNING: bench-parse parsed $BASE_NODES top-level nodes, the repository has $WANT_NODES (a file skipped, e.g. one over 1 MiB?): the baseline is too low"
        echo "$BASE_NOTE"
    fi
else
    echo "baseline: not available (this build has no \`contingent bench-parse\`)"
fi

echo "== peak memory of (a) (/usr/bin/time -v)"
RSS_MB=""
if [ -n "$TIMEBIN" ]; then
    "$TIMEBIN" -v "${PIN[@]}" "$BIN" check --allow-unsigned "$REPO" --format json > /dev/null 2> "$OUT/check-$TAG.time-v" || true
    RSS_KB=$(awk -F': *' '/Maximum resident set size/ {print $2}' "$OUT/check-$TAG.time-v")
    [ -n "$RSS_KB" ] && RSS_MB=$(awk -v k="$RSS_KB" 'BEGIN {printf "%.0f", k / 1024}')
else
    echo "/usr/bin/time is missing: peak memory not measured"
fi

CPUS=$( [ -n "$CORES" ] && echo "$CORES (pinned)" || nproc )
echo
echo "================ summary: $PLANS plans ($CONTRACTS contract file(s)), $(date -u +%Y-%m-%dT%H:%MZ) ================"
printf '%-28s %s\n' "repository" "$REPO ($FILES .kdl files, $((BYTES / 1000000)) MB; check saw $CHECKED files)"
printf '%-28s %s\n' "CPUs" "$CPUS"
printf '%-28s %s\n' "check exit status" "$RC$( [ $BUG = 1 ] && echo '  <-- BUG: errors on a generated repository' )"
printf '%-28s %s\n' "check wall time (median)" "${CHECK_S} s   (target for 10000 plans: < 1 s on 2 cores)"
if [ -n "$BASE_S" ]; then
    RATIO=$(awk -v a="$CHECK_S" -v b="$BASE_S" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}')
    printf '%-28s %s\n' "baseline wall time (median)" "${BASE_S} s   (contingent bench-parse: list, read, KDL-parse)"
    printf '%-28s %s\n' "ratio check / baseline" "${RATIO}x   (target: <= 3x)"
    [ -z "$BASE_NOTE" ] || echo "$BASE_NOTE"
else
    printf '%-28s %s\n' "baseline wall time" "not available"
    printf '%-28s %s\n' "ratio check / baseline" "n/a"
fi
printf '%-28s %s\n' "check peak RSS" "${RSS_MB:-n/a} MB   (target: < 500 MB)"
echo "(one run on this machine: compare ratios, not absolute times; nothing here is asserted)"
[ $BUG = 1 ] && exit 1
exit 0
