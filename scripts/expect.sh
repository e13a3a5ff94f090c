#!/bin/bash
# expect.sh LOG EXPECT...: check a kernel log (KTAP results and plain log
# lines) against expectations files.  Their lines are:
#   pass CASE            CASE ran and passed (not skipped)
#   skip CASE            CASE was skipped
#   log MIN MAX TEXT     between MIN and MAX log lines contain TEXT
# Every case and suite in the log must be named by a pass or skip line.
set -euo pipefail

log=${1:?usage: expect.sh LOG EXPECT...}
shift
[ $# -gt 0 ] || { echo "usage: expect.sh LOG EXPECT..." >&2; exit 2; }
[ -s "$log" ] || { echo "expect: no kernel log at $log" >&2; exit 1; }

results=$(tr -d '\r' < "$log" |
	sed -nE 's/^(.*[[:space:]])?((not )?ok [0-9]+) (- )?([a-z0-9_]+)( # SKIP)?.*$/\2 \5\6/p')
bad=0
fail() { echo "    FAIL: $*"; bad=1; }
named=()

while read -r kind a b c; do
	case $kind in
	pass)
		named+=("$a")
		grep -qxE "ok [0-9]+ $a" <<<"$results" ||
			fail "$a did not pass: $(grep -E " $a( |$)" <<<"$results" || echo missing)" ;;
	skip)
		named+=("$a")
		grep -qxE "ok [0-9]+ $a # SKIP" <<<"$results" ||
			fail "$a was not skipped: $(grep -E " $a( |$)" <<<"$results" || echo missing)" ;;
	log)
		n=$(tr -d '\r' < "$log" | grep -cF -- "$c" || true)
		if [ "$n" -lt "$a" ] || [ "$n" -gt "$b" ]; then
			fail "$n log lines with '$c', want $a..$b"
		else
			echo "    log: $n line(s) with '$c' (want $a..$b)"
		fi ;;
	''|'#'*) ;;
	*) echo "expect: bad line '$kind $a $b $c' in $*" >&2; exit 2 ;;
	esac
done < <(sed 's/#.*//' "$@")

# Cases (and suites) that the expectations do not name are an error too.
while read -r name; do
	[[ " ${named[*]} " == *" $name "* ]] || fail "unexpected case $name"
done < <(sed -nE 's/^(not )?ok [0-9]+ ([a-z0-9_]+).*/\2/p' <<<"$results")

exit $bad
