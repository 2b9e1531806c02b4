#!/usr/bin/env bash
# The wheel as a user gets it: builds the contingent wheel with maturin, installs it into a fresh
# virtual environment from the wheel folder alone (no index), and checks the bundled example with
# the installed `contingent`; the installation is timed.
#
#   python/test-wheel.sh [WHEEL_DIR] [PROFILE]   # default target/wheels and release;
#                                                # needs maturin (pip install maturin)
#
# maturin builds with the profile (release unless named) in this checkout's target folder:
# after `cargo build --release` it only packs the binary, and `cargo build --release` after it
# has nothing to do. CI packs the dev profile's binary, which the test suite builds anyway.
# hooks/test-pre-commit.sh then installs the pre-commit hook from the same folder.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
wheels="$(realpath -m "${1:-$here/target/wheels}")"
profile="${2:-release}"
version=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml")
command -v maturin >/dev/null || { echo "maturin is not installed: python3 -m pip install maturin" >&2; exit 2; }
rm -f "$wheels"/contingent-"$version"-*.whl
start=$SECONDS
(cd "$here/python" && maturin build --profile "$profile" --locked --out "$wheels")
echo "maturin build --profile $profile: $((SECONDS - start)) s"
shopt -s nullglob
built=("$wheels"/contingent-"$version"-*.whl)
[ "${#built[@]}" -eq 1 ] || { echo "expected one contingent $version wheel in $wheels, found ${#built[@]}" >&2; exit 1; }
wheel="${built[0]}"
echo "wheel: $(basename "$wheel") ($(wc -c < "$wheel") bytes)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# a fresh environment without its own pip (ensurepip alone takes seconds): the pip of python3
# installs into it
python3 -m venv --without-pip "$work/venv"
start=$EPOCHREALTIME
python3 -m pip --python "$work/venv/bin/python" install --quiet --disable-pip-version-check --no-index \
    --find-links "$wheels" contingent
end=$EPOCHREALTIME
installed="$work/venv/bin/contingent"
[ -x "$installed" ] || { echo "FAIL: the wheel put no contingent into the virtual environment's bin/" >&2; exit 1; }
said="$("$installed" --version)"
[ "$said" = "contingent $version" ] || { echo "FAIL: the installed contingent says \"$said\"" >&2; exit 1; }
"$installed" check "$here/plans"
printf 'ok: a fresh virtual environment got a working contingent %s from the wheel: pip install took %.1f s\n' \
    "$version" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
