# SPDX-License-Identifier: GPL-2.0
#
# scard: smart card reader library and drivers, built out of tree.
#
#   make               modules (for KDIR) and user-space tools
#   make run           the demo in QEMU (installs its dependencies)
#   make check         every test (installs its dependencies)
#   make bench         the benchmarks in QEMU (not pass/fail)
#   make fuzz          the fuzzing and unplug-storm campaigns (debug kernel)
#   make checkpatch    scripts/checkpatch.pl --strict over the tree
#   make install       install the modules for KDIR's kernel, run depmod
#   make W=1 / C=1     extra warnings / sparse, passed on to Kbuild

# The kernel to build for: KDIR if given, else the running kernel's
# headers, else the newest installed Debian headers (and the build says so).
KVER ?= $(shell uname -r)
ifeq ($(origin KDIR),undefined)
ifneq ($(wildcard /lib/modules/$(KVER)/build),)
KDIR := /lib/modules/$(KVER)/build
KDIR_WHY := the running kernel's headers
else
KDIR := $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | \
	grep -Ev -- '-(cloud|rt)-amd64$$' | sort -V | tail -n 1)
KDIR_WHY := no headers for the running kernel $(KVER) \
	(/lib/modules/$(KVER)/build missing), so the newest installed Debian \
	headers; "make KDIR=..." picks others
endif
else
KDIR_WHY := KDIR given
endif
TESTING := tools/testing

.PHONY: all modules tools run check checkpatch bench fuzz install clean help

all: modules tools

modules:
	@test -n "$(KDIR)" || { echo "scard: no kernel headers for the running kernel $(KVER) and none in /usr/src: install linux-headers-$(KVER) (or run $(TESTING)/deps.sh) or set KDIR" >&2; exit 1; }
	@echo 'scard: building for $(KDIR): $(KDIR_WHY)'
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

TOOLS := $(patsubst %/Makefile,%,$(wildcard tools/*/Makefile))

tools:
	for t in $(TOOLS); do $(MAKE) -C $$t all || exit 1; done
	$(TESTING)/build-progs.sh $(CURDIR)/build/progs

run:
	$(TESTING)/deps.sh
	$(TESTING)/run-demo.sh

check:
	$(TESTING)/deps.sh
	$(TESTING)/check.sh

bench:
	$(TESTING)/deps.sh
	$(TESTING)/qemu/run.sh --kernel stock --bench

# FUZZ_SEED=N, FUZZ_IOCTLS=N and STORM_CYCLES=N change the campaign;
# FUZZ="fuzz storm_usb" runs some of tools/testing/fuzz only.
fuzz:
	$(TESTING)/deps.sh
	SCARD_APPEND="$(SCARD_APPEND) $(if $(FUZZ_SEED),fuzz_seed=$(FUZZ_SEED)) $(if $(FUZZ_IOCTLS),fuzz_ioctls=$(FUZZ_IOCTLS)) $(if $(STORM_CYCLES),storm_cycles=$(STORM_CYCLES))" \
		$(TESTING)/qemu/run.sh --fuzz $(FUZZ)

checkpatch:
	$(TESTING)/checkpatch.sh

# Installs the library and the reader drivers, not the test modules.
install:
	@echo 'scard: installing for $(KDIR): $(KDIR_WHY)'
	$(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_SCARD_TEST_READER= CONFIG_SCARD_KUNIT_TEST= modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) CONFIG_SCARD_TEST_READER= CONFIG_SCARD_KUNIT_TEST= modules_install
	depmod -a $(notdir $(patsubst %/build,%,$(KDIR))) 2>/dev/null || depmod -a

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	for t in $(TOOLS); do $(MAKE) -C $$t clean; done
	rm -rf build

help:
	@sed -n 's/^#   //p' Makefile
