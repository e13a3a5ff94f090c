#!/bin/bash
# htmldocs.sh: build the documentation the series touches with the
# kernel's "make htmldocs", in the pristine and the patched tree, and fail
# on any Sphinx warning the patched tree has and the pristine one has not
# (compared without paths and line numbers, which the series shifts).
#
# SPHINXDIRS (default "admin-guide core-api"): the directories built.
# admin-guide holds kernel-parameters.txt and sysctl/vm.rst, which the
# series edit; core-api's mm-api.rst pulls in the kernel-doc of
# mm/memory.c, where the policed lookup is documented.
# Not part of make check: it needs Debian's Sphinx (python3-sphinx,
# python3-yaml), which make check does not, and takes minutes a tree.
set -euo pipefail
. "$(dirname "$0")/env.sh"

dirs=${SPHINXDIRS:-admin-guide core-api}
src=$BUILD/check/linux
"$TOP/scripts/mktree.sh" "$src"
pristine=$(pristine_tree)
out=$BUILD/htmldocs
mkdir -p "$out"

docs() { # TREE NAME: build the docs of TREE, its log in $out/NAME.log
	local t
	say "make htmldocs SPHINXDIRS=\"$dirs\" in the $2 tree (log: $out/$2.log)"
	rm -rf "${out:?}/$2"
	t=$(date +%s)
	make -C "$1" O="$out/$2" SPHINXDIRS="$dirs" htmldocs > "$out/$2.log" 2>&1 ||
		{ tail -n 20 "$out/$2.log"; echo "htmldocs: make htmldocs failed in the $2 tree"; exit 1; }
	echo "    took $(( $(date +%s) - t ))s"
}
warnings() { # NAME TREE: Sphinx and kernel-doc warnings of the NAME build
	# of TREE, without the tree's and the output's paths and line numbers
	grep -E '(WARNING|ERROR|CRITICAL|[Ww]arning):' "$out/$1.log" |
		sed -E "s|$2/||g; s|$out/$1/||g;
			s|^([^:]+):[0-9]+:|\1:|; s|line [0-9]+|line N|g" | sort -u || true
}

docs "$pristine" pristine
docs "$src" patched
old=$(warnings pristine "$pristine")
new=$(warnings patched "$src")
added=$(comm -13 <(echo "$old") <(echo "$new") | grep . || true)
count() { grep -c . <<<"$1" || true; }
echo "$(sphinx-build --version), SPHINXDIRS=\"$dirs\""
echo "warnings: pristine $(count "$old"), patched $(count "$new"), new $(count "$added")"
# The touched pages were built, with the series' text in them.
bad=0
page() { # DIR PAGE WORD: PAGE of DIR (if built) holds WORD
	local f
	[[ " $dirs " == *" $1 "* ]] || return 0
	f=$(find "$out/patched" -path "*/$1/$2" | head -n 1)
	if [ -z "$f" ]; then
		echo "not built: $1/$2"; bad=1
	elif grep -q "$3" "$f"; then
		echo "built: $1/$2, names $3"
	else
		echo "built: $1/$2, but $3 is not in it"; bad=1
	fi
}
page admin-guide sysctl/vm.html unsafe_follow_pfn
page admin-guide kernel-parameters.html unsafe_follow_pfn=
page core-api mm-api.html "$API"
if [ -n "$added" ]; then
	echo "new warnings:"
	echo "$added"
	bad=1
fi
exit $bad
