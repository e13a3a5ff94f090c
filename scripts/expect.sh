#!/bin/bash
# expect.sh LOGDIR EXPECT...: hold a run's kernel logs against expectation
# files.  LOGDIR/boots/*.log holds one console log per boot,
# LOGDIR/cases/CASE.log the log of each test case: its own boot, or its
# part of a boot that ran the whole suite.  The files' lines:
#   pass NAME                 NAME (case or suite) passed, and never failed
#   skip NAME                 NAME was skipped, and never ran or failed
#   log MIN MAX TEXT          MIN..MAX lines of all boots together hold TEXT
#   eachlog MIN MAX TEXT      MIN..MAX lines of every boot hold TEXT
#   caselog CASE MIN MAX TEXT MIN..MAX lines of CASE's log hold TEXT
#   silent CASE               CASE's log has no policy line, no warning
# "#" starts a comment (so TEXT cannot hold one); @API@ and @VFIO_API@
# stand for the version's policed lookups (scripts/env.sh).  Always
# checked: every
# case and suite in the logs is named by a pass or skip line; each case's
# log holds its own result, once, and no other case's but as skipped; no
# boot has a BUG, an Oops or a panic.
set -euo pipefail
. "$(dirname "$0")/env.sh"

dir=${1:?usage: expect.sh LOGDIR EXPECT...}
shift
[ $# -gt 0 ] || { echo "usage: expect.sh LOGDIR EXPECT..." >&2; exit 2; }
boots=("$dir"/boots/*.log)
[ -s "${boots[0]}" ] || { echo "expect: no kernel logs in $dir/boots" >&2; exit 1; }

# "ok 3 name", "not ok 3 name" or "ok 3 name # SKIP", from KTAP lines
# anywhere in a line.  (The leftmost match: a greedy prefix would take
# the "not " of a failure for its own.)
results() {
	tr -d '\r' < "$1" |
		grep -oE '(^|[[:space:]])(not )?ok [0-9]+ (- )?[a-z0-9_.]+( # SKIP)?' |
		sed -E 's/^[[:space:]]+//; s/^((not )?ok [0-9]+) (- )?/\1 /' || true
}
all=$(for b in "${boots[@]}"; do results "$b"; done)
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
caselog() { # CASE MIN MAX TEXT
	if [ -f "$dir/cases/$1.log" ]; then
		count "$2" "$3" "$4" "the log of $1" "$dir/cases/$1.log"
	else
		fail "no log of $1"
	fi
}
seen() { grep -F " $1" <<<"$all" | sort | uniq -c | tr '\n' ';' || echo missing; }

while read -r kind a b c d; do
	case $kind in
	pass)
		named+=("$a")
		if ! grep -qxF "ok ${a}" <<<"$(sed -E 's/^ok [0-9]+ /ok /' <<<"$all")" ||
		   grep -qE "^not ok [0-9]+ $a( |$)" <<<"$all"; then
			fail "$a did not pass: $(seen "$a")"
		fi ;;
	skip)
		named+=("$a")
		if ! grep -qxF "ok $a # SKIP" <<<"$(sed -E 's/^ok [0-9]+ /ok /' <<<"$all")" ||
		   grep -qxE "(not )?ok [0-9]+ $a" <<<"$all" ||
		   grep -qE "^not ok [0-9]+ $a( |$)" <<<"$all"; then
			fail "$a was not skipped: $(seen "$a")"
		fi ;;
	log)
		count "$a" "$b" "$c${d:+ $d}" "all boots" "${boots[@]}" ;;
	eachlog)
		for f in "${boots[@]}"; do
			count "$a" "$b" "$c${d:+ $d}" "boot $(basename "$f" .log)" "$f"
		done ;;
	caselog)
		caselog "$a" "$b" "$c" "$d" ;;
	silent)
		for t in "keeps PFNs of a user mapping" "refused for" \
			 "unsafe_pfn_lookup_policy" "uses PFNs it cannot keep safely" \
			 "WARNING:"; do
			caselog "$a" 0 0 "$t"
		done ;;
	'') ;;
	*) echo "expect: bad line '$kind $a $b $c $d' in $*" >&2; exit 2 ;;
	esac
done < <(sed -e 's/#.*//' -e "s/@API@/$API/g; s/@VFIO_API@/$VFIO_API/g" "$@")

# Cases (and suites) that the expectations do not name are an error too.
while read -r name; do
	[[ " ${named[*]} " == *" $name "* ]] || fail "unexpected case $name"
done < <(sed -nE 's/^(not )?ok [0-9]+ ([a-z0-9_.]+).*/\2/p' <<<"$all" | sort -u)

# A case's log is its own: its result once, other cases only skipped.
# (A name without a log of its own in cases/ is the suite's.)
for f in "$dir"/cases/*.log; do
	[ -e "$f" ] || { fail "no case logs in $dir/cases"; break; }
	c=$(basename "$f" .log)
	n=0
	while read -r ok name skip; do
		if [ "${name##*.}" = "$c" ]; then
			n=$((n + 1))
		elif [ -f "$dir/cases/${name##*.}.log" ] && [ -z "$skip" ]; then
			fail "the log of $c holds the result of $name"
		fi
	done < <(results "$f" | sed -E 's/^(not )?ok [0-9]+ /\1ok /; s/^not ok/not_ok/')
	[ "$n" -eq 1 ] || fail "the log of $c holds its own result $n times, not once"
done

for t in "BUG:" "Oops" "Kernel panic"; do
	count 0 0 "$t" "all boots" "${boots[@]}"
done
exit $bad
