#!/usr/bin/env bash
# The size of the distributed binary: builds the `dist` profile (what the release workflow
# publishes: stripped, LTO, one code generation unit) and reports its size beside the `release`
# build's, unstripped and stripped, and the gzipped archive a user downloads. Fails when the
# distributed binary is larger than 25 MB (25,000,000 bytes), the limit the release workflow
# enforces on every platform.
#
#   bench/dist-size.sh              # builds target/dist/contingent (several minutes on 2 cores)
#   bench/dist-size.sh --no-build   # reports what is built already
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
limit=25000000
if [ "${1:-}" != "--no-build" ]; then
    start=$SECONDS
    cargo build --profile dist --locked --quiet
    echo "cargo build --profile dist: $((SECONDS - start)) s"
fi
dist=target/dist/contingent
[ -f "$dist" ] || { echo "no $dist: run without --no-build" >&2; exit 2; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1000000 }'; }
size() { wc -c < "$1" | tr -d ' '; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dist_bytes=$(size "$dist")
gzip -9 -n -c "$dist" > "$work/dist.gz"
printf '%-34s %12s bytes  %s\n' "dist (stripped, LTO)" "$dist_bytes" "$(mb "$dist_bytes")"
printf '%-34s %12s bytes  %s\n' "dist, gzipped (the download)" "$(size "$work/dist.gz")" "$(mb "$(size "$work/dist.gz")")"
if [ -f target/release/contingent ]; then
    release_bytes=$(size target/release/contingent)
    strip -o "$work/release-stripped" target/release/contingent
    printf '%-34s %12s bytes  %s\n' "release (line tables)" "$release_bytes" "$(mb "$release_bytes")"
    printf '%-34s %12s bytes  %s\n' "release, stripped" "$(size "$work/release-stripped")" "$(mb "$(size "$work/release-stripped")")"
fi
if [ "$dist_bytes" -gt "$limit" ]; then
    echo "FAIL: the distributed binary is $(mb "$dist_bytes"), more than $(mb "$limit")" >&2
    exit 1
fi
"$dist" --version
echo "ok: the distributed binary is within $(mb "$limit")"
