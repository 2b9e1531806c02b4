#!/bin/sh
# Signs the bundled example's plans with the EXAMPLE keys in this folder (never use them for
# real). Run it from the repository root after changing a plan of the example:
#
#     cargo build && sh plans/keys/sign-example.sh
#
# Every plan gets a client and a provider sign-off of its current content, so that
# `contingent check plans` reports no problems. (What a plan changed after signing looks like:
# README, "Sign-off".)
# Ed25519 signatures are deterministic: running this again without changes rewrites the same files.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
plans="$root/plans"
bin=${CONTINGENT:-"$root/target/debug/contingent"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ssh-keygen refuses private keys that others can read; Git does not keep file modes.
for key in katharina.vogel thomas.klein jens.hoffmann michael.wagner claudia.lange; do
    cp "$plans/keys/$key" "$tmp/$key"
    chmod 600 "$tmp/$key"
done

sign() { # plan party contact date
    "$bin" sign "$1" --party "$2" --as "$3" --key "$tmp/$3" --as-of "$4" --repo "$plans" >/dev/null
}

rm -f "$plans"/signoffs/*.kdl
sign core-banking client jens.hoffmann 2026-10-19
sign core-banking provider michael.wagner 2026-10-20
sign payment-orders client thomas.klein 2026-10-19
sign payment-orders provider claudia.lange 2026-10-20
sign payroll client katharina.vogel 2026-10-20
sign payroll provider claudia.lange 2026-10-21
sign backup-restore client katharina.vogel 2026-10-20
sign backup-restore provider michael.wagner 2026-10-22

sign wan-connectivity client thomas.klein 2026-10-21
sign wan-connectivity provider michael.wagner 2026-10-22

echo "signed the example's plans"
