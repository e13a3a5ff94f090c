#!/bin/bash
# deps.sh [demo|htmldocs]: install the Debian packages pfnguard needs,
# but only those missing; "demo" only what make demo needs (one
# linux-source, no static-check tools, no riscv64); "htmldocs" adds
# Sphinx for make htmldocs.
set -euo pipefail

pkgs=(build-essential git python3 flex bison bc libelf-dev libssl-dev cpio
      rsync ccache qemu-system-x86 busybox-static)
if [ "${1:-}" = demo ]; then
	# 7.2 is not in Debian 12: scripts/sid.sh fetches it from sid.
	case ${KVER:-6.1} in
	6.1|6.12) pkgs+=("linux-source-${KVER:-6.1}") ;;
	esac
elif [ "${1:-}" = htmldocs ]; then
	case ${KVER:-6.1} in
	6.1|6.12) pkgs+=("linux-source-${KVER:-6.1}") ;;
	esac
	pkgs+=(python3-sphinx python3-yaml)
else
	pkgs+=(linux-source-6.1 linux-source-6.12 sparse coccinelle
	       python3-ply python3-git qemu-system-misc gcc-riscv64-linux-gnu)
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		grep -q '^install ok installed$' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "==> installing: ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
