#!/usr/bin/env bash
# Runs the whole test suite in a hostile environment, to prove it depends on neither:
#   - the clock: the system clock is moved five years ahead (libfaketime), so a test that
#     forgot to fix its date (--as-of, CONTINGENT_AS_OF or reference-date) fails here;
#   - the developer's Git configuration: a global and a system configuration that sign every
#     commit with a program that fails, redirect hooks to a folder whose hook refuses every
#     commit, name another default branch and convert line endings, and a HOME holding the same.
#
#   tests/hostile-env.sh                # needs faketime (apt-get install faketime)
#   YEARS=10 tests/hostile-env.sh       # another offset
set -euo pipefail
cd "$(dirname "$0")/.."
command -v faketime >/dev/null || { echo "faketime is not installed: apt-get install faketime" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home/.config/git" "$work/hooks"
cat >"$work/gitconfig" <<GITCONFIG
[user]
	name = Hostile Config
	email = hostile@example.invalid
	signingkey = $work/no-such-key
[gpg]
	format = ssh
[gpg "ssh"]
	program = /bin/false
	allowedSignersFile = $work/no-such-file
[commit]
	gpgsign = true
[tag]
	gpgsign = true
[core]
	hooksPath = $work/hooks
	autocrlf = true
	excludesFile = $work/no-such-file
[init]
	defaultBranch = trunk
[diff]
	renames = false
[advice]
	detachedHead = true
GITCONFIG
printf '#!/bin/sh\necho "hostile global hook refuses the commit" >&2\nexit 1\n' >"$work/hooks/pre-commit"
chmod +x "$work/hooks/pre-commit"
cp "$work/gitconfig" "$work/home/.gitconfig"
cp "$work/gitconfig" "$work/home/.config/git/config"

# Build first, with the real clock and configuration: only the tests run in the hostile one.
cargo test --locked --no-run --quiet

# The toolchain is found through its own variables once HOME points elsewhere.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config"
export GIT_CONFIG_GLOBAL="$work/gitconfig" GIT_CONFIG_SYSTEM="$work/gitconfig"
unset CONTINGENT_AS_OF GIT_DIR GIT_INDEX_FILE GIT_WORK_TREE
years="${YEARS:-5}"
echo "running the test suite $years years ahead ($(faketime -f "+${years}y" date -u +%F)) with a hostile Git configuration"
# Monotonic clocks stay real, so timeouts and thread sleeps behave.
FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -m -f "+${years}y" cargo test --locked --quiet
