#!/bin/bash
# auditcheck.sh SRC WHAT: checks of the coccinelle guard on the patched
# tree SRC.  WHAT is one of
#   pristine   make audit on the pristine tree reports exactly the unsafe
#              callers in configs/audit/pristine-unsafe-$KVER (file and
#              function, once per call site; not line numbers, which a
#              Debian point release may shift)
#   patched    make audit on SRC reports none
#   putback    a copy of SRC's vfio_iommu_type1.c with the raw lookup
#              (follow_pte(), follow_pfnmap_start()) put back is reported
#   coccicheck the kernel's make coccicheck MODE=report is silent on the
#              directories of the audited callers and mm/ in SRC, and
#              reports a raw lookup put back into vfio
#   coccicheck-o, coccicheck-o-sub  with O= outside SRC, and with O= a
#              subdirectory of SRC: silent on drivers/vfio, and reports
#              the raw lookup put back there
# The coccicheck checks run in a copy of SRC made of hard links, where
# the put-back file is a new file: SRC, which kernels are being built
# from meanwhile, is never written.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=${1:?usage: auditcheck.sh SRC WHAT}
audit=$TOP/scripts/audit.sh
unsafe_rows() { sed -nE 's/^\| ([^ ]+) \| ([^ ]+) \| [^|]+ \| UNSAFE.*/\1 \2/p'; }

case ${2:?usage: auditcheck.sh SRC WHAT} in
pristine)
	# The pristine tree's files that name a lookup, from the tree's base
	# commit (a superset of what audit.sh selects), not a second
	# extraction of the whole tarball.
	tmp=$BUILD/audit-pristine
	rm -rf "$tmp"
	mkdir -p "$tmp"
	mapfile -t files < <(git -C "$src" grep -lE "(unsafe_)?$RAW_LOOKUPS" \
		pfnguard-base -- '*.[ch]' | sed 's/^pfnguard-base://')
	[ ${#files[@]} -gt 0 ] || { echo "auditcheck: no lookup in pfnguard-base" >&2; exit 1; }
	git -C "$src" archive pfnguard-base Makefile "${files[@]}" | tar -x -C "$tmp"
	# 1: unsafe callers found (expected here); 2: audit.sh failed.
	rc=0
	out=$("$audit" "$tmp") || rc=$?
	rm -rf "$tmp"
	[ "$rc" -le 1 ] || { echo "$out"; echo "auditcheck: audit.sh failed ($rc)" >&2; exit 1; }
	echo "$out"
	diff <(sed -e 's/#.*//' -e '/^$/d' "$TOP/configs/audit/pristine-unsafe-$KVER") \
		<(unsafe_rows <<<"$out" | sed -E 's/^([^: ]+):[0-9]+ /\1 /') ;;
patched)
	"$audit" "$src" ;;
putback)
	f=drivers/vfio/vfio_iommu_type1.c
	tmp=$BUILD/audit-putback
	rm -rf "$tmp"
	mkdir -p "$tmp/$(dirname "$f")"
	touch "$tmp/Makefile"
	sed "$PUTBACK" "$src/$f" > "$tmp/$f"
	rc=0
	out=$("$audit" "$tmp") || rc=$?
	echo "$out"
	[ "$rc" -le 1 ] || { echo "auditcheck: audit.sh failed ($rc)" >&2; exit 1; }
	[ "$(unsafe_rows <<<"$out" | grep -c "^$f:")" -eq 2 ] ;;
coccicheck|coccicheck-o|coccicheck-o-sub)
	# The kernel's own make coccicheck, in the source directory, with
	# O= outside the tree (absolute paths) and O= a subdirectory of it
	# ("../" paths): silent near the audited callers and in mm/, and it
	# reports a raw lookup put back into vfio.
	tree=$BUILD/cocci-tree/linux
	rm -rf "$BUILD/cocci-tree"
	mkdir -p "$BUILD/cocci-tree"
	cp -al "$(cd "$src" && pwd)" "$tree"
	rm -rf "$tree/.git"
	case $2 in
	coccicheck) o=() ;;
	coccicheck-o) o=(O="$BUILD/cocci-out") ;;
	coccicheck-o-sub) o=(O="$tree/cocci-out") ;;
	esac
	# 7.2's kbuild wants the O= directory to exist when M= is given.
	[ ${#o[@]} -eq 0 ] || mkdir -p "${o[0]#O=}"
	cocci() { # DIR: the reports of make coccicheck on DIR; fails if it does
		make -s -C "$tree" "${o[@]}" coccicheck MODE=report M="$tree/$1" \
			COCCI="$tree/scripts/coccinelle/api/$COCCI_NAME.cocci" \
			> "$BUILD/cocci-tree/out" 2>&1 ||
			{ cat "$BUILD/cocci-tree/out" >&2; echo "auditcheck: make coccicheck failed on $1" >&2; return 1; }
		grep -E '^[^ ]+:[0-9]+:[0-9]+-[0-9]+: ' "$BUILD/cocci-tree/out" || true
	}
	# The verdicts do not depend on the layout: the O= layouts check
	# the paths, on vfio alone.
	dirs=(drivers/vfio)
	if [ "$2" = coccicheck ]; then
		dirs+=(drivers/virt/acrn virt/kvm arch/s390/pci arch/x86/mm/pat mm)
		[ "$KVER" != 6.1 ] || dirs+=(drivers/media/v4l2-core)
	fi
	for d in "${dirs[@]}"; do
		out=$(cocci "$d")
		echo "${o[*]:-in tree} M=$d: ${out:-no report}"
		[ -z "$out" ] || exit 1
	done
	# The raw lookup put back: a new file in the copy (sed writes one and
	# renames it), so SRC's, hard-linked, is untouched.
	f=drivers/vfio/vfio_iommu_type1.c
	sed -i "$PUTBACK" "$tree/$f"
	out=$(cocci drivers/vfio)
	echo "${o[*]:-in tree} M=drivers/vfio with $PUTBACK_LOOKUP() put back:"
	echo "$out"
	cmp -s "$src/$f" "$tree/$f" && { echo "auditcheck: the put-back changed nothing" >&2; exit 1; }
	rm -rf "$BUILD/cocci-tree" "$BUILD/cocci-out"
	# The reports name the file from the top of the tree, or, where
	# kbuild runs spatch in the M= directory (7.2), from there.
	[ "$(grep -cE "(^|/)$(basename "$f"):[0-9]+:.*$PUTBACK_LOOKUP\(\) outside mm/" <<<"$out")" -eq 2 ] ;;
*)	echo "auditcheck: unknown check $2" >&2; exit 2 ;;
esac
