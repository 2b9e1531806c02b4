#!/bin/sh
# Signs the bundled example's plans with the EXAMPLE keys in this folder (never use them for
# real). Run it from the repository root after changing a plan of the example:
#
#     cargo build && sh plans/keys/sign-example.sh
#
# Every plan gets a client and a provider sign-off of its current content, except
# wan-connectivity: its sign-offs are of the version before level 2 of its escalation was
# shortened from 45m to 30m, so `contingent check plans` shows a plan changed after signing.
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

sign() { # plan party contact date [repository]
    "$bin" sign "$1" --party "$2" --as "$3" --key "$tmp/$3" --as-of "$4" --repo "${5:-$plans}" >/dev/null
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

# wan-connectivity, signed as it was before the change
mkdir "$tmp/old"
cp -R "$plans/." "$tmp/old/"
rm -f "$tmp/old/signoffs/"*.kdl
plan="$tmp/old/plans/wan-connectivity.kdl"
old='level 2 notify=nordnetz-noc within="45m"'
sed 's/level 2 notify=nordnetz-noc within="30m"/level 2 notify=nordnetz-noc within="45m"/' "$plans/plans/wan-connectivity.kdl" >"$plan"
grep -q "$old" "$plan" || { echo "sign-example.sh: wan-connectivity no longer has the line to change; update this script" >&2; exit 1; }
sign wan-connectivity client thomas.klein 2026-10-21 "$tmp/old"
sign wan-connectivity provider michael.wagner 2026-10-22 "$tmp/old"
cp "$tmp/old/signoffs/wan-connectivity.kdl" "$plans/signoffs/wan-connectivity.kdl"

echo "signed the example's plans; wan-connectivity is signed in its earlier version"
