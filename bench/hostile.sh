#!/usr/bin/env bash
# Peak memory and time of `contingent check` on the crafted files of the hostile-input hardening,
# in every output format. Fails (exit 1) when a run crashes (exit 101/134 or a signal), or peaks
# above the bound (200 MB by default).
#
#   bench/hostile.sh [--bin PATH] [--limit-mb N]
#
# Each input replaces plans/hostile.kdl in a copy of tests/fixtures/minimal. Needs python3 and
# GNU time (/usr/bin/time, Debian package `time`).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=target/release/contingent
LIMIT_MB=200
while [ $# -gt 0 ]; do
    case "$1" in
        --bin) BIN="${2:?--bin needs a path}"; shift 2 ;;
        --limit-mb) LIMIT_MB="${2:?--limit-mb needs a number}"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "hostile.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
[ -x "$BIN" ] || { echo "hostile.sh: $BIN is missing: build it (cargo build --release)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "hostile.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 - "$WORK" <<'PY'
import pathlib, sys
out = pathlib.Path(sys.argv[1])
inputs = {
    "comment-cr-nesting": "// x\r" + "a {" * 3000,
    "unterminated-multiline-nesting": 'a """\n' + "a {" * 3000,
    "block-comments-10k": "/*" * 10_000,
    "slashdash-5k": "/-" * 5_000,
    "annotations-100k": "a " + "(t)" * 100_000,
    "child-blocks-100k": "a" + " {}" * 100_000,
    "unknown-properties-10k-one-line": "plan p { title \"t\" " + " ".join(f"x{i}=1" for i in range(10_000)) + " }\n",
    "unknown-nodes-100k": "".join(f"n{i}\n" for i in range(100_000)),
    "annotations-10k-valid": "".join(f"(t)a{i} 1\n" for i in range(10_000)),
    "nested-blocks-20k": "a {" * 20_000 + "}" * 20_000,
    "cr-only-lines": "\r".join(f"x{i} 1" for i in range(50_000)),
}
for name, text in inputs.items():
    (out / f"{name}.kdl").write_text(text, encoding="utf-8", newline="")
PY

fail=0
printf '%-34s %-7s %6s %9s %8s\n' input format exit "peak MB" seconds
for input in "$WORK"/*.kdl; do
    name=$(basename "$input" .kdl)
    repo="$WORK/repo-$name"
    cp -r tests/fixtures/minimal "$repo"
    cp "$input" "$repo/plans/hostile.kdl"
    for format in human json sarif github junit gitlab; do
        set +e
        /usr/bin/time -v -o "$WORK/time" "$BIN" check "$repo" --format "$format" --as-of 2026-11-01 \
            >/dev/null 2>"$WORK/stderr"
        code=$?
        set -e
        kb=$(awk -F': *' '/Maximum resident set size/ {print $2}' "$WORK/time")
        secs=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$WORK/time")
        mb=$(( kb / 1024 ))
        printf '%-34s %-7s %6s %9s %8s\n' "$name" "$format" "$code" "$mb" "$secs"
        if [ "$code" -ne 1 ] && [ "$code" -ne 2 ]; then
            echo "  FAIL: exit $code (expected 1 or 2)"; head -5 "$WORK/stderr"; fail=1
        fi
        if [ "$mb" -gt "$LIMIT_MB" ]; then
            echo "  FAIL: peak $mb MB is above $LIMIT_MB MB"; fail=1
        fi
    done
done
exit $fail
