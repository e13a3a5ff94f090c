# pfnguard: build, test and demonstrate the follow_pfn hardening series.
# The scripts do the work; see README.md.

KVER ?= 6.1
export KVER

.PHONY: all deps tree export check demo audit mutation clean help

all: help

help:
	@echo "make demo    build UML kernels and show what unsafe_follow_pfn does"
	@echo "make check   apply, check, build and boot the series everywhere"
	@echo "make audit   list the PFN lookups of a tree [KERNEL=path] with verdicts"
	@echo "make mutation  show that the tests catch a broken policy"
	@echo "make tree    make build/tree/linux, a git tree to edit the series in"
	@echo "make export  write build/tree/linux's commits back to patches/"
	@echo "make clean   remove build/ (ccache in ~/.cache/pfnguard-ccache stays)"

deps:
	@scripts/deps.sh

tree: deps
	@scripts/mktree.sh build/tree/linux

export:
	@scripts/export.sh build/tree/linux

check:
	@scripts/check.sh

demo: deps
	@scripts/demo.sh

# make audit [KERNEL=path]: the table of PFN lookups in a tree (default:
# the pristine one) as judged by the series' semantic patch.
audit: deps
	@scripts/audit.sh $(KERNEL)

# Show that the tests catch a broken policy (one-line mutations of the
# series, each of which must make its KUnit run fail).
mutation: deps
	@scripts/mutation.sh

clean:
	rm -rf build
