#!/usr/bin/env bash
# Mutation testing: cargo-mutants changes the code one small step at a time (an operator, a
# constant, a function body) and runs the test suite against each change; a mutant the suite
# does not catch is a behaviour no test pins down.
#
#   tests/mutants.sh                               # the rule families, sign-off, digest and due
#   tests/mutants.sh cli/rules/contacts.rs         # only these files
#   JOBS=2 tests/mutants.sh cli/due.rs             # two mutants at a time (two builds in parallel)
#   TEST_ARGS="--test policy --test time --lib" tests/mutants.sh cli/rules/contacts.rs
#                                                  # only the tests that matter, much faster
#
# Installs cargo-mutants (a pinned version, with `cargo install --locked`) when it is missing.
# Slow: about 10-20 s per mutant on a 2-core machine with a test selection, so it is not part of every CI run; the
# "mutants" workflow runs it on demand. Results go to mutants.out/ (outcomes.json, caught.txt,
# missed.txt, timeout.txt, unviable.txt); the script prints the totals and exits 1 if a mutant
# was missed.
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
status=0
cargo mutants --no-shuffle --profile mutants --jobs "${JOBS:-1}" "${args[@]}" "${test_args[@]}" || status=$?
for outcome in caught missed timeout unviable; do
    printf '%-9s %s\n' "$outcome" "$(wc -l <"mutants.out/$outcome.txt" 2>/dev/null || echo 0)"
done
# cargo-mutants exits 2 when mutants were missed, 3 on timeouts, 4 when the tree fails unmutated.
case "$status" in
    0) ;;
    2 | 3) exit 1 ;;
    *) exit "$status" ;;
esac
