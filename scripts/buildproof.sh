#!/bin/bash
# buildproof.sh SRC: build the C files the series touches with W=1 and
# sparse (C=1) in an x86_64 configuration that enables every touched
# driver (configs/touched-drivers-KVER.config), once in the pristine tree and
# once in the patched tree SRC.  Fails on any warning the pristine tree
# does not have (compared without line numbers, which the series shifts),
# or if a touched driver is not enabled.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$(cd "${1:?usage: buildproof.sh SRC}" && pwd)
pristine=$(pristine_tree)
# mm/nommu.c is not built on an MMU kernel; the NOMMU KUnit runs build it.
mapfile -t files < <(git -C "$src" diff --name-only --diff-filter=AM pfnguard-base HEAD -- '*.c' |
	grep -v '^mm/nommu\.c$')

build() { # TREE OUT OBJS...: configure, then compile OBJS with W=1 C=1
	local tree=$1 out=$2
	# Host programs (objtool) too through ccache: the second tree's
	# come from the first's.
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
	"${mk[@]}" W=1 C=1 KBUILD_MODPOST_WARN=1 "$@" > "$out/objs.log" 2>&1
}
warnings() { # LOG: warnings without line/column numbers and tree paths
	grep -E '(warning|error):' "$1" | sed -E "s|$src/||; s|$pristine/||;
		s|^([^:]+):[0-9]+(:[0-9]+)?:|\1:|" | sort -u
}

objs=()
for f in "${files[@]}"; do objs+=("${f%.c}.o"); done
build "$src" "$BUILD/w1/patched" "${objs[@]}"
# New files have no pristine counterpart: every warning in them is new.
old=()
for f in "${files[@]}"; do [ -f "$pristine/$f" ] && old+=("${f%.c}.o"); done
build "$pristine" "$BUILD/w1/pristine" "${old[@]}"

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
new=$(comm -13 <(warnings "$BUILD/w1/pristine/objs.log") <(warnings "$BUILD/w1/patched/objs.log"))
echo "warnings: pristine $(warnings "$BUILD/w1/pristine/objs.log" | wc -l), patched $(warnings "$BUILD/w1/patched/objs.log" | wc -l), new $(grep -c . <<<"$new" || true)"
[ -z "$new" ] || { echo "new warnings:"; echo "$new"; bad=1; }
exit $bad
