#!/bin/bash
# Install the Debian packages pfnguard needs, but only those missing.
set -euo pipefail

pkgs=(linux-source-6.1 linux-source-6.12 build-essential git python3 flex bison bc
      libelf-dev libssl-dev cpio rsync ccache sparse coccinelle
      python3-ply python3-git
      qemu-system-x86 qemu-system-misc gcc-riscv64-linux-gnu
      busybox-static)

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
