#!/usr/bin/env bash
# Runs this repository's pre-commit hooks (.pre-commit-hooks.yaml) with the real pre-commit
# framework in a temporary plan repository: a good staged state passes, a bad one fails, a
# deleted contact that breaks an unchanged plan fails; the system hook (contingent-check-system)
# runs the contingent on the PATH, and fails, saying so, when there is none.
#
#   hooks/test-pre-commit.sh            # needs `pre-commit` (python3 -m pip install pre-commit)
#
# pre-commit builds contingent from the committed HEAD of this repository with `cargo install`
# (language: rust), which takes minutes; CARGO_TARGET_DIR (default target/pre-commit) keeps the
# build between runs. Uncommitted changes are not part of the test.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
command -v pre-commit >/dev/null || { echo "pre-commit is not installed: python3 -m pip install pre-commit" >&2; exit 2; }
rev="$(git -C "$here" rev-parse HEAD)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target/pre-commit}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export PRE_COMMIT_HOME="$work/pre-commit-home"
export CONTINGENT_AS_OF=2026-11-01
# Git variables of a surrounding hook must not leak into the test repository, and neither may
# the developer's Git configuration (signing, hooksPath, default branch): a home of its own, no
# global or system configuration. The toolchain is still found through its own variables.
unset GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE XDG_CONFIG_HOME
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

run_hook() {
    pre-commit try-repo "$here" contingent-check --ref "$rev" --verbose >"$work/out.txt" 2>&1
}

fail() {
    echo "FAIL: $1" >&2
    cat "$work/out.txt" >&2
    exit 1
}

# 1. A good staged state passes (this run builds contingent).
sed -i 's/title "Payroll"/title "Payroll batch"/' plans/payroll.kdl
git add plans/payroll.kdl
run_hook || fail "a good staged plan was rejected"
echo "ok: good staged plan passes"

# 2. A bad staged state fails, with the finding in the output.
sed -i 's/notify=dc-duty/notify=dc-dutty/' plans/payroll.kdl
git add plans/payroll.kdl
if run_hook; then fail "a staged broken reference passed"; fi
grep -q "REF002" "$work/out.txt" || fail "the output does not name REF002"
echo "ok: bad staged plan fails (REF002)"
git checkout -q HEAD -- plans/payroll.kdl

# 3. Deleting a contact breaks a plan that is not part of the commit: the hook still runs.
git rm -q contacts/dc.kdl
if run_hook; then fail "deleting a contact that a plan needs passed"; fi
grep -q "REF002" "$work/out.txt" || fail "the output does not name REF002 for the deleted contact"
echo "ok: deleted contact fails the unchanged plan"
git reset -q --hard

# 4. The system hook runs the contingent on the PATH: here the one pre-commit built above (its
# environment lived in try-repo's temporary store; the build stays in CARGO_TARGET_DIR).
built="$CARGO_TARGET_DIR/release/contingent"
[ -x "$built" ] || fail "pre-commit's build of contingent is not in $CARGO_TARGET_DIR/release"
run_system_hook() {
    PATH="$1" pre-commit try-repo "$here" contingent-check-system --ref "$rev" --verbose >"$work/out.txt" 2>&1
}
bin_dir="$work/bin"
mkdir -p "$bin_dir"
ln -s "$built" "$bin_dir/contingent"
sed -i 's/title "Payroll"/title "Payroll batch"/' plans/payroll.kdl
git add plans/payroll.kdl
run_system_hook "$bin_dir:$PATH" || fail "the system hook rejected a good staged plan"
echo "ok: system hook passes a good staged plan"
sed -i 's/notify=dc-duty/notify=dc-dutty/' plans/payroll.kdl
git add plans/payroll.kdl
if run_system_hook "$bin_dir:$PATH"; then fail "the system hook passed a staged broken reference"; fi
grep -q "REF002" "$work/out.txt" || fail "the system hook's output does not name REF002"
echo "ok: system hook fails a bad staged plan (REF002)"
# without contingent on the PATH it fails and says so, instead of passing silently
without="$(printf '%s' "$PATH" | tr ':' '\n' | while read -r d; do [ -x "$d/contingent" ] || printf '%s:' "$d"; done)"
if run_system_hook "${without%:}"; then
    fail "the system hook passed without contingent on the PATH"
fi
grep -qi "contingent" "$work/out.txt" && grep -qiE "not found|no such file" "$work/out.txt" \
    || fail "the system hook does not say that contingent is missing"
echo "ok: system hook without contingent on the PATH fails and says so"
git reset -q --hard

echo "pre-commit framework test passed"
