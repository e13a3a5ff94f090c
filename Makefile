# pfnguard: build, test and demonstrate the follow_pfn hardening series.
# The scripts do the work; see README.md.

# KVER=6.1, 6.12 or 7.2 selects one series; unset, "make check" checks
# all three (CHECK_VERSIONS) side by side, and the other targets use 6.1.
ifdef KVER
export KVER
endif
# DEBUG_RUNS=1: "make check" also boots 6.1 on the lockdep/KASAN kernel
# (6.12's and 7.2's debug runs are in the default check).
# RUNS="run ...": only those runs of configs/runs; STATIC=no: no static
# checks; FRESH=1: run the static checks even where a verdict is cached;
# V=1: print every check's log.  (The scripts read them from the
# environment.)
export DEBUG_RUNS RUNS STATIC FRESH V POST_BUILD
# The tree to edit the series in (as scripts/env.sh places the builds).
ifeq ($(filter-out 6.1,$(KVER)),)
TREE := build/tree/linux
else
TREE := build/$(KVER)/tree/linux
endif

.PHONY: all deps tree export check demo bench audit mutation nvidia post htmldocs clean help

all: help

help:
	@echo "make demo    show the hazard, the refusal and the cure [KVER=6.12|7.2]"
	@echo "make check   apply, check, build and boot all three series [KVER=6.1|6.12|7.2: one]"
	@echo "make audit   list the PFN lookups of a tree [KERNEL=path] with verdicts"
	@echo "make bench   time the lookups in each mode (x86_64 under QEMU, UML) [KVER=6.12|7.2]"
	@echo "make mutation  show that the tests catch a broken policy"
	@echo "make nvidia NVSRC=dir  build NVIDIA's open driver against the patched kernel"
	@echo "make tree    make build/tree/linux (KVER=6.12: build/6.12/tree/linux), a git tree to edit the series in"
	@echo "make export  write that tree's commits back to patches/linux-KVER/"
	@echo "make post KVER=7.2  write the series as it would be mailed (build/7.2/post/mail)"
	@echo "make htmldocs KVER=7.2  build the touched docs, pristine and patched: no new Sphinx warnings"
	@echo "make clean   remove build/ (the caches in ~/.cache/pfnguard and ~/.cache/pfnguard-ccache stay)"

deps:
	@scripts/deps.sh

tree: deps
	@scripts/mktree.sh $(TREE)

export:
	@scripts/export.sh $(TREE)

check:
	@scripts/check.sh

demo:
	@scripts/deps.sh demo
	@scripts/demo.sh

# What the policy costs, per lookup, in one boot on x86_64.
bench: deps
	@scripts/bench.sh

# make audit [KERNEL=path]: the table of PFN lookups in a tree (default:
# the pristine one) as judged by the series' semantic patch.
audit: deps
	@scripts/audit.sh $(KERNEL)

# Show that the tests catch a broken policy (one-line mutations of the
# series, each of which must make its KUnit run fail).
mutation: deps
	@scripts/mutation.sh

# NVSRC: a checkout of NVIDIA's open-gpu-kernel-modules (not in this repo).
nvidia: deps
	@scripts/nvidia.sh $(NVSRC)

# The series as it would be mailed to linux-mm: [PATCH RFC n/m], the
# cover letter, base-commit, get_maintainer.pl's recipients; each posted
# patch checkpatch-clean and built on its own (POST_BUILD=no: not built).
post: deps
	@scripts/post.sh

# The documentation the series touches, built with Sphinx in the pristine
# and the patched tree; fails on a new warning.  SPHINXDIRS to change
# which directories.
htmldocs:
	@scripts/deps.sh htmldocs
	@scripts/htmldocs.sh

clean:
	rm -rf build
