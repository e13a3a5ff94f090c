#!/bin/bash
# check.sh: pfnguard's test command ("make check").  For each series it
# prints its plan (every check it will run), applies the series to the
# pristine tree, checks the patches, builds the test kernels and boots
# every run of configs/runs; a planned check that does not run counts as
# failed.  Ends with "N passed, N failed".
#
# KVER=6.1, 6.12 or 7.2 checks one series.  Without KVER, the versions in
# CHECK_VERSIONS (default: all three) are checked side by side, each in a
# process of its own with its lines prefixed by its version and its log
# in build/check-VERSION.log; the last line adds them up.  RUNS names a
# subset of the runs (configs/runs), DEBUG_RUNS=1 adds 6.1's runs on the
# lockdep/KASAN kernel (6.12's and 7.2's are always run), STATIC=no
# leaves out the static checks (patches, audit, sparse); the plan says
# what was narrowed.  V=1 prints every check's log, not only a failed
# one's.
#
# The static checks are deterministic: a check that passed on the same
# inputs (the patched and pristine trees' content, the harness's own
# files, the tools' versions) passes again without running, and says so
# ("PASS ... (cached: ...)").  Their verdicts live in
# $PFNGUARD_CACHE/verdicts (~/.cache/pfnguard); FRESH=1 runs them all.
set -euo pipefail

# Ctrl-C (or a TERM) stops every check, build and QEMU of this process
# group: background jobs of a script ignore SIGINT, not SIGTERM.
trap 'trap - INT TERM; echo "check: interrupted" >&2; kill -TERM 0; exit 130' INT TERM

if [ -z "${KVER:-}" ]; then
	top=$(cd "$(dirname "$0")/.." && pwd)
	"$top/scripts/deps.sh"
	mkdir -p "$top/build"
	versions=${CHECK_VERSIONS:-6.1 6.12 7.2}
	for v in $versions; do
		KVER=$v "$0" 2>&1 | tee "$top/build/check-$v.log" | sed -u "s/^/[$v] /" &
	done
	wait
	p=0 f=0
	for v in $versions; do
		read -r vp vf < <(sed -nE 's/^([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' \
				  "$top/build/check-$v.log" | tail -n 1) || { vp=0 vf=1; }
		echo "Linux $v: $vp passed, $vf failed ($(grep -h '^check took' "$top/build/check-$v.log" || echo 'did not finish'))"
		p=$((p + vp)) f=$((f + vf))
	done
	echo "$p passed, $f failed"
	[ "$f" -eq 0 ]
	exit
fi
. "$(dirname "$0")/env.sh"
. "$TOP/scripts/runs.sh"

sets=check
[ -z "${DEBUG_RUNS:-}" ] || sets+=" debug"
all_runs=$(runs $sets)
RUNS=${RUNS:-$all_runs}
for r in $RUNS; do
	run_row "$r" || { echo "check: no run '$r' for Linux $KVER (configs/runs)" >&2; exit 2; }
done
src=$BUILD/check/linux
logs=$BUILD/check/logs
passed=0
failed=0
static=yes
[ "${STATIC:-yes}" != no ] || static=no

# The plan: every check, by name, before any runs.
plan=("series applies to pristine $KVER with git am")
static_checks=("series applies with patch -p1")
while read -r p; do
	static_checks+=("checkpatch --strict $(basename "$p")")
done < <(series_patches)
cover="the cover letter is exported from docs/cover-letter-$KVER.txt"
kdoc="kernel-doc -none on touched files"
cocci_in="coccicheck: silent near the audited callers, reports a raw one (in tree)"
cocci_o="coccicheck with O= outside the source tree: silent on vfio, reports the raw one"
cocci_sub="coccicheck with O= inside the source tree: silent on vfio, reports the raw one"
audit_pristine="make audit: the pristine tree has exactly the audited unsafe callers"
audit_patched="make audit: the patched tree has no unaudited raw lookup"
audit_putback="make audit: a raw $PUTBACK_LOOKUP() put back into vfio is reported"
sparse="touched drivers build with W=1 C=1, no new warnings"
static_checks+=("$cover" "$kdoc" "$cocci_in" "$cocci_o" "$cocci_sub" "$audit_pristine"
	"$audit_patched" "$audit_putback" "$sparse")
# A series with no NOMMU code to run (6.12, 7.2: follow_pfnmap_start() and the
# policy are MMU-only) is not booted there: the files of it that NOMMU
# builds are compiled for riscv64 NOMMU with W=1 and CONFIG_WERROR.
nommu=
if ! runs check debug | grep -q '^riscv64-nommu'; then
	nommu="the series compiles for riscv64 NOMMU (W=1, CONFIG_WERROR)"
	static_checks+=("$nommu")
fi
[ "$static" = no ] || plan+=("${static_checks[@]}")
for r in $RUNS; do plan+=("run $r"); done
# The kernels of the runs, in the order the runs need them.
kernels=
for r in $RUNS; do
	run_row "$r"
	[[ " $kernels " == *" $run_kernel "* ]] || kernels+=" $run_kernel"
done
# The module-link tests (6.1) build against the x86_64 kernel.
modlink_checks=()
if [ "$KVER" = 6.1 ] && [[ " $kernels " == *" x86_64 "* ]]; then
	modlink_checks=("Module.symvers: __unsafe_follow_pfn exported, follow_pfn not"
		"a proprietary module calling follow_pfn builds, linked to __unsafe_follow_pfn"
		"a GPL module calling follow_pfn builds, linked to __unsafe_follow_pfn"
		"modpost: unsafe_follow_pte is GPL-only"
		"a GPL module calling unsafe_follow_pte builds"
		"a proprietary module calling unsafe_follow_pfn builds")
	plan+=("${modlink_checks[@]}")
fi
echo "plan: ${#plan[@]} checks"
[ "$RUNS" = "$all_runs" ] || echo "plan: narrowed by RUNS to: $RUNS"
[ "$static" = yes ] || echo "plan: narrowed by STATIC=no: no static checks"
[ "$KVER" != 6.1 ] || [ ${#modlink_checks[@]} -gt 0 ] ||
	echo "plan: narrowed by RUNS: no x86_64 kernel, no module-link tests"
printf 'plan: %s\n' "${plan[@]}"

# timed FILE COMMAND...: run COMMAND, write its wall and CPU seconds (its
# own and its children's) to FILE.
timed() {
	python3 -c 'import resource, subprocess, sys, time
t = time.time()
rc = subprocess.call(sys.argv[2:])
r = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(sys.argv[1], "w") as f:
    f.write("%d %d\n" % (time.time() - t, r.ru_utime + r.ru_stime))
sys.exit(rc)' "$@"
}
declare -A ran=()
check() { # NAME COMMAND...: run a planned check, its output in its log
	local name=$1 log rc t
	shift
	log=$logs/$(printf '%s' "$name" | tr -c 'a-zA-Z0-9_.-' '_').log
	echo "--- $name"
	ran[$name]=1
	# Wall and CPU seconds of the check and its children alone (bash's
	# "time" would count a background build reaped meanwhile).
	rc=0
	timed "$log.time" "$@" > "$log" 2>&1 || rc=$?
	read -r wall cpu < "$log.time" || { wall='?' cpu='?'; }
	t="${wall}s, cpu ${cpu}s"
	ran_ok=
	if [ "$rc" -eq 0 ]; then
		ran_ok=1
		passed=$((passed + 1))
		[ -z "${V:-}" ] || sed 's/^/  /' "$log"
		echo "PASS $name ($t)"
	else
		failed=$((failed + 1))
		sed 's/^/  /' "$log" | tail -n 40
		echo "FAIL $name ($t, log: $log)"
	fi
}
# The inputs of the static checks, as one key (see the top of this file).
static_key() {
	{
		git -C "$src" rev-parse "pfnguard-base^{tree}" "HEAD^{tree}"
		git -C "$src" diff HEAD
		(cd "$TOP" && find scripts configs tests "patches/linux-$KVER" \
			"docs/cover-letter-$KVER.txt" -type f ! -name '*.pyc' \
			-print0 | sort -z | xargs -0 sha256sum)
		gcc --version | head -n 1
		spatch --version 2>&1 | head -n 1
		sparse --version 2>&1
		perl -e 'print "$^V\n"'
		python3 --version
	} | sha256sum | cut -c1-32
}
verdicts=$PFNGUARD_CACHE/verdicts
static_check() { # NAME COMMAND...: check, unless it passed on these inputs
	local v
	v=$verdicts/$(printf '%s %s' "$skey" "$1" | sha256sum | cut -c1-32)
	if [ -z "${FRESH:-}" ] && [ -f "$v" ]; then
		ran[$1]=1
		passed=$((passed + 1))
		echo "--- $1"
		echo "PASS $1 (cached: passed on the same inputs, $(cat "$v"))"
		return
	fi
	check "$@"
	[ -z "${ran_ok:-}" ] || { mkdir -p "$verdicts"; date -u +'%F %T UTC' > "$v"; }
}
finish() {
	local n
	for n in "${plan[@]}"; do
		[ -n "${ran[$n]:-}" ] || { echo "NOT RUN $n"; failed=$((failed + 1)); }
	done
	echo "check took $(( $(date +%s) - start ))s"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

"$TOP/scripts/deps.sh"
rm -rf "$logs"
mkdir -p "$logs"
start=$(date +%s)

check "${plan[0]}" "$TOP/scripts/mktree.sh" "$src"
[ "$failed" -eq 0 ] || { finish; exit 1; }
# Build the kernels of the runs in the background, in the order the runs
# need them, while the checks below, most of them single-threaded, run.
# A kernel that fails to build here is built again, and reported, by its
# first run.
for k in $kernels; do
	r=built
	timed "$logs/build-$k.time" "$TOP/scripts/kernel.sh" "$src" "$k" \
		> "$logs/build-$k.log" 2>&1 || r=failed
	read -r wall cpu < "$logs/build-$k.time" || { wall='?' cpu='?'; }
	# How many C files kbuild compiled: a kernel seeded from x86_64's
	# build directory should compile a handful.
	n=$(grep -c '^  CC ' "$logs/build-$k.log" || true)
	echo "build ahead: $k $r in ${wall}s, cpu ${cpu}s, $n C files compiled"
done > "$logs/build-ahead.log" 2>&1 &
ahead=$!

if [ "$static" = yes ]; then
	skey=$(static_key)
	static_check "series applies with patch -p1" "$TOP/scripts/patchp1.sh" "$src"
	while read -r p; do
		static_check "checkpatch --strict $(basename "$p")" \
			"$TOP/scripts/checkpatch.sh" "$src" "$p"
	done < <(series_patches)
	static_check "$cover" "$TOP/scripts/coverletter.sh"
	static_check "$kdoc" "$TOP/scripts/kerneldoc.sh" "$src"
	static_check "$cocci_in" "$TOP/scripts/auditcheck.sh" "$src" coccicheck
	static_check "$cocci_o" "$TOP/scripts/auditcheck.sh" "$src" coccicheck-o
	static_check "$cocci_sub" "$TOP/scripts/auditcheck.sh" "$src" coccicheck-o-sub
	static_check "$audit_pristine" "$TOP/scripts/auditcheck.sh" "$src" pristine
	static_check "$audit_patched" "$TOP/scripts/auditcheck.sh" "$src" patched
	static_check "$audit_putback" "$TOP/scripts/auditcheck.sh" "$src" putback
	static_check "$sparse" "$TOP/scripts/buildproof.sh" "$src"
	[ -z "$nommu" ] || static_check "$nommu" "$TOP/scripts/kernel.sh" "$src" riscv64-nommu-objs
fi

# The runs, kernel by kernel in the order they are built.
for k in $kernels; do
	for r in $RUNS; do
		run_row "$r"
		[ "$run_kernel" = "$k" ] || continue
		if [ "$run_tests" = vfio ]; then
			check "run $r" "$TOP/scripts/vfio.sh" "$src" "$r"
		else
			check "run $r" "$TOP/scripts/kunit.sh" "$src" "$r"
		fi
	done
	if [ "$k" = x86_64 ] && [ ${#modlink_checks[@]} -gt 0 ]; then
		kb=$("$TOP/scripts/kernel.sh" "$src" x86_64 2> "$logs/modlink-kernel.log") || kb=$BUILD/kunit/x86_64
		check "${modlink_checks[0]}" "$TOP/scripts/modlink.sh" "$kb" symvers
		check "${modlink_checks[1]}" "$TOP/scripts/modlink.sh" "$kb" follow_pfn proprietary policed
		check "${modlink_checks[2]}" "$TOP/scripts/modlink.sh" "$kb" follow_pfn gpl policed
		check "${modlink_checks[3]}" "$TOP/scripts/modlink.sh" "$kb" unsafe_follow_pte proprietary gpl-only
		check "${modlink_checks[4]}" "$TOP/scripts/modlink.sh" "$kb" unsafe_follow_pte gpl builds
		check "${modlink_checks[5]}" "$TOP/scripts/modlink.sh" "$kb" unsafe_follow_pfn proprietary builds
	fi
done

wait "$ahead" || true
grep '^build ahead:' "$logs/build-ahead.log" || true
finish
