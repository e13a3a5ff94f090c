#!/bin/bash
# audit.sh [KERNEL]: list every call of the raw PFN lookups (6.1:
# follow_pfn(), follow_pte(), follow_phys(); 6.12: follow_pfnmap_start())
# and their policed unsafe_ variants in the kernel tree KERNEL (default:
# the pristine Linux $KVER tree), with the verdict of the series' semantic
# patch (scripts/coccinelle/api/follow_pfn.cocci, follow_pfnmap.cocci).
# Exits 1 if any unaudited raw caller is found outside mm/.
set -euo pipefail
. "$(dirname "$0")/env.sh"

kernel=${1:-$(pristine_tree)}
[ -f "$kernel/Makefile" ] || { echo "audit: $kernel is not a kernel tree" >&2; exit 2; }
kernel=$(cd "$kernel" && pwd)

# The semantic patch comes from the series, applied in the check tree.
cocci=${COCCI:-$BUILD/check/linux/scripts/coccinelle/api/$COCCI_NAME.cocci}
[ -f "$cocci" ] || "$TOP/scripts/mktree.sh" "$BUILD/check/linux" > /dev/null

cd "$kernel"
mapfile -t files < <(grep -rlE --include='*.[ch]' \
	"\\b(unsafe_)?$RAW_LOOKUPS\\b" . | grep -v '^\./\(tools\|Documentation\)/' | sort)
spatch_() {
	spatch --very-quiet --no-includes --include-headers --sp-file "$cocci" "$@" "${files[@]}"
}
# spatch's own failure fails the audit: an empty report must mean that
# spatch found nothing, not that it did not run.
audit=$(spatch_ -D audit) || { echo "audit: spatch failed" >&2; exit 2; }
audit=$(sed -n "s/^$COCCI_NAME\\.cocci: //p" <<<"$audit" | sort -t: -k1,1 -k2,2n)
report=$(spatch_ -D report) || { echo "audit: spatch failed" >&2; exit 2; }
report=$(grep -E '^[^ ]+:[0-9]+:[0-9]+-[0-9]+: ' <<<"$report" || true)

echo "Audit of $kernel ($(make -s kernelversion 2>/dev/null || echo unknown))"
echo
echo "| call site | function | lookup | verdict |"
echo "| --- | --- | --- | --- |"
unsafe=0
while IFS=: read -r file line fn lookup; do
	fn=${fn# } lookup=${lookup# }
	if grep -q "^\(\./\)\?$file:$line:" <<<"$report"; then
		verdict="UNSAFE: raw lookup, not audited"
		unsafe=$((unsafe + 1))
	elif [[ $lookup == unsafe_* ]]; then
		verdict="policed (CONFIG_STRICT_FOLLOW_PFN)"
	elif [[ $file == mm/* ]]; then
		verdict="mm core"
	else
		verdict="audited safe"
	fi
	echo "| $file:$line | $fn | $lookup | $verdict |"
done <<<"$audit"
echo
echo "$unsafe unaudited raw caller(s) outside mm/."
[ "$unsafe" -eq 0 ]
