#!/usr/bin/env bash
# Mutation testing: cargo-mutants changes the code one small step at a time (an operator, a
# constant, a function body) and runs the test suite against each change; a mutant the suite
# does not catch is a behaviour no test pins down.
#
#   tests/mutants.sh                               # the rule families, sign-off, digest and due
#   tests/mutants.sh cli/rules/contacts.rs         # only these files
#   JOBS=2 tests/mutants.sh cli/due.rs             # two mutants at a time (two builds in parallel)
#   TEST_ARGS="--lib --test policy --test time" tests/mutants.sh cli/rules/contacts.rs
#                                                  # only the tests that matter, much faster
#
#   ITERATE=1 tests/mutants.sh cli/due.rs          # go on from mutants.out/: skip what was caught
#
# With TEST_ARGS, a mutant that the selected tests miss is tried again against the whole suite
# (`cargo mutants --iterate`), so a selection that is too narrow costs time, never a false
# "missed".
#
# Installs cargo-mutants (a pinned version, with `cargo install --locked`) when it is missing.
# Each mutant is built with the `mutants` profile: no debug information, dependencies optimised
# (the tests spend most of their time in them). On a 2-core machine
# that takes about 5 s per mutant, plus the tests: 5-15 s with a selection, over a minute for
# the whole suite. So it is not part of every CI run; the "mutants" workflow runs it on demand.
# Results go to mutants.out/ (outcomes.json, caught.txt, previously_caught.txt, missed.txt,
# timeout.txt, unviable.txt); the script prints the totals and exits 1 if a mutant was missed.
set -euo pipefail
cd "$(dirname "$0")/.."
version=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -q "$version"; then
    cargo install --locked --quiet cargo-mutants --version "$version"
fi
files=("$@")
if [ "${#files[@]}" -eq 0 ]; then
    files=(cli/rules/contacts.rs cli/rules/settings.rs cli/rules/contracts.rs cli/rules/xref.rs
        'cli/rules/policy/*.rs' 'cli/signoff/*.rs' cli/due.rs)
fi
args=()
for f in "${files[@]}"; do args+=(--file "$f"); done
# The test selection goes to every cargo invocation, so that the build of each mutant also
# builds only the selected test targets.
test_args=()
# shellcheck disable=SC2086 # word splitting of the test selection is intended
for word in ${TEST_ARGS:-}; do test_args+=(--cargo-arg="$word"); done
# One mutant at a time builds in the repository's own target directory: the dependencies are
# built once and kept, not built again in every scratch copy of every run. The mutated crate
# lands in target/mutants/ under the same names as the checkout's own: do not build or test with
# `--profile mutants` in this checkout while a run goes on (the ordinary profiles are separate).
if [ "${JOBS:-1}" -eq 1 ]; then
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
fi
count() { cat "$@" 2>/dev/null | wc -l; }
# A busy machine can slow a healthy mutant's tests past the timeout cargo-mutants derives from
# the unmutated run; a floor keeps "timeout" meaning a hang.
# The copy keeps .git: some tests read the checkout's own commit, as CI's checkout has one.
mutants=(cargo mutants --no-shuffle --profile mutants --jobs "${JOBS:-1}" --minimum-test-timeout 90
    --copy-vcs true "${args[@]}")
status=0
first=("${mutants[@]}")
[ -n "${ITERATE:-}" ] && first+=(--iterate)
"${first[@]}" "${test_args[@]}" || status=$?
if [ "${#test_args[@]}" -gt 0 ] && { [ "$status" -eq 2 ] || [ "$status" -eq 3 ]; }; then
    # --iterate skips what was caught or unviable, and lists both in previously_caught.txt
    unviable=$(count mutants.out/unviable.txt)
    echo "trying the mutants that the selected tests missed against the whole suite"
    status=0
    "${mutants[@]}" --iterate || status=$?
fi
caught=$(count mutants.out/caught.txt mutants.out/previously_caught.txt)
[ -n "${unviable:-}" ] && caught=$((caught - unviable))
printf '%-9s %s\n' caught "$caught" \
    missed "$(count mutants.out/missed.txt)" timeout "$(count mutants.out/timeout.txt)" \
    unviable "${unviable:-$(count mutants.out/unviable.txt)}"
# cargo-mutants exits 2 when mutants were missed, 3 on timeouts, 4 when the tree fails unmutated.
case "$status" in
    0) ;;
    2 | 3) exit 1 ;;
    *) exit "$status" ;;
esac
