#!/usr/bin/env bash
# Benchmark `contingent check` on a synthetic plan repository against its peers. See bench/README.md.
#
#   bench/run.sh [--plans N] [--regen] [--runs R] [--cores K] [--contracts C] [--no-peers]
#
#   --plans N      size of the generated repository (default 10000) -> bench/out/repo-N-cC
#   --regen        regenerate the repository even if it exists
#   --contracts C  split the SLAs over C contracts (default: one per 100 plans; 1 -> bench/out/repo-N)
#   --runs R       timed runs per command (default 5), after one warm-up run
#   --cores K      pin every measured run to the first K CPUs (taskset), e.g. --cores 2
#   --no-peers     time only check and the raw read floor (no pip/npm installs)
#
# Times `contingent check` and its peers on the same content: the raw read floor
# (`find -name '*.kdl' | xargs cat`), jsonschema-rs (PyPI `jsonschema-rs`) and ajv-cli (npm,
# 2 jobs) validating the objects exported as JSON (`contingent export`) against `schema/`, schema
# only. Prints the ratios beside the goals and the check's peak RSS. Timings are reported, never
# asserted. Exit status: 0 when the generated repository checks clean (no errors, no warnings);
# 1 when it does not (the numbers are still printed: a bug in gen.py or in a rule); 2 when
# something could not run.
set -euo pipefail

PLANS=10000
REGEN=0
RUNS=5
CORES=""
CONTRACTS=""   # default: one contract per 100 plans, as a provider would hold them
PEERS=1
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
        --no-peers) PEERS=0; shift ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
# CONTINGENT_BIN: measure another build (e.g. an older one) instead of building this tree.
BIN="${CONTINGENT_BIN:-$ROOT/target/release/contingent}"
REPO="bench/out/repo-$PLANS"
[ "$CONTRACTS" = 1 ] || REPO="$REPO-c$CONTRACTS"
TAG="$(basename "$REPO")"
OUT="bench/out"
PEERDIR="$OUT/peers"
mkdir -p "$OUT"

PIN=()
if [ -n "$CORES" ]; then
    case "$CORES" in *[!0-9]*|0) echo "run.sh: --cores must be a positive number" >&2; exit 2 ;; esac
    command -v taskset >/dev/null || { echo "run.sh: --cores needs taskset (util-linux)" >&2; exit 2; }
    PIN=(taskset -c "0-$((CORES - 1))")
fi
pin_prefix() { [ ${#PIN[@]} -gt 0 ] && printf '%s ' "${PIN[@]}"; return 0; }

if [ -z "${CONTINGENT_BIN:-}" ]; then
    echo "== build (cargo build --release)"
    cargo build --release
fi
[ -x "$BIN" ] || { echo "run.sh: $BIN was not built" >&2; exit 2; }

echo "== repository $REPO"
if [ -f "$REPO/contingent.kdl" ] && [ "$REGEN" = 0 ]; then
    echo "exists, not regenerated (use --regen to rebuild it)"
else
    python3 bench/gen.py "$REPO" --plans "$PLANS" --seed "$SEED" --contracts "$CONTRACTS" --force
fi
FILES=$(find "$REPO" -type f -name '*.kdl' | wc -l)
BYTES=$(du -sb "$REPO" | cut -f1)

# --- correctness: the generated repository must check clean, warnings included.
echo "== correctness run"
set +e
"${PIN[@]}" "$BIN" check --allow-unsigned "$REPO" --format json > "$OUT/check-$TAG.json" 2> "$OUT/check-$TAG.stderr"
RC=$?
set -e
[ "$RC" -le 1 ] || { echo "run.sh: contingent check could not run (exit $RC):" >&2; head -20 "$OUT/check-$TAG.stderr" >&2; exit 2; }
# The generated plans carry no sign-off records: `--allow-unsigned` reports each as SIG001, a
# warning instead of an error. Every other warning is a finding on a repository meant to be clean.
SUMMARY=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
unsigned = sum(1 for d in r["diagnostics"] if d["code"] == "SIG001" and d["severity"] == "warning")
print(s["files"], s["errors"], s["warnings"] - unsigned, unsigned, s["notes"])' "$OUT/check-$TAG.json")
read -r CHECKED ERRORS WARNINGS UNSIGNED NOTES <<< "$SUMMARY"
BUG=0
if [ "$RC" = 0 ] && [ "$ERRORS" = 0 ] && [ "$WARNINGS" = 0 ]; then
    echo "check exit 0: clean ($CHECKED files; $UNSIGNED plans unsigned (SIG001, allowed), $NOTES notes)"
else
    BUG=1
    echo
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "!!! NOT CLEAN: contingent check exited $RC with $ERRORS errors and $WARNINGS warnings"
    echo "!!! (besides the $UNSIGNED unsigned plans that --allow-unsigned reports as SIG001 warnings)"
    echo "!!! on the generated repository. Either bench/gen.py writes something wrong or a"
    echo "!!! rule is (a false positive on realistic text). Findings by code, and the first ones"
    echo "!!! (full output: $OUT/check-$TAG.json):"
    python3 - "$OUT/check-$TAG.json" <<'PY' || head -c 3000 "$OUT/check-$TAG.json"
import collections, json, sys
r = json.load(open(sys.argv[1]))
ds = [d for d in r.get("diagnostics", []) if d.get("severity") == "error" or (d.get("severity") == "warning" and d.get("code") != "SIG001")]
for code, n in collections.Counter(d.get("code") for d in ds).most_common():
    print(f"!!!   {code}: {n}")
for d in ds[:5]:
    print("!!!  ", json.dumps(d, ensure_ascii=False)[:600])
PY
    echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
    echo "(measuring anyway; exit status 1 at the end)"
    echo
fi

# --- peers: jsonschema-rs (pip) and ajv-cli (npm), installed into bench/out/peers.
JSR_OK=0
AJV_OK=0
AJV="$PEERDIR/npm/node_modules/.bin/ajv"
JSONDIR="$OUT/json-$TAG"
if [ "$PEERS" = 1 ]; then
    echo "== peers"
    mkdir -p "$PEERDIR"
    if PYTHONPATH="$PEERDIR/py" python3 -c 'import jsonschema_rs' 2>/dev/null \
        || python3 -m pip install --quiet --disable-pip-version-check --target "$PEERDIR/py" jsonschema-rs; then
        JSR_OK=1
    else
        echo "could not install jsonschema-rs (pip): that row is skipped"
    fi
    if [ -x "$AJV" ] || { command -v npm >/dev/null && npm install --silent --prefix "$PEERDIR/npm" ajv-cli >/dev/null; }; then
        AJV_OK=1
    else
        echo "could not install ajv-cli (npm): that row is skipped"
    fi
    if [ ! -f "$JSONDIR/count" ] || [ "$REPO/contingent.kdl" -nt "$JSONDIR/count" ]; then
        echo "exporting the repository as JSON (contingent export) -> $JSONDIR"
        rm -rf "$JSONDIR"
        "$BIN" export "$REPO" --format json > "$OUT/export-$TAG.json"
        python3 bench/peers.py split "$OUT/export-$TAG.json" "$JSONDIR" schema
        rm -f "$OUT/export-$TAG.json"
    fi
    if [ "$JSR_OK" = 1 ]; then
        PYTHONPATH="$PEERDIR/py" python3 bench/peers.py validate "$JSONDIR" schema || { echo "run.sh: jsonschema-rs finds the exported objects invalid" >&2; exit 2; }
    fi
    AJV_CMD="printf '0\\n1\\n' | $(pin_prefix)xargs -P 2 -I{} $AJV validate --spec=draft2020 --strict=false -s $JSONDIR/any.schema.json -r 'schema/*.schema.json' -d '$JSONDIR/{}/*.json'"
    if [ "$AJV_OK" = 1 ]; then
        bash -c "$AJV_CMD" > "$OUT/ajv-$TAG.out" 2>&1 || { echo "run.sh: ajv-cli failed or finds the exported objects invalid:" >&2; grep -v ' valid$' "$OUT/ajv-$TAG.out" | head -20 >&2; exit 2; }
        echo "ajv-cli: $(grep -c ' valid$' "$OUT/ajv-$TAG.out") JSON files valid"
    fi
fi

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
    echo "\$ $cmd" >&2
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

echo "== timing check"
CHECK_S=$(measure check "$(pin_prefix)$BIN check --allow-unsigned $REPO --format json > /dev/null")
echo "== timing the raw read floor"
FLOOR_S=$(measure floor "$(pin_prefix)find $REPO -type f -name '*.kdl' -print0 | $(pin_prefix)xargs -0 cat > /dev/null")
JSR_S=""
AJV_S=""
if [ "$JSR_OK" = 1 ]; then
    echo "== timing jsonschema-rs (schema only, exported JSON)"
    JSR_S=$(measure jsonschema-rs "PYTHONPATH=$PEERDIR/py $(pin_prefix)python3 bench/peers.py validate $JSONDIR schema > /dev/null")
fi
if [ "$AJV_OK" = 1 ]; then
    echo "== timing ajv-cli, 2 jobs (schema only, exported JSON)"
    AJV_S=$(measure ajv-cli "$AJV_CMD > /dev/null 2>&1")
fi

echo "== peak memory of check (/usr/bin/time -v)"
RSS_MB=""
if [ -n "$TIMEBIN" ]; then
    "$TIMEBIN" -v "${PIN[@]}" "$BIN" check --allow-unsigned "$REPO" --format json > /dev/null 2> "$OUT/check-$TAG.time-v" || true
    RSS_KB=$(awk -F': *' '/Maximum resident set size/ {print $2}' "$OUT/check-$TAG.time-v")
    [ -n "$RSS_KB" ] && RSS_MB=$(awk -v k="$RSS_KB" 'BEGIN {printf "%.0f", k / 1024}')
else
    echo "/usr/bin/time is missing: peak memory not measured"
fi

# ratio A B -> A / B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'; }
# versus NAME SECONDS -> "1.23x slower" or "0.81x (faster)" for check against a peer
versus() {
    [ -n "$2" ] || { echo "n/a"; return; }
    local r; r=$(ratio "$CHECK_S" "$2")
    awk -v r="$r" -v s="$2" 'BEGIN {if (r + 0 > 1) printf "%.2fx slower (%s s)", r, s; else printf "%.2fx, faster (%s s)", r, s}'
}
MEM_GOAL=$(( PLANS / 50 ))   # 200 MB at 10,000 plans, 1 GB at 50,000
[ "$MEM_GOAL" -ge 1 ] || MEM_GOAL=1
CPUS=$( [ -n "$CORES" ] && echo "$CORES (pinned)" || nproc )
FLOOR_R=$(ratio "$CHECK_S" "$FLOOR_S")
# met A OP B -> "met" when A OP B holds (OP: <= or <)
met() { awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {r = (op == "<=") ? (a + 0 <= b + 0) : (a + 0 < b + 0); exit !r}' && echo "met" || echo "not met"; }

echo
echo "================ summary: $PLANS plans ($CONTRACTS contract file(s)), $(date -u +%Y-%m-%dT%H:%MZ) ================"
echo "repository: $REPO ($FILES .kdl files, $((BYTES / 1000000)) MB; check saw $CHECKED files); CPUs: $CPUS"
echo "check: exit $RC, $ERRORS errors, $WARNINGS warnings (and $UNSIGNED unsigned plans, SIG001)$( [ $BUG = 1 ] && echo '  <-- NOT CLEAN' ), median ${CHECK_S} s"
echo
echo "| | now | goal | |"
echo "| --- | --- | --- | --- |"
echo "| \`check\` vs the raw read floor (${FLOOR_S} s) | ${FLOOR_R}x | ≤ 3x | $(met "$FLOOR_R" "<=" 3) |"
if [ -n "$JSR_S" ]; then
    echo "| \`check\` vs jsonschema-rs, exported JSON, schema only | $(versus jsonschema-rs "$JSR_S") | faster | $(met "$CHECK_S" "<" "$JSR_S") |"
else
    echo "| \`check\` vs jsonschema-rs | n/a | faster | |"
fi
if [ -n "$AJV_S" ]; then
    echo "| \`check\` vs ajv-cli (2 jobs), same content | $(versus ajv-cli "$AJV_S") | faster | $(met "$CHECK_S" "<" "$AJV_S") |"
else
    echo "| \`check\` vs ajv-cli (2 jobs) | n/a | faster | |"
fi
echo "| \`check\` peak memory | ${RSS_MB:-n/a} MB | < $MEM_GOAL MB | $( [ -n "$RSS_MB" ] && met "$RSS_MB" "<" "$MEM_GOAL" ) |"
echo
echo "(one run on this machine: compare ratios, not absolute times; nothing here is asserted)"
[ $BUG = 1 ] && exit 1
exit 0
