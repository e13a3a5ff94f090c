#!/bin/bash
# kernel.sh SRC KERNEL: build the test kernel KERNEL (x86_64,
# x86_64-strict, x86_64-debug, riscv64-nommu) from the patched tree SRC
# into $BUILD/kunit/KERNEL, and print that directory.  riscv64-nommu-objs
# is riscv64-nommu's configuration with only the files of the series
# that NOMMU builds compiled (W=1, CONFIG_WERROR), not a kernel: for a
# series that has no NOMMU code to boot (6.12).
#
# A kernel is "make allnoconfig" plus the fragments of configs/kernels/
# that name it: base, its arch, the version, the version's arch, and
# strict/debug; every option a fragment asks for must come out as asked
# (what kunit.py's validate_config does), or the build fails.
#
# A kernel is built once per content: a key made of the tree's content
# (its git tree id and any uncommitted change), the fragments without
# comments and the compilers' versions, never a path or a time.  A build
# directory whose key matches is used as it is; a key in the kernel
# cache ($PFNGUARD_CACHE/kernels, ~/.cache/pfnguard by default, shared
# by every clone on the machine) is restored from it; otherwise the
# kernel is built, and a build of the series as committed goes into the
# cache.  x86_64-strict and x86_64-debug start as a copy of x86_64's
# build directory: kbuild then rebuilds only what their options change.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$(cd "${1:?usage: kernel.sh SRC KERNEL}" && pwd)
kernel=${2:?usage: kernel.sh SRC KERNEL}
frags=$TOP/configs/kernels
seed=
case $kernel in
x86_64) arch=x86_64 parts=(base x86_64) ;;
x86_64-strict) arch=x86_64 parts=(base x86_64 strict) seed=x86_64 ;;
x86_64-debug) arch=x86_64 parts=(base x86_64 strict debug) seed=x86_64 ;;
riscv64-nommu|riscv64-nommu-objs) arch=riscv64-nommu parts=(base riscv64-nommu) ;;
*)	echo "kernel.sh: unknown kernel '$kernel'" >&2; exit 2 ;;
esac
files=()
for p in "${parts[@]}"; do
	files+=("$frags/$p.config")
	# The version's fragments follow the arch's.
	if [ "$p" = "$arch" ]; then
		for v in "$KVER" "$KVER-$arch"; do
			[ ! -f "$frags/$v.config" ] || files+=("$frags/$v.config")
		done
	fi
done
cc="ccache-c gcc"
mk=(ARCH=x86_64)
w1=
if [ "$arch" = riscv64-nommu ]; then
	cc="ccache-c riscv64-linux-gnu-gcc"
	mk=(ARCH=riscv CROSS_COMPILE=riscv64-linux-gnu-)
	# W=1 again on the files the series touches that NOMMU builds.
	w1="mm/util.o"
	[ "$KVER" != 6.1 ] || w1="mm/follow_pfn_kunit.o mm/nommu.o mm/util.o"
fi
mk=(make -C "$src" O="$BUILD/kunit/$kernel" "${mk[@]}" CC="$cc"
    HOSTCC="ccache gcc" -j"$JOBS")

fragment() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "${files[@]}"; }
# The key: what the kernel is made of, not where or when.
key() {
	{
		echo "$KVER $kernel $w1"
		fragment
		echo "$cc"
		${cc#ccache-c } --version | head -n 1
		ld --version | head -n 1
		git -C "$src" rev-parse "HEAD^{tree}"
		git -C "$src" diff HEAD
	} | sha256sum | cut -c1-32
}

out=$BUILD/kunit/$kernel
cache=$PFNGUARD_CACHE/kernels
mkdir -p "$out" "$cache"
# One build at a time in a build directory; whoever comes second finds
# the key.
exec 9> "$out/.lock"
flock 9
want=$(key)
if [ "$(cat "$out/.pfnguard-key" 2>/dev/null)" = "$want" ]; then
	echo "$out"
	exit 0
fi
rm -f "$out/.pfnguard-key"
if [ -f "$cache/$want/.pfnguard-paths" ]; then
	# Restored from the cache: the build directory's own files, with the
	# two that name the source tree and the build directory pointed here.
	find "$out" -mindepth 1 -maxdepth 1 ! -name runs ! -name .lock -exec rm -rf {} +
	cp -a "$cache/$want/." "$out/"
	read -r old_src old_out < "$out/.pfnguard-paths"
	sed -i "s|$old_out|$out|g; s|$old_src|$src|g" "$out/Makefile"
	ln -sfn "$src" "$out/source"
	# A later make here (a mutant, make nvidia's modules) must find
	# nothing out of date.  Each object's .cmd file records its command
	# line, paths included: kbuild rebuilds an object whose command
	# changed, so they name this tree and this directory.  And cp -a kept
	# the times of the build that made the entry, older than this tree's
	# checkout: one time for all of the build directory's files, now.
	{ grep -rlF --include='.*.cmd' -e "$old_out" -e "$old_src" "$out" || :; } |
		xargs -r sed -i "s|$old_out|$out|g; s|$old_src|$src|g"
	t=$(date +%s)
	find "$out" -path "$out/runs" -prune -o -exec touch -h -d "@$t" {} +
	touch "$cache/$want"
	echo "kernel.sh: $kernel restored from $cache/$want" >&2
	echo "$want" > "$out/.pfnguard-key"
	echo "$out"
	exit 0
fi
if [ -n "$seed" ] && [ ! -f "$out/.config" ]; then
	from=$("$0" "$src" "$seed")
	exec 8>> "$from/.lock"
	flock -s 8
	find "$from" -mindepth 1 -maxdepth 1 ! -name runs ! -name .lock \
		! -name .pfnguard-key -exec cp -a -t "$out" {} +
	flock -u 8
	# objtool's own build records absolute paths: point them here, or
	# objtool is rebuilt, and with it every object.
	grep -rlF --include='.*.cmd' "$from/" "$out/tools" 2>/dev/null |
		xargs -r sed -i "s|$from/|$out/|g"
	echo "kernel.sh: $kernel starts from a copy of $from" >&2
fi
fragment > "$out/pfnguard.config"
"${mk[@]}" -s KCONFIG_ALLCONFIG="$out/pfnguard.config" allnoconfig >&2
bad=0
while IFS='=' read -r sym val; do
	case $val in
	n) ! grep -q "^$sym=" "$out/.config" || { echo "kernel.sh: $sym is set" >&2; bad=1; } ;;
	*) grep -qx "$sym=$val" "$out/.config" ||
		{ echo "kernel.sh: $sym=$val asked for, not in .config (a dependency missing?)" >&2; bad=1; } ;;
	esac
done < "$out/pfnguard.config"
[ "$bad" -eq 0 ] || exit 1
if [ "$kernel" != riscv64-nommu-objs ]; then
	"${mk[@]}" >&2
	# The UAPI headers, for the programs built against this kernel.
	"${mk[@]}" -s headers >&2
else
	"${mk[@]}" prepare >&2
fi
if [ -n "$w1" ]; then
	# CONFIG_WERROR makes any W=1 warning an error.
	(cd "$out" && rm -f $w1)
	"${mk[@]}" W=1 $w1 >&2
fi
# A tree changed while it was built (a mutant put back, an edit) makes
# a kernel that is neither: it is rebuilt the next time, not reused.
if [ "$(key)" != "$want" ]; then
	echo "kernel.sh: $src changed while $kernel was built; not keyed" >&2
	echo "$out"
	exit 0
fi
echo "$want" > "$out/.pfnguard-key"
# From now on this machine builds through ccache (scripts/env.sh).
mkdir -p "$CCACHE_DIR"
if [ -z "$(git -C "$src" status --porcelain --untracked-files=no)" ]; then
	# Into the cache (a mutant's build, with uncommitted changes, is
	# not), without the runs' logs; the oldest entries beyond 16 go.
	echo "$src $out" > "$out/.pfnguard-paths"
	rm -rf "$cache/$want.tmp"
	mkdir -p "$cache/$want.tmp"
	find "$out" -mindepth 1 -maxdepth 1 ! -name runs ! -name .lock \
		! -name .pfnguard-key -exec cp -a -t "$cache/$want.tmp" {} +
	rm -rf "$cache/$want"
	mv "$cache/$want.tmp" "$cache/$want"
	ls -1dt "$cache"/*/ | tail -n +17 | xargs -r rm -rf
fi
echo "$out"
