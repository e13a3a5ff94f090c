#!/bin/bash
# mutation.sh: show that the tests catch a broken policy.  Each mutation
# changes one line of one patch of the series (in a copy under build/mutation; the
# series itself is untouched), applies it to the check tree and runs one
# KUnit configuration, which must FAIL.  The check tree is put back to
# the real series at the end.  Ends with "N passed, N failed", where a
# mutation that the tests catch counts as passed.
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$BUILD/check/linux
real=$PATCHES
passed=0
failed=0

# name | run | patch (glob) | start of one of its lines | the replacement
mutations=(
	"strict mode still returns the PFN|uml-strict|*-mm-Add-unsafe_follow_pfn.patch|+		return -EPERM;|+		return 0;"
	"default mode does not taint|uml-default|*-mm-Add-unsafe_follow_pfn.patch|+	add_taint(TAINT_USER, LOCKDEP_STILL_OK);|+	(void)0;"
	"default mode warns on every use|uml-default|*-mm-Add-unsafe_follow_pfn.patch|+	WARN_ONCE(1, \"%s: %ps keeps PFNs|+	WARN(1, \"%s: %ps keeps PFNs"
	"the policy runs before the lookup's own checks|uml-default|*-mm-Add-unsafe_follow_pfn.patch|+	ret = follow_pfn(vma, address, &found);|+	ret = unsafe_pfn_lookup_policy(\"unsafe_follow_pfn\", _RET_IP_) ?: follow_pfn(vma, address, &found);"
	"unsafe_follow_pfn skips the policy, unsafe_follow_pte does not|uml-default|*-mm-Add-unsafe_follow_pfn.patch|+	ret = unsafe_pfn_lookup_policy(\"unsafe_follow_pfn\", _RET_IP_);|+	ret = 0;"
	"COW copies are handed out|uml-strict|*-mm-Never-return-PFNs-of-anonymous-COW-copies-*.patch|+	if (vm_normal_page(vma, address, **ptepp)) {|+	if (0) {"
	"NOMMU strict mode still returns the PFN|riscv64-nommu-strict|*-mm-Add-unsafe_follow_pfn.patch|+		return -EPERM;|+		return 0;"
)

for m in "${mutations[@]}"; do
	IFS='|' read -r name run glob from to <<<"$m"
	p=$(cd "$real" && ls $glob)
	n=$(awk -v from="$from" 'index($0, from) == 1 { n++ } END { print n + 0 }' "$real/$p")
	if [ "$n" -ne 1 ]; then
		echo "mutation '$name': '$from' found $n times in $p" >&2
		failed=$((failed + 1))
		continue
	fi
	mut=$BUILD/mutation/patches
	rm -rf "$mut"
	mkdir -p "$mut"
	cp "$real"/* "$mut/"
	awk -v from="$from" -v to="$to" \
		'index($0, from) == 1 { $0 = to substr($0, length(from) + 1) } { print }' \
		"$real/$p" > "$mut/$p"
	say "mutation: $name ($run)"
	PATCHES=$mut "$TOP/scripts/mktree.sh" "$src" > /dev/null
	if "$TOP/scripts/kunit.sh" "$src" "$run" > "$BUILD/mutation/$run.log" 2>&1; then
		echo "NOT CAUGHT: $name"
		failed=$((failed + 1))
	else
		grep -E 'FAIL|\[FAILED\]' "$BUILD/mutation/$run.log" | head -5 | sed 's/^/    /'
		echo "caught: $name"
		passed=$((passed + 1))
	fi
done

"$TOP/scripts/mktree.sh" "$src" > /dev/null
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
