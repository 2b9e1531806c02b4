#!/usr/bin/env bash
# Runs this repository's pre-commit hooks (.pre-commit-hooks.yaml) with the real pre-commit
# framework in a temporary plan repository, as a user would: a .pre-commit-config.yaml naming
# this repository, `pre-commit install`, and real commits.
#
# - contingent-check-wheel (language: python): pre-commit installs the root package, which
#   requires the contingent wheel; pip finds it in the wheel folder alone (--find-links, no
#   index), as it would find it on PyPI. The first commit, which installs the hook, is timed. A
#   good staged state passes, a bad one fails, a deleted contact that breaks an unchanged plan
#   fails.
# - contingent-check-system (language: system): runs the contingent on the PATH (here the one
#   the wheel installed), and fails, saying so, when there is none.
# - contingent-check (language: rust) only with --rust: pre-commit builds contingent with
#   `cargo install` (minutes; CARGO_TARGET_DIR, default target/pre-commit, keeps the build).
#
#   hooks/test-pre-commit.sh [--rust] [WHEEL_DIR]    # default target/wheels (python/test-wheel.sh builds it)
#
# Needs `pre-commit` (python3 -m pip install pre-commit). pre-commit clones the committed HEAD of
# this repository: uncommitted changes are not part of the test.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
rust=false
if [ "${1:-}" = "--rust" ]; then
    rust=true
    shift
fi
wheels="$(realpath -m "${1:-$here/target/wheels}")"
command -v pre-commit >/dev/null || { echo "pre-commit is not installed: python3 -m pip install pre-commit" >&2; exit 2; }
version=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' "$here/Cargo.toml")
shopt -s nullglob
found=("$wheels"/contingent-"$version"-*.whl)
[ "${#found[@]}" -eq 1 ] || { echo "no contingent $version wheel in $wheels: run python/test-wheel.sh first" >&2; exit 2; }
rev="$(git -C "$here" rev-parse HEAD)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home"
export CONTINGENT_AS_OF=2026-11-01
# pip inside pre-commit's environments: the wheel folder only, as a user's pip has PyPI
export PIP_NO_INDEX=1 PIP_FIND_LINKS="$wheels" PIP_DISABLE_PIP_VERSION_CHECK=1
# Git variables of a surrounding hook must not leak into the test repository, and neither may
# the developer's Git configuration (signing, hooksPath, default branch): a home of its own, no
# global or system configuration. The toolchain is still found through its own variables.
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE XDG_CONFIG_HOME PIP_INDEX_URL PIP_EXTRA_INDEX_URL
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
mkdir -p "$work/home"
export HOME="$work/home" GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
repo="$work/plans"
mkdir -p "$repo"
cp -r "$here/tests/fixtures/minimal/." "$repo/"
cd "$repo"
git init -q -b main
git config user.name "Test"
git config user.email "test@example.com"
git add -A
git commit -qm "plan repository"

fail() {
    echo "FAIL: $1" >&2
    cat "$work/out.txt" >&2
    exit 1
}

# use_hook ID: the plan repository's .pre-commit-config.yaml names this repository and that hook
use_hook() {
    cat > .pre-commit-config.yaml <<EOF
repos:
  - repo: $here
    rev: $rev
    hooks:
      - id: $1
EOF
    git add .pre-commit-config.yaml
}

commit() {
    git commit -qm "$1" >"$work/out.txt" 2>&1
}

# a good change: a comment line more in a plan, staged
good_change() {
    echo "// $1" >> plans/payroll.kdl
    git add plans/payroll.kdl
}

# 1. The wheel hook: the first commit installs it (timed) and passes a good staged state.
pre-commit install >/dev/null
use_hook contingent-check-wheel
good_change "first change"
start=$EPOCHREALTIME
commit "good change" || fail "the first commit of a good staged plan was rejected by contingent-check-wheel"
end=$EPOCHREALTIME
grep -q "contingent check (staged plans)" "$work/out.txt" || fail "the wheel hook did not run"
first=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
hook_bin=("$PRE_COMMIT_HOME"/repo*/py_env-*/bin/contingent)
[ "${#hook_bin[@]}" -eq 1 ] && [ -x "${hook_bin[0]}" ] || fail "pre-commit's environment has no contingent from the wheel"
[ "$("${hook_bin[0]}" --version)" = "contingent $version" ] || fail "the hook's contingent is not version $version"
echo "ok: first commit through contingent-check-wheel, which installs the hook from the wheel: $first s"
good_change "second change"
start=$EPOCHREALTIME
commit "second change" || fail "the second commit of a good staged plan was rejected"
end=$EPOCHREALTIME
echo "ok: a later commit: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"

# 2. A bad staged state fails, with the finding in the output.
sed -i 's/notify=dc-duty/notify=dc-dutty/' plans/payroll.kdl
git add plans/payroll.kdl
if commit "broken reference"; then fail "a staged broken reference passed"; fi
grep -q "REF002" "$work/out.txt" || fail "the output does not name REF002"
echo "ok: bad staged plan fails (REF002)"
git checkout -q HEAD -- plans/payroll.kdl

# 3. Deleting a contact breaks a plan that is not part of the commit: the hook still runs.
git rm -q contacts/dc.kdl
if commit "delete a contact"; then fail "deleting a contact that a plan needs passed"; fi
grep -q "REF002" "$work/out.txt" || fail "the output does not name REF002 for the deleted contact"
echo "ok: deleted contact fails the unchanged plan"
git reset -q --hard

# 4. The system hook runs the contingent on the PATH: here the one the wheel installed.
use_hook contingent-check-system
git commit -qm "system hook" --no-verify
bin_dir="$work/bin"
mkdir -p "$bin_dir"
ln -s "${hook_bin[0]}" "$bin_dir/contingent"
good_change "system hook"
PATH="$bin_dir:$PATH" commit "good change, system hook" || fail "the system hook rejected a good staged plan"
echo "ok: system hook passes a good staged plan"
sed -i 's/notify=dc-duty/notify=dc-dutty/' plans/payroll.kdl
git add plans/payroll.kdl
if PATH="$bin_dir:$PATH" commit "broken reference, system hook"; then fail "the system hook passed a staged broken reference"; fi
grep -q "REF002" "$work/out.txt" || fail "the system hook's output does not name REF002"
echo "ok: system hook fails a bad staged plan (REF002)"
# without contingent on the PATH it fails and says so, instead of passing silently
without="$(printf '%s' "$PATH" | tr ':' '\n' | while read -r d; do [ -x "$d/contingent" ] || printf '%s:' "$d"; done)"
if PATH="${without%:}" commit "no contingent"; then
    fail "the system hook passed without contingent on the PATH"
fi
grep -qi "contingent" "$work/out.txt" && grep -qiE "not found|no such file" "$work/out.txt" \
    || fail "the system hook does not say that contingent is missing"
echo "ok: system hook without contingent on the PATH fails and says so"
git reset -q --hard

# 5. The hook built from source (language: rust), on request.
if [ "$rust" = true ]; then
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target/pre-commit}"
    use_hook contingent-check
    git commit -qm "rust hook" --no-verify
    sed -i 's/notify=dc-duty/notify=dc-dutty/' plans/payroll.kdl
    git add plans/payroll.kdl
    if commit "broken reference, rust hook"; then fail "the rust hook passed a staged broken reference"; fi
    grep -q "REF002" "$work/out.txt" || fail "the rust hook's output does not name REF002"
    echo "ok: rust hook fails a bad staged plan (REF002)"
    git reset -q --hard
fi

echo "pre-commit framework test passed"
