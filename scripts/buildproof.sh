#!/bin/bash
# buildproof.sh SRC: build the C files the series touches with W=1 and
# sparse (C=1) in an x86_64 configuration that enables every touched
# driver (configs/touched-drivers-KVER.config), in the patched tree SRC.
# Fails on any warning the pristine tree does not have (compared without
# line numbers, which the series shifts), or if a touched driver is not
# enabled.
#
# The pristine tree's warnings are recorded in configs/buildproof/KVER,
# with a key made of what they depend on: the tarball, gcc, sparse, the
# configuration and the objects compiled.  While the key matches, the
# pristine tree is not built; when it does not (a Debian point release,
# another compiler, a file the series newly touches), it is built as
# before, and the record it gives is written to $BUILD/w1/pristine.record
# for the maintainer to commit.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$(cd "${1:?usage: buildproof.sh SRC}" && pwd)
record=$TOP/configs/buildproof/$KVER
# mm/nommu.c is not built on an MMU kernel; the NOMMU KUnit runs build it.
mapfile -t files < <(git -C "$src" diff --name-only --diff-filter=AM pfnguard-base HEAD -- '*.c' |
	grep -v '^mm/nommu\.c$')

build() { # TREE OUT OBJS...: configure, then compile OBJS with W=1 C=1
	local tree=$1 out=$2
	local mk=(make -C "$tree" O="$out" ARCH=x86_64 CC="ccache-c gcc"
		  HOSTCC="ccache gcc" -j"$JOBS")
	shift 2
	mkdir -p "$out"
	"${mk[@]}" -s defconfig > /dev/null
	"$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$TOP/configs/touched-drivers-$KVER.config" > /dev/null
	"${mk[@]}" -s olddefconfig > /dev/null
	"${mk[@]}" -s prepare > /dev/null 2>&1
	# Compile (and run sparse on) every object again, even if up to date.
	(cd "$out" && rm -f "$@")
	# A failed compile is reported below: its objects are missing and
	# its errors are new.
	"${mk[@]}" W=1 C=1 KBUILD_MODPOST_WARN=1 "$@" > "$out/objs.log" 2>&1 ||
		echo "the W=1 C=1 build in $out failed (objs.log there)"
}
warnings() { # TREE LOG: warnings without line/column numbers and TREE
	grep -E '(warning|error):' "$2" | sed -E "s|$1/||;
		s|^([^:]+):[0-9]+(:[0-9]+)?:|\1:|" | sort -u || true
}

objs=()
for f in "${files[@]}"; do objs+=("${f%.c}.o"); done
# New files have no pristine counterpart: every warning in them is new.
old=()
for f in "${files[@]}"; do
	git -C "$src" cat-file -e "pfnguard-base:$f" 2>/dev/null && old+=("${f%.c}.o")
done
key=$({
	sha256sum < "$TARBALL"
	gcc --version | head -n 1
	sparse --version
	cat "$TOP/configs/touched-drivers-$KVER.config"
	echo "${old[@]}"
} | sha256sum | cut -c1-32)

build "$src" "$BUILD/w1/patched" "${objs[@]}"
if [ "$(sed -n 's/^# key: //p' "$record" 2>/dev/null)" = "$key" ]; then
	echo "pristine warnings: from ${record#"$TOP"/} (key $key)"
	pristine=$(grep -v '^#' "$record" || true)
else
	echo "pristine warnings: ${record#"$TOP"/} does not match (key $key): building the pristine tree"
	tree=$(pristine_tree)
	build "$tree" "$BUILD/w1/pristine" "${old[@]}"
	pristine=$(warnings "$tree" "$BUILD/w1/pristine/objs.log")
	{
		echo "# The pristine tree's W=1 C=1 warnings in the objects the"
		echo "# $KVER series touches (scripts/buildproof.sh)."
		echo "# tarball: $(basename "$TARBALL"), $(debian_version)"
		echo "# compilers: $(gcc --version | head -n 1); sparse $(sparse --version)"
		echo "# objects: ${old[*]}"
		echo "# key: $key"
		[ -z "$pristine" ] || echo "$pristine"
	} > "$BUILD/w1/pristine.record"
	echo "pristine warnings: new record in $BUILD/w1/pristine.record (copy it to ${record#"$TOP"/})"
fi
patched=$(warnings "$src" "$BUILD/w1/patched/objs.log")

bad=0
# Every option the touched-drivers config asks for must be in the result.
syms=$(sed -nE 's/^CONFIG_([A-Z0-9_]+)=[ym]$/\1/p' \
	"$TOP/configs/touched-drivers-$KVER.config")
for sym in $syms; do
	grep -qE "^CONFIG_$sym=[ym]" "$BUILD/w1/patched/.config" ||
		{ echo "CONFIG_$sym is not enabled"; bad=1; }
done
for o in "${objs[@]}"; do
	if [ -f "$BUILD/w1/patched/$o" ]; then
		echo "built with W=1 C=1: $o"
	else
		echo "NOT BUILT: $o"; bad=1
	fi
done
count() { grep -c . <<<"$1" || true; }
new=$(comm -13 <(echo "$pristine") <(echo "$patched") | grep . || true)
echo "warnings: pristine $(count "$pristine"), patched $(count "$patched"), new $(count "$new")"
[ -z "$new" ] || { echo "new warnings:"; echo "$new"; bad=1; }
exit $bad
