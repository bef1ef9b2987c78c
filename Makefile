# SPDX-License-Identifier: Apache-2.0
# mydocker build. `make` -> build/mydocker, build/mydocker-runtime,
# build/unit-tests, the test helpers (build/core-drive...) and, where scdoc
# is installed, the man pages (build/man/). `make asan` -> the same under
# build-asan/ with ASan+UBSan. `make fuzz` -> build-fuzz/fuzz_NAME for every
# tests/fuzz/fuzz_NAME.c, with clang and libFuzzer (docs/fuzzing.md).
# `make install` (PREFIX, DESTDIR) / `make uninstall`. Flags: CFLAGS,
# CPPFLAGS, LDFLAGS, CC are the user's (below); WERROR=0; V=1.
# -std=c11 (with _GNU_SOURCE) rather than gnu11: gnu11 predefines `linux`,
# which is the natural name of the spec's linux section.
CC ?= gcc
BUILD ?= build
PKGS := json-c libseccomp libcap libsystemd libarchive libcrypto libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
# libarchive and libcrypto are dlopen()ed by the images code when it first
# needs them (src/engine/images/libs.h), libcurl by the registry client
# (src/engine/registry/curl-lib.h): the programs do not link them, so no
# other start pays for loading them. The tests call them directly.
PKG_LIBS := $(shell pkg-config --libs json-c libseccomp libcap libsystemd)
IMAGE_LIBS := $(shell pkg-config --libs libarchive libcrypto libcurl)

# Our flags live in MD_*; the user's CPPFLAGS, CFLAGS and LDFLAGS come after
# them, so `make CFLAGS=-O0` or a packager's flags change the optimisation
# but keep the warnings and the hardening. CFLAGS defaults to -O2 -g (-O1 -g
# in the sanitizer builds) only when the user gives none. -Werror is on
# unless WERROR=0.
WERROR ?= 1
# clang also warns of trailing fields left to zero in a positional
# initializer (`{ "a", "b" }` for a struct of three), which is C's rule.
MD_CC_KIND := $(if $(findstring clang,$(shell $(CC) --version 2>/dev/null | head -n 1)),clang,gcc)
WARN_clang := -Wno-missing-field-initializers
WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wformat-security \
	-Wmissing-prototypes -Wstrict-prototypes -Wpointer-arith -Wcast-qual \
	-Wwrite-strings -Wundef -Wvla -Wimplicit-fallthrough -Wno-unused-parameter \
	$(if $(filter 1,$(WERROR)),-Werror) $(WARN_$(MD_CC_KIND))
ifneq ($(SANITIZE)$(FUZZ),)
CFLAGS ?= -O1 -g
else
CFLAGS ?= -O2 -g
endif
# _FORTIFY_SOURCE needs an optimising build (glibc warns otherwise, an error
# under -Werror) and is left to the user's flags when they set it.
MD_OPT := $(lastword $(filter -O%,$(CFLAGS)))
MD_FORTIFY := $(if $(filter-out -O0,$(MD_OPT)),$(if $(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),,-D_FORTIFY_SOURCE=2))
MD_CPPFLAGS := -D_GNU_SOURCE $(MD_FORTIFY) -Isrc $(PKG_CFLAGS)
# Where `make install` puts mydocker-monitor and mydocker-init (helpers.c).
PREFIX ?= /usr/local
LIBEXECDIR ?= $(PREFIX)/libexec
MD_CPPFLAGS += -DMD_LIBEXECDIR='"$(LIBEXECDIR)/mydocker"'
MD_CFLAGS := -std=c11 $(WARN) -fstack-protector-strong -fPIE
# --as-needed: a program records only the libraries it calls (the runtime
# needs neither libarchive nor libcrypto, which the engine's images use).
MD_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,--as-needed
MD_LDLIBS := $(PKG_LIBS) -lm

ifeq ($(SANITIZE),1)
MD_CPPFLAGS := $(filter-out -D_FORTIFY_SOURCE=2,$(MD_CPPFLAGS)) -U_FORTIFY_SOURCE
MD_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
MD_LDFLAGS += -fsanitize=address,undefined
endif

# The fuzz build: clang, libFuzzer's coverage on every object, ASan+UBSan
# that abort on the first report. No -Werror: clang's warnings differ from
# gcc's, and `make`/`make asan` already hold the code to them.
FUZZ_CC ?= clang
ifeq ($(FUZZ),1)
FUZZ_FLAGS := -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
MD_CPPFLAGS := $(filter-out -D_FORTIFY_SOURCE=2,$(MD_CPPFLAGS)) -U_FORTIFY_SOURCE
MD_CFLAGS += $(FUZZ_FLAGS) -Wno-error
MD_LDFLAGS += $(FUZZ_FLAGS)
endif

# V=1 prints every command in full.
Q := $(if $(filter 1,$(V)),,@)
MD_COMPILE = $(CC) $(MD_CPPFLAGS) $(CPPFLAGS) $(MD_CFLAGS) $(CFLAGS)
MD_LINK = $(CC) $(MD_CFLAGS) $(CFLAGS) $(MD_LDFLAGS) $(LDFLAGS)

# The library: every .c under these folders, subfolders included (the
# engine gets one folder per subject: images, containers, networks).
LIB_SRC := $(sort $(shell find src/util src/runtime src/engine -name '*.c'))
COMMON_SRC := $(wildcard src/cli/common/*.c)
DOCKER_SRC := $(wildcard src/cli/docker/*.c)
OCI_SRC := $(wildcard src/cli/oci/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
# Programs the integration tests drive the library with (core-drive,
# oci-drive, sd-scope): $(BUILD)/NAME, with the build's own flags.
HELPER_SRC := $(wildcard tests/helpers/*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB := $(BUILD)/libmdruntime.a
HELPERS := $(patsubst tests/helpers/%.c,$(BUILD)/%,$(HELPER_SRC))
# Programs that run beside containers, small and static (no shared
# library mapped): src/monitor/ -> mydocker-monitor, the monitor of a
# detached container; src/init/ -> mydocker-init, --init's PID 1. Built
# with musl-gcc where Debian's musl-tools is installed (a few tens of KiB
# resident), else the compiler's own static libc. They use libc only.
STATIC_CC ?= $(shell command -v musl-gcc 2>/dev/null || echo $(CC))
STATIC_CFLAGS := -std=c11 -D_GNU_SOURCE -Os -g -static $(WARN) -fno-asynchronous-unwind-tables
# The monitor is built once its main file is there (logfile.c, its log
# writer, is linked into the unit tests too).
MONITOR_SRC := $(if $(wildcard src/monitor/monitor.c),$(wildcard src/monitor/*.c))
INIT_SRC := $(wildcard src/init/*.c)
STATIC_PROGS := $(if $(MONITOR_SRC),$(BUILD)/mydocker-monitor) $(if $(INIT_SRC),$(BUILD)/mydocker-init)
PROGS := $(BUILD)/mydocker $(if $(OCI_SRC),$(BUILD)/mydocker-runtime) $(BUILD)/unit-tests $(HELPERS) \
	$(STATIC_PROGS)

# Man pages: docs/man/NAME.SECTION.scd -> $(BUILD)/man/NAME.SECTION with
# scdoc. Part of `all` where scdoc is installed; `make install` needs them.
# Their date is the source's last commit (or SOURCE_DATE_EPOCH), so that
# two builds of one commit make the same pages.
SCDOC ?= scdoc
HAVE_SCDOC := $(shell command -v $(SCDOC) 2>/dev/null)
MAN_SRC := $(wildcard docs/man/*.scd)
MANS := $(patsubst docs/man/%.scd,$(BUILD)/man/%,$(MAN_SRC))

all: $(PROGS) $(if $(HAVE_SCDOC),$(MANS))

man: $(MANS)

$(BUILD)/man/%: docs/man/%.scd
	@command -v $(SCDOC) >/dev/null || { echo "$(SCDOC) is needed for the man pages (Debian: apt-get install scdoc)" >&2; exit 1; }
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  SCDOC   $@")
	$(Q)d=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct -- $< 2>/dev/null)}; \
		$${d:+env SOURCE_DATE_EPOCH=$$d} $(SCDOC) <$< >$@.tmp && mv $@.tmp $@

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(MD_COMPILE) -MMD -MP -c $< -o $@

$(LIB): $(call obj,$(LIB_SRC))
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)ar rcs $@ $^

$(BUILD)/mydocker: $(call obj,$(DOCKER_SRC) $(COMMON_SRC)) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(MD_LINK) -o $@ $^ $(MD_LDLIBS) $(LDLIBS)

$(BUILD)/mydocker-runtime: $(call obj,$(OCI_SRC) $(COMMON_SRC)) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(MD_LINK) -o $@ $^ $(MD_LDLIBS) $(LDLIBS)

$(BUILD)/unit-tests: $(call obj,$(UNIT_SRC) $(COMMON_SRC) src/monitor/logfile.c) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(MD_LINK) -o $@ $^ $(MD_LDLIBS) $(IMAGE_LIBS) $(LDLIBS)

$(BUILD)/mydocker-monitor: $(MONITOR_SRC) $(wildcard src/monitor/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  STATIC  $@")
	$(Q)$(STATIC_CC) $(STATIC_CFLAGS) -Isrc -o $@ $(MONITOR_SRC)

$(BUILD)/mydocker-init: $(INIT_SRC) $(wildcard src/init/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  STATIC  $@")
	$(Q)$(STATIC_CC) $(STATIC_CFLAGS) -Isrc -o $@ $(INIT_SRC)

$(HELPERS): $(BUILD)/%: $(BUILD)/obj/tests/helpers/%.o $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(MD_LINK) -o $@ $^ $(MD_LDLIBS) $(LDLIBS)

asan:
	$(MAKE) BUILD=build-asan SANITIZE=1

# Fuzzers: each target links what it uses from one archive of every
# non-main object, compiled with the fuzz flags (libFuzzer brings main).
FUZZ_LIB := $(BUILD)/libfuzz.a
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/%,$(FUZZ_SRC))

fuzz:
	$(MAKE) BUILD=build-fuzz FUZZ=1 CC=$(FUZZ_CC) fuzzers

fuzzers: $(FUZZERS)

$(FUZZ_LIB): $(call obj,$(LIB_SRC) $(COMMON_SRC) $(filter-out %/main.c,$(OCI_SRC) $(DOCKER_SRC)))
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)ar rcs $@ $^

$(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(MD_LINK) -o $@ $^ $(MD_LDLIBS) $(IMAGE_LIBS) $(LDLIBS)

.SECONDARY: $(call obj,$(FUZZ_SRC))

# The test command: both builds and the fuzzers, the whole suite once per
# build (tests/integration/test_fuzz.sh fuzzes in the first round only).
check: all
	$(MAKE) asan
	$(MAKE) fuzz
	BUILDS="build build-asan" tests/run

test: all
	tests/run

# Installation: PREFIX (default /usr/local) and DESTDIR as usual; the
# programs, the man pages and the bash completion (mydocker-runtime's is the
# same file, linked under its name for bash-completion's lookup).
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
INSTALL ?= install
INSTALLED := $(DESTDIR)$(BINDIR)/mydocker $(DESTDIR)$(BINDIR)/mydocker-runtime \
	$(patsubst $(BUILD)/man/%.1,$(DESTDIR)$(MANDIR)/man1/%.1,$(filter %.1,$(MANS))) \
	$(patsubst $(BUILD)/man/%.8,$(DESTDIR)$(MANDIR)/man8/%.8,$(filter %.8,$(MANS))) \
	$(DESTDIR)$(BASHCOMPDIR)/mydocker $(DESTDIR)$(BASHCOMPDIR)/mydocker-runtime \
	$(patsubst $(BUILD)/%,$(DESTDIR)$(LIBEXECDIR)/mydocker/%,$(STATIC_PROGS)) \
	$(DESTDIR)$(SYSTEMDUNITDIR)/mydocker-restart.service

install: $(BUILD)/mydocker $(BUILD)/mydocker-runtime $(STATIC_PROGS) $(MANS)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 755 $(BUILD)/mydocker $(BUILD)/mydocker-runtime $(DESTDIR)$(BINDIR)/
	$(INSTALL) -d $(DESTDIR)$(LIBEXECDIR)/mydocker
	$(INSTALL) -m 755 $(STATIC_PROGS) $(DESTDIR)$(LIBEXECDIR)/mydocker/
	$(INSTALL) -d $(DESTDIR)$(SYSTEMDUNITDIR)
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g' \
		contrib/systemd/mydocker-restart.service >$(DESTDIR)$(SYSTEMDUNITDIR)/mydocker-restart.service
	chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/mydocker-restart.service
	$(INSTALL) -m 644 $(filter %.1,$(MANS)) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 $(filter %.8,$(MANS)) $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 644 contrib/completion/mydocker.bash $(DESTDIR)$(BASHCOMPDIR)/mydocker
	ln -sf mydocker $(DESTDIR)$(BASHCOMPDIR)/mydocker-runtime

uninstall:
	rm -f $(INSTALLED)

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all man asan fuzz fuzzers check test install uninstall clean
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
