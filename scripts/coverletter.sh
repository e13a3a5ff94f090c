#!/bin/bash
# coverletter.sh: patches/linux-$KVER/0000-cover-letter.patch says what
# docs/cover-letter-$KVER.txt says (scripts/export.sh writes the one from
# the other): its subject is the text's first paragraph, its body the
# rest of the text.
set -euo pipefail
. "$(dirname "$0")/env.sh"

txt=$TOP/docs/cover-letter-$KVER.txt
patch=$PATCHES/0000-cover-letter.patch
# The subject header, unfolded, and the text's first paragraph on a line.
subject=$(sed -n '/^Subject:/,/^$/p' "$patch" | tr -d '\n' | sed -E 's/^Subject: \[PATCH[^]]*\] //')
first=$(sed '/^$/q' "$txt" | sed '/^$/d' | tr '\n' ' ' | sed 's/ $//')
[ "$subject" = "$first" ] ||
	{ echo "coverletter: subject '$subject', but $txt begins '$first'" >&2; exit 1; }
# The body: after the headers, up to the shortlog ("Name (N):").
diff -u <(sed '1,/^$/d' "$txt") \
	<(sed '1,/^$/d' "$patch" | sed -E '/^[^ ].* \([0-9]+\):$/,$d' | sed '$d') ||
	{ echo "coverletter: $patch is not exported from $txt (make tree; scripts/export.sh)" >&2; exit 1; }
echo "coverletter: $(basename "$patch") is $(basename "$txt")"
