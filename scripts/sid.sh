#!/bin/bash
# sid.sh: fetch linux-source-$KVER from Debian unstable (sid), for a
# series whose kernel Debian 12 does not ship (7.2), and print the path
# of its tarball.  The machine's apt sources and state are not touched:
# apt-get runs with a sources list and a state directory of its own under
# $BUILD/sid, and trusts what the machine's archive keyring signed.
# SID_VERSION=v asks for that version of the package (sid keeps only
# its newest).
set -euo pipefail
. "$(dirname "$0")/env.sh"

pkg=linux-source-$KVER
dir=$BUILD/sid
tarball=$dir/root/usr/src/$pkg.tar.xz
if [ -f "$tarball" ]; then
	echo "$tarball"
	exit 0
fi
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || { echo "sid.sh: $keyring missing (apt-get install debian-archive-keyring)" >&2; exit 1; }
mkdir -p "$dir/etc" "$dir/state/lists/partial" "$dir/cache/archives/partial" "$dir/dl"
cat > "$dir/etc/sid.sources" <<EOS
Types: deb
URIs: http://deb.debian.org/debian
Suites: sid
Components: main
Signed-By: $keyring
EOS
apt=(apt-get -q -o Dir::Etc::SourceList=/dev/null
     -o Dir::Etc::SourceParts="$dir/etc" -o Dir::State="$dir/state"
     -o Dir::Cache="$dir/cache" -o Debug::NoLocking=1
     -o APT::Sandbox::User=root)
echo "==> fetching $pkg from Debian sid into $dir" >&2
"${apt[@]}" update >&2
rm -f "$dir/dl/${pkg}_"*.deb
(cd "$dir/dl" && "${apt[@]}" download "$pkg${SID_VERSION:+=$SID_VERSION}") >&2
deb=$(ls "$dir/dl/${pkg}_"*_all.deb)
rm -rf "$dir/root.tmp"
dpkg-deb -x "$deb" "$dir/root.tmp"
[ -f "$dir/root.tmp/usr/src/$pkg.tar.xz" ] ||
	{ echo "sid.sh: $deb holds no usr/src/$pkg.tar.xz" >&2; exit 1; }
rm -rf "$dir/root"
mv "$dir/root.tmp" "$dir/root"
echo "==> $(basename "$deb")" >&2
echo "$tarball"
