# mydocker build. `make` -> build/mydocker, build/mydocker-runtime,
# build/unit-tests. `make asan` -> the same under build-asan/ with ASan+UBSan.
# `make fuzz` -> build-fuzz/fuzz_NAME for every tests/fuzz/fuzz_NAME.c, with
# clang and libFuzzer (docs/fuzzing.md).
# -std=c11 (with _GNU_SOURCE) rather than gnu11: gnu11 predefines `linux`,
# which is the natural name of the spec's linux section.
CC ?= gcc
BUILD ?= build
PKGS := json-c libseccomp libcap libsystemd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))

WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wformat-security \
	-Wmissing-prototypes -Wstrict-prototypes -Wpointer-arith -Wcast-qual \
	-Wwrite-strings -Wundef -Wvla -Wimplicit-fallthrough -Wno-unused-parameter
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 $(WARN) -D_GNU_SOURCE -fstack-protector-strong \
	-D_FORTIFY_SOURCE=2 -fPIE $(PKG_CFLAGS) -Isrc
LDFLAGS += -pie -Wl,-z,relro,-z,now
LDLIBS += $(PKG_LIBS) -lm

ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -O1 -U_FORTIFY_SOURCE
LDFLAGS += -fsanitize=address,undefined
endif

# The fuzz build: clang, libFuzzer's coverage on every object, ASan+UBSan
# that abort on the first report. No -Werror: clang's warnings differ from
# gcc's, and `make`/`make asan` already hold the code to them.
FUZZ_CC ?= clang
ifeq ($(FUZZ),1)
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined -fno-omit-frame-pointer
CFLAGS += $(FUZZ_FLAGS) -Wno-error -U_FORTIFY_SOURCE
LDFLAGS += $(FUZZ_FLAGS)
endif

# The library: every .c under these folders, subfolders included (the
# engine gets one folder per subject: images, containers, networks).
LIB_SRC := $(sort $(shell find src/util src/runtime src/engine -name '*.c'))
COMMON_SRC := $(wildcard src/cli/common/*.c)
DOCKER_SRC := $(wildcard src/cli/docker/*.c)
OCI_SRC := $(wildcard src/cli/oci/*.c)
UNIT_SRC := $(wildcard tests/unit/*.c)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB := $(BUILD)/libmdruntime.a
PROGS := $(BUILD)/mydocker $(if $(OCI_SRC),$(BUILD)/mydocker-runtime) $(BUILD)/unit-tests

all: $(PROGS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(call obj,$(LIB_SRC))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/mydocker: $(call obj,$(DOCKER_SRC) $(COMMON_SRC)) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/mydocker-runtime: $(call obj,$(OCI_SRC) $(COMMON_SRC)) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit-tests: $(call obj,$(UNIT_SRC) $(COMMON_SRC)) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

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
	ar rcs $@ $^

$(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.SECONDARY: $(call obj,$(FUZZ_SRC))

# The test command: both builds and the fuzzers, the whole suite once per
# build (tests/integration/test_fuzz.sh fuzzes in the first round only).
check: all
	$(MAKE) asan
	$(MAKE) fuzz
	BUILDS="build build-asan" tests/run

test: all
	tests/run

clean:
	rm -rf build build-asan build-fuzz

.PHONY: all asan fuzz fuzzers check test clean
-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
