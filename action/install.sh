#!/usr/bin/env bash
# Installs the contingent binary for the action (action.yml) into $RUNNER_TEMP/contingent/bin:
#
# 1. from the Actions cache, when the step before restored it (CACHE_HIT=true);
# 2. else the binary of the GitHub release of the action's own version (`v` and the version of
#    the action's Cargo.toml), when the action's ref is that tag or the same commit (a commit SHA,
#    a branch or a moving tag such as `v0` that points at it), verified before it is unpacked:
#    its SHA-256 against the release's SHA256SUMS, and its build-provenance attestation with
#    `gh attestation verify` (signed by this repository's release workflow, at that tag, and at
#    that commit when the ref names one). A failed verification fails the step: nothing is built
#    instead;
# 3. else (no such release, or none for this runner's platform) it is built from the action's
#    source with the pinned Rust toolchain.
#
# It says which path it took and how long it took, and sets the step outputs `source` (cache,
# release or build) and `seconds`.
#
# Environment: ACTION_PATH, ACTION_REF, ACTION_REPOSITORY, GH_TOKEN, TOOLCHAIN, CACHE_HIT,
# RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_API_URL (default https://api.github.com),
# GITHUB_OUTPUT. Tested by tests/action.rs against a fake of GitHub's API on 127.0.0.1.
set -euo pipefail
SECONDS=0
dest="$RUNNER_TEMP/contingent"
api="${GITHUB_API_URL:-https://api.github.com}"
api="${api%/}"

say() { echo "contingent: $*"; }
fail() {
    echo "::error title=contingent::$*"
    exit 1
}
done_with() {
    say "$2 (took ${SECONDS} s)"
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        { echo "source=$1"; echo "seconds=$SECONDS"; } >> "$GITHUB_OUTPUT"
    fi
    exit 0
}

if [ "${CACHE_HIT:-}" = "true" ]; then
    [ -x "$dest/bin/contingent" ] || [ -x "$dest/bin/contingent.exe" ] \
        || fail "the Actions cache was restored but holds no contingent binary"
    done_with cache "the binary restored from the Actions cache"
fi

build() {
    say "$1: building contingent from the action's source with Rust $TOOLCHAIN (several minutes)"
    rustup toolchain install "$TOOLCHAIN" --profile minimal --no-self-update
    cargo "+$TOOLCHAIN" install --locked --quiet --path "$ACTION_PATH" --root "$dest"
    done_with build "built from source"
}

version=$(sed -n '/^\[package\]/,/^\[/s/^version = "\(.*\)"$/\1/p' "$ACTION_PATH/Cargo.toml")
[[ "$version" =~ ^[0-9A-Za-z.+-]+$ ]] || fail "the action's Cargo.toml has no usable version"
tag="v$version"

case "$RUNNER_OS-$RUNNER_ARCH" in
    Linux-X64) target=x86_64-unknown-linux-musl ;;
    Linux-ARM64) target=aarch64-unknown-linux-musl ;;
    macOS-ARM64) target=aarch64-apple-darwin ;;
    macOS-X64) target=x86_64-apple-darwin ;;
    Windows-X64) target=x86_64-pc-windows-msvc ;;
    *) build "no release binary is made for $RUNNER_OS on $RUNNER_ARCH" ;;
esac
exe=contingent
archive="contingent-$tag-$target.tar.gz"
if [ "$RUNNER_OS" = "Windows" ]; then
    exe=contingent.exe
    archive="contingent-$tag-$target.zip"
fi

if [ -z "${ACTION_REF:-}" ] || [ -z "${ACTION_REPOSITORY:-}" ]; then
    build "the action is not used from a repository (a local path)"
fi
[[ "$ACTION_REPOSITORY" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]] \
    || fail "unexpected repository name: $ACTION_REPOSITORY"

work="$RUNNER_TEMP/contingent-download"
rm -rf "$work"
mkdir -p "$work"
# the token goes to curl in a file of our own, never on a command line
headers="$work/headers"
(umask 077 && : > "$headers")
if [ -n "${GH_TOKEN:-}" ]; then
    printf 'Authorization: Bearer %s\n' "$GH_TOKEN" >> "$headers"
fi
printf 'X-GitHub-Api-Version: 2022-11-28\n' >> "$headers"

# get URL FILE [ACCEPT]: the HTTP status, the body in FILE; reads are tried again on 5xx
get() {
    curl --silent --show-error --location --retry 2 --max-time 120 \
        -H @"$headers" -H "Accept: ${3:-application/vnd.github+json}" \
        --output "$2" --write-out '%{http_code}' "$1" || true
}

# commit_of REF: the commit REF names in the action's repository, in $commit (empty if none)
commit_of() {
    local status
    commit=""
    status=$(get "$api/repos/$ACTION_REPOSITORY/commits/$1" "$work/commit.json")
    case "$status" in
        200) commit=$(jq -r '.sha // empty' "$work/commit.json") || fail "GitHub's answer for $1 is not JSON" ;;
        404 | 422) ;;
        *) fail "GitHub answered $status for the commit of $1" ;;
    esac
}

# Which commit must the binary come from? The tag itself needs no look-up: the attestation
# binds the archive to it. Any other ref must be the tag's commit.
digest=""
if [ "$ACTION_REF" != "$tag" ]; then
    commit_of "$ACTION_REF"
    ref_commit="$commit"
    commit_of "$tag"
    tag_commit="$commit"
    if [ -z "$tag_commit" ]; then
        build "there is no tag $tag (the version of the action's Cargo.toml) in $ACTION_REPOSITORY"
    fi
    if [ -z "$ref_commit" ] || [ "$ref_commit" != "$tag_commit" ]; then
        build "the action's ref $ACTION_REF is not the commit of $tag"
    fi
    [[ "$tag_commit" =~ ^[0-9a-f]{40}$ ]] || fail "GitHub gave no commit for $tag"
    digest="$tag_commit"
    say "the action's ref $ACTION_REF is the commit of $tag ($digest)"
fi

status=$(get "$api/repos/$ACTION_REPOSITORY/releases/tags/$tag" "$work/release.json")
case "$status" in
    200) ;;
    404) build "$ACTION_REPOSITORY has no release $tag" ;;
    *) fail "GitHub answered $status for the release $tag of $ACTION_REPOSITORY" ;;
esac

asset_url() {
    jq -r --arg name "$1" '[.assets[]? | select(.name == $name)] | if length == 1 then .[0].url else empty end' \
        "$work/release.json"
}
archive_url=$(asset_url "$archive") || fail "GitHub's answer for the release $tag is not JSON"
if [ -z "$archive_url" ]; then
    build "the release $tag has no $archive"
fi
sums_url=$(asset_url SHA256SUMS) || fail "GitHub's answer for the release $tag is not JSON"
[ -n "$sums_url" ] || fail "the release $tag has $archive but no SHA256SUMS: refusing to use it"
for url in "$archive_url" "$sums_url"; do
    case "$url" in
        "$api"/*) ;;
        *) fail "the release names an asset outside $api: $url" ;;
    esac
done

say "downloading $archive of the release $tag of $ACTION_REPOSITORY"
status=$(get "$archive_url" "$work/$archive" application/octet-stream)
[ "$status" = 200 ] || fail "GitHub answered $status for $archive"
status=$(get "$sums_url" "$work/SHA256SUMS" application/octet-stream)
[ "$status" = 200 ] || fail "GitHub answered $status for SHA256SUMS"

# 1. the checksum: exactly one line names the archive
expected=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")
[[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "SHA256SUMS of $tag has no single SHA-256 for $archive"
if command -v sha256sum >/dev/null; then
    actual=$(sha256sum "$work/$archive" | cut -d' ' -f1)
else
    actual=$(shasum -a 256 "$work/$archive" | cut -d' ' -f1)
fi
[ "$actual" = "$expected" ] \
    || fail "$archive does not match SHA256SUMS of $tag (SHA-256 $actual, expected $expected): not used"
say "SHA-256 matches SHA256SUMS: $actual"

# 2. the provenance: built by this repository's release workflow, from the tag (and commit)
command -v gh >/dev/null || fail "gh (GitHub CLI) is needed to verify the attestation of $archive"
verify=(attestation verify "$work/$archive" --repo "$ACTION_REPOSITORY"
    --signer-workflow "$ACTION_REPOSITORY/.github/workflows/release.yml" --source-ref "refs/tags/$tag")
if [ -n "$digest" ]; then
    verify+=(--source-digest "$digest")
fi
gh "${verify[@]}" >"$work/attestation.txt" 2>&1 || {
    cat "$work/attestation.txt"
    fail "the build-provenance attestation of $archive does not verify: not used"
}
say "attestation verified: built by $ACTION_REPOSITORY/.github/workflows/release.yml at $tag"

# 3. unpacked only now, and the binary must say it is this version
mkdir -p "$work/unpacked" "$dest/bin"
if [ "$RUNNER_OS" = "Windows" ]; then
    unzip -q "$work/$archive" -d "$work/unpacked"
else
    tar -xzf "$work/$archive" -C "$work/unpacked"
fi
binary="$work/unpacked/contingent-$tag-$target/$exe"
if [ ! -f "$binary" ] || [ -L "$binary" ]; then
    fail "$archive holds no contingent-$tag-$target/$exe"
fi
cp "$binary" "$dest/bin/$exe"
chmod +x "$dest/bin/$exe"
said=$("$dest/bin/$exe" --version) || fail "the binary of $tag does not run"
[ "$said" = "contingent $version" ] || fail "the binary of $tag says \"$said\", not \"contingent $version\""
rm -rf "$work"
done_with release "the release binary $archive of $ACTION_REPOSITORY@$tag, checksum and attestation verified"
