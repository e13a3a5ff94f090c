#!/bin/bash
# post.sh: write the series as it would be mailed to linux-mm ("make post
# KVER=7.2"), into $BUILD/post/: "[PATCH RFC n/m]" subjects, the cover
# letter from docs/cover-letter-$KVER.txt, a base-commit: trailer, and the
# recipients scripts/get_maintainer.pl --no-git names (lists To, people
# Cc).  Only the patches for merging are posted: the series' last
# patches whose message says "Not for merging" (the demonstration, the
# benchmark) stay ours.  Each posted patch must pass checkpatch --strict
# and, unless POST_BUILD=no, build on its own: the tree is built at every
# posted commit, in order, with the x86_64 KUnit configuration of
# scripts/kernel.sh (bisectability).
set -euo pipefail
. "$(dirname "$0")/env.sh"

src=$BUILD/check/linux
out=$BUILD/post
"$TOP/scripts/mktree.sh" "$src" > /dev/null
g() { git -C "$src" "$@"; }

# The posted range: up to the first commit that is not for merging.
last=
for c in $(g rev-list --reverse pfnguard-base..HEAD); do
	if g log -1 --format=%B "$c" | grep -q '^Not for merging'; then
		break
	fi
	last=$c
done
[ -n "$last" ] || { echo "post: no patch for merging" >&2; exit 1; }
n=$(g rev-list --count "pfnguard-base..$last")
ours=$(g rev-list --count "$last..HEAD")
for c in $(g rev-list "$last..HEAD"); do
	g log -1 --format=%B "$c" | grep -q '^Not for merging' ||
		{ echo "post: $(g log -1 --format=%s "$c") is for merging but follows one that is not" >&2; exit 1; }
done

rm -rf "$out"
mkdir -p "$out/mail"
cover=$TOP/docs/cover-letter-$KVER.txt
# format-patch takes the cover letter from the description of the branch
# the range ends at: a branch of its own at the last posted commit.
g branch -f pfnguard-post "$last"
g config branch.pfnguard-post.description "$(cat "$cover")"
g format-patch -q pfnguard-base..pfnguard-post -o "$out/raw"
me=$(g config user.email)
addrs() { # get_maintainer.pl's addresses for the posted patches, but ours
	(cd "$src" && perl scripts/get_maintainer.pl --no-git --no-rolestats "$@" \
		"$out"/raw/*.patch) | grep -vF "$me" || true
}
to=() cc=()
while read -r a; do to+=("--to=$a"); done < <(addrs --no-m --no-r)
while read -r a; do cc+=("--cc=$a"); done < <(addrs --no-l)
[ ${#to[@]} -gt 0 ] || { echo "post: get_maintainer.pl named no list" >&2; exit 1; }
g format-patch -q --subject-prefix="PATCH RFC" --cover-letter \
	--cover-from-description=subject --base=pfnguard-base \
	"${to[@]}" "${cc[@]}" -o "$out/mail" pfnguard-base..pfnguard-post
rm -rf "$out/raw"

# Every posted patch passes checkpatch --strict.
bad=0
for p in "$out"/mail/0*.patch; do
	[ "$(basename "$p")" != 0000-cover-letter.patch ] || continue
	"$TOP/scripts/checkpatch.sh" "$src" "$p" > "$out/checkpatch.log" 2>&1 ||
		{ cat "$out/checkpatch.log"; echo "post: checkpatch: $(basename "$p")"; bad=1; }
done

# Each posted commit builds (a worktree of the check tree, one build
# directory, incremental from commit to commit).
if [ "${POST_BUILD:-yes}" != no ]; then
	wt=$out/tree
	obj=$out/obj
	g worktree remove --force "$wt" 2> /dev/null || rm -rf "$wt"
	g worktree prune
	g worktree add -q --detach "$wt" pfnguard-base
	frags=(base x86_64 "$KVER" "$KVER-x86_64")
	for f in "${frags[@]}"; do
		[ ! -f "$TOP/configs/kernels/$f.config" ] || cat "$TOP/configs/kernels/$f.config"
	done | sed -e 's/#.*//' -e '/^[[:space:]]*$/d' > "$out/kunit.config"
	mk=(make -C "$wt" O="$obj" ARCH=x86_64 CC="ccache-c gcc" HOSTCC="ccache gcc" -j"$JOBS")
	mkdir -p "$obj"
	for c in $(g rev-list --reverse "pfnguard-base..$last"); do
		git -C "$wt" checkout -q --detach "$c"
		s=$(g log -1 --format=%s "$c")
		"${mk[@]}" -s KCONFIG_ALLCONFIG="$out/kunit.config" allnoconfig > /dev/null
		if "${mk[@]}" -s > "$out/build.log" 2>&1 &&
		   ! grep -q 'warning:' "$out/build.log"; then
			echo "builds: $s"
		else
			tail -n 20 "$out/build.log"
			echo "post: does not build, or warns: $s"
			bad=1
			break
		fi
	done
	g worktree remove --force "$wt"
fi

ls "$out/mail"
echo "post: $n patches for merging and a cover letter in ${out#"$TOP"/}/mail; $ours stay ours"
echo "post: To: $(printf '%s ' "${to[@]#--to=}")"
echo "post: Cc: $(printf '%s ' "${cc[@]#--cc=}")"
exit $bad
