#!/bin/bash
# expect.sh LOGDIR EXPECT...: check the kernel logs in LOGDIR, one file
# CASE.log per boot, each booted to run the test case CASE alone,
# against expectations files.  Their lines are:
#   pass NAME               NAME (case or suite) passed, and never failed
#   skip NAME               NAME was skipped, and never ran or failed
#   log MIN MAX TEXT        between MIN and MAX lines of all boots contain TEXT
#   caselog CASE MIN MAX TEXT  the same, in the boot of CASE only
# Every case and suite in the logs must be named by a pass or skip line.
set -euo pipefail

dir=${1:?usage: expect.sh LOGDIR EXPECT...}
shift
[ $# -gt 0 ] || { echo "usage: expect.sh LOGDIR EXPECT..." >&2; exit 2; }
logs=("$dir"/*.log)
[ -s "${logs[0]}" ] || { echo "expect: no kernel logs in $dir" >&2; exit 1; }

all=$(cat "${logs[@]}" | tr -d '\r')
results=$(sed -nE 's/^(.*[[:space:]])?((not )?ok [0-9]+) (- )?([a-z0-9_.]+)( # SKIP)?.*$/\2 \5\6/p' <<<"$all")
bad=0
fail() { echo "    FAIL: $*"; bad=1; }
named=()
count() { # MIN MAX TEXT WHERE LOG...: lines of the logs with TEXT
	local min=$1 max=$2 text=$3 where=$4 n
	shift 4
	n=$(cat "$@" | tr -d '\r' | grep -cF -- "$text" || true)
	if [ "$n" -lt "$min" ] || [ "$n" -gt "$max" ]; then
		fail "$n log lines with '$text' in $where, want $min..$max"
	else
		echo "    log: $n line(s) with '$text' in $where (want $min..$max)"
	fi
}
seen() { grep -E " $1( |$)" <<<"$results" | sort | uniq -c | tr '\n' ';' || echo missing; }

while read -r kind a b c d; do
	case $kind in
	pass)
		named+=("$a")
		if ! grep -qxE "ok [0-9]+ $a" <<<"$results" ||
		   grep -qE "^not ok [0-9]+ $a( |$)" <<<"$results"; then
			fail "$a did not pass: $(seen "$a")"
		fi ;;
	skip)
		named+=("$a")
		if ! grep -qxE "ok [0-9]+ $a # SKIP" <<<"$results" ||
		   grep -qxE "(not )?ok [0-9]+ $a" <<<"$results" ||
		   grep -qE "^not ok [0-9]+ $a( |$)" <<<"$results"; then
			fail "$a was not skipped: $(seen "$a")"
		fi ;;
	log)
		count "$a" "$b" "$c${d:+ $d}" "all boots" "${logs[@]}" ;;
	caselog)
		if [ -f "$dir/$a.log" ]; then
			count "$b" "$c" "$d" "the boot of $a" "$dir/$a.log"
		else
			fail "no boot of $a"
		fi ;;
	''|'#'*) ;;
	*) echo "expect: bad line '$kind $a $b $c $d' in $*" >&2; exit 2 ;;
	esac
done < <(sed 's/#.*//' "$@")

# Cases (and suites) that the expectations do not name are an error too.
while read -r name; do
	[[ " ${named[*]} " == *" $name "* ]] || fail "unexpected case $name"
done < <(sed -nE 's/^(not )?ok [0-9]+ ([a-z0-9_.]+).*/\2/p' <<<"$results" | sort -u)

exit $bad
