# kunit.py --qemu_config for a riscv64 kernel without an MMU.
#
# A NOMMU riscv kernel runs in M-mode, so QEMU starts it with no firmware
# ("-bios none") instead of OpenSBI; the options follow the kernel's own
# arch/riscv/configs/nommu_virt_defconfig.  The QEMU virt platform's
# option is named per kernel version (SOC_VIRT in 6.1, ARCH_VIRT in
# 6.12): scripts/kunit.sh adds it.
from ..qemu_config import QemuArchParams

QEMU_ARCH = QemuArchParams(linux_arch='riscv',
			   kconfig='''
# CONFIG_MMU is not set
CONFIG_NONPORTABLE=y
CONFIG_SMP=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_SERIAL_OF_PLATFORM=y''',
			   qemu_arch='riscv64',
			   kernel_path='arch/riscv/boot/Image',
			   kernel_command_line='console=ttyS0 earlycon=uart8250,mmio,0x10000000',
			   extra_qemu_params=[
					   '-machine', 'virt',
					   '-cpu', 'rv64',
					   '-bios', 'none'])
