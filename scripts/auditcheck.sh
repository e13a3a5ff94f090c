#!/bin/bash
# auditcheck.sh SRC WHAT: checks of the coccinelle guard on the patched
# tree SRC.  WHAT is one of
#   pristine   make audit on the pristine tree reports exactly the call
#              sites in configs/audit/pristine-unsafe
#   patched    make audit on SRC reports none
#   putback    a copy of SRC's vfio_iommu_type1.c with follow_pte() put
#              back is reported
#   coccicheck the kernel's make coccicheck MODE=report is silent on the
#              directories of the audited callers in SRC
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=${1:?usage: auditcheck.sh SRC WHAT}
audit=$TOP/scripts/audit.sh
unsafe_rows() { sed -nE 's/^\| ([^ ]+) \| ([^ ]+) \| [^|]+ \| UNSAFE.*/\1 \2/p'; }

case ${2:?usage: auditcheck.sh SRC WHAT} in
pristine)
	out=$("$audit" || true)
	echo "$out"
	diff <(sed -e 's/#.*//' -e '/^$/d' "$TOP/configs/audit/pristine-unsafe") \
		<(unsafe_rows <<<"$out") ;;
patched)
	"$audit" "$src" ;;
putback)
	f=drivers/vfio/vfio_iommu_type1.c
	tmp=$BUILD/audit-putback
	rm -rf "$tmp"
	mkdir -p "$tmp/$(dirname "$f")"
	touch "$tmp/Makefile"
	sed 's/\bunsafe_follow_pte(/follow_pte(/' "$src/$f" > "$tmp/$f"
	out=$("$audit" "$tmp" || true)
	echo "$out"
	[ "$(unsafe_rows <<<"$out" | grep -c "^$f:")" -eq 2 ] ;;
coccicheck)
	cd "$src"
	for d in drivers/media/v4l2-core drivers/vfio drivers/virt/acrn \
		 virt/kvm arch/s390/pci arch/x86/mm/pat; do
		out=$(make -s coccicheck MODE=report M=$d \
			COCCI=scripts/coccinelle/api/follow_pfn.cocci 2>&1 |
			grep -E '^[^ ]+:[0-9]+:[0-9]+-[0-9]+: ' || true)
		echo "M=$d: ${out:-no report}"
		[ -z "$out" ] || exit 1
	done ;;
*)	echo "auditcheck: unknown check $2" >&2; exit 2 ;;
esac
