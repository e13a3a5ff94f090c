// SPDX-License-Identifier: GPL-2.0
/*
 * pfn_oot.c's code, tagged as built in the kernel tree: modpost adds this
 * tag to every module built with the kernel, and a module that has it
 * does not taint the kernel with TAINT_OOT_MODULE.  The policy must leave
 * its raw lookup alone, as it leaves KVM's.
 */
#define PFN_OOT_INTREE
#include "pfn_oot.c"
