# kunit.py --qemu_config for a riscv64 kernel without an MMU.
#
# A NOMMU riscv kernel runs in M-mode, so QEMU starts it with no firmware
# ("-bios none") instead of OpenSBI.  The kernel is built by
# scripts/kernel.sh (configs/kernels/riscv64-nommu.config); kunit.py
# only boots it, so this names no options.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='riscv',
			   kconfig='',
			   qemu_arch='riscv64',
			   kernel_path='arch/riscv/boot/Image',
			   kernel_command_line='console=ttyS0 earlycon=uart8250,mmio,0x10000000',
			   extra_qemu_params=[
					   '-machine', 'virt',
					   '-cpu', 'rv64',
					   '-bios', 'none'])
