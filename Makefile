# tinbao build. Sources are picked up by wildcard so that a new module needs no
# Makefile edit: gateway/sms/*.c is the pure codec library shared with the
# firmware, the other gateway wings form the gateway library, firmware/*.c (but
# main.c) the modem library. Each tests/unit/test_*.c is one test binary.
#
#   make            release binaries in build/
#   make test       ASan+UBSan build in build/test/, then every test
#   make run        gateway + virtual modem with the default config
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS each
#   make bench      benchmarks, -O2, results on stdout
#   BUILD=dir       another build folder (parallel work trees)

BUILD   ?= build
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
SAN     ?= 0
OPT     ?= -O2 -g
FUZZ_SECONDS ?= 30

# libmicrohttpd is compiled against but not linked: gateway/mhd_lib.c loads
# it when the USSD web service starts (its GnuTLS costs 2.4 MB of RSS). No
# libsystemd: gateway/notify.c speaks sd_notify's protocol (0.9 MB saved).
PKGS := libserialport sqlite3 libconfig libutf8proc jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) libmicrohttpd 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Wswitch-enum -Werror
CFLAGS_ALL := -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) -Igateway -Ifirmware -I$(BUILD)/gen $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL := $(PKG_LIBS) -lm $(LDLIBS)
ifeq ($(SAN),1)
CFLAGS_ALL += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS    += -fsanitize=address,undefined
endif

SMS_SRC := $(sort $(wildcard gateway/sms/*.c))
GW_SRC  := $(sort $(filter-out gateway/tinbaod.c gateway/tinbao.c, \
             $(wildcard gateway/*.c gateway/modem/*.c gateway/store/*.c \
                        gateway/lang/*.c gateway/office/*.c gateway/cli/*.c)))
FW_SRC  := $(sort $(filter-out firmware/main.c, $(wildcard firmware/*.c)))
MIGRATIONS := $(sort $(wildcard gateway/store/migrations/*.sql))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
SMS_LIB := $(BUILD)/libtinbao_sms.a
GW_LIB  := $(BUILD)/libtinbao_gw.a
FW_LIB  := $(BUILD)/libtinbao_fw.a
GEN_MIG := $(BUILD)/gen/migrations.c
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
REPLAY_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/replay_%,$(FUZZ_SRC))
SHIM_SO := $(BUILD)/tests/libtty_lines.so
BIN := $(BUILD)/tinbaod $(BUILD)/tinbao $(BUILD)/tinbao-modem

.PHONY: all deps test unit run fuzz bench install clean torture check-clang
all: $(BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(GEN_MIG): $(MIGRATIONS) scripts/embed-migrations.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-migrations.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

# empty.o keeps every archive indexed while a wing has no sources yet.
EMPTY_O := $(BUILD)/obj/gen/empty.o
$(EMPTY_O):
	@mkdir -p $(dir $@) $(BUILD)/gen
	echo 'typedef int tinbao_empty_unit;' > $(BUILD)/gen/empty.c
	$(CC) $(CFLAGS_ALL) -c $(BUILD)/gen/empty.c -o $@
$(SMS_LIB): $(call obj,$(SMS_SRC)) $(EMPTY_O)
	@rm -f $@; ar rcs $@ $^
$(GW_LIB): $(call obj,$(GW_SRC)) $(BUILD)/obj/gen/migrations.o $(EMPTY_O)
	@rm -f $@; ar rcs $@ $^
$(FW_LIB): $(call obj,$(FW_SRC)) $(EMPTY_O)
	@rm -f $@; ar rcs $@ $^
$(BUILD)/obj/gen/migrations.o: $(GEN_MIG)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/tinbaod: $(call obj,gateway/tinbaod.c) $(GW_LIB) $(SMS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)
$(BUILD)/tinbao: $(call obj,gateway/tinbao.c) $(GW_LIB) $(SMS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)
$(BUILD)/tinbao-modem: $(call obj,firmware/main.c) $(FW_LIB) $(SMS_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(FW_LIB) $(GW_LIB) $(SMS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)
$(BUILD)/tests/replay_%: $(BUILD)/obj/tests/fuzz/%.o $(BUILD)/obj/tests/fuzz/replay_main.o $(FW_LIB) $(GW_LIB) $(SMS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# Installs what a fresh Debian machine lacks; prints the command when not root.
deps:
	@sh scripts/deps.sh

# The test build is separate so that release objects never carry sanitizers.
# Builds run one job per core; clang builds everything too (warnings are
# errors with both compilers), then every test runs on the gcc ASan build.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: deps
	$(MAKE) --no-print-directory -j$(JOBS) BUILD=build/test SAN=1 OPT="-O1 -g" tests-built
	$(MAKE) --no-print-directory -j$(JOBS) BUILD=build all
	$(MAKE) --no-print-directory -j$(JOBS) check-clang
	/usr/bin/python3 tests/run.py --build build/test --valgrind-build build

tests-built: $(BIN) $(UNIT_BIN) $(REPLAY_BIN) $(SHIM_SO)

# The LD_PRELOAD shim of the serial-port test (tests/shim/tty_lines.c): no
# sanitizers, since it is loaded ahead of everything in the daemon it serves.
$(SHIM_SO): tests/shim/tty_lines.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -g -fPIC -shared -o $@ $< -ldl

unit: deps
	$(MAKE) --no-print-directory BUILD=build/test SAN=1 OPT="-O1 -g" tests-built
	/usr/bin/python3 tests/run.py --build build/test --only unit

run: deps all
	sh scripts/run.sh $(BUILD)

# The gateway acceptance tests at full size: 500 messages waiting on the SIM
# plus 500 live, 40 kill -9 rounds (make test runs them at a fifth); then the
# crash/modem-fault/disk-full campaign with 1,000 messages a scenario
# (tests/integration/torture.py; TORTURE_ARGS="--seed N" replays a run).
torture: deps
	$(MAKE) --no-print-directory BUILD=build/test SAN=1 OPT="-O1 -g" tests-built
	TINBAO_SCALE=5 /usr/bin/python3 tests/run.py --build build/test -k test_gateway
	TINBAO_BUILD=build/test /usr/bin/python3 tests/integration/torture.py --messages 1000 $(TORTURE_ARGS)

fuzz: deps
	sh scripts/fuzz.sh $(FUZZ_SECONDS)

bench: deps
	$(MAKE) --no-print-directory BUILD=build/bench OPT="-O2 -DNDEBUG" all bench-built
	sh scripts/bench.sh build/bench

bench-built: $(patsubst bench/%.c,$(BUILD)/bench/%,$(BENCH_SRC))
$(BUILD)/bench/%: $(BUILD)/obj/bench/%.o $(FW_LIB) $(GW_LIB) $(SMS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

# Both compilers must stay warning-clean (-Werror).
check-clang:
	$(MAKE) --no-print-directory BUILD=build/clang CC=clang all tests-built

# The unit names the binaries where PREFIX put them; the live tinbao.conf and
# catalog.conf are installed only when absent (an admin's edits stay), the
# .example copies always. tinbao.conf holds the SIM PIN: 0600, and without
# DESTDIR the system user is created and made its owner (the daemon reads it).
DOCDIR = $(PREFIX)/share/doc/tinbao
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)/etc/tinbao $(DESTDIR)$(DOCDIR)
	install -m 0755 $(BUILD)/tinbao $(BUILD)/tinbao-modem $(DESTDIR)$(PREFIX)/bin/
	install -m 0755 $(BUILD)/tinbaod $(DESTDIR)$(PREFIX)/sbin/
	install -m 0600 config/tinbao.conf $(DESTDIR)/etc/tinbao/tinbao.conf.example
	install -m 0644 config/catalog.conf $(DESTDIR)/etc/tinbao/catalog.conf.example
	[ -e $(DESTDIR)/etc/tinbao/tinbao.conf ] || install -m 0600 config/tinbao.conf $(DESTDIR)/etc/tinbao/tinbao.conf
	[ -e $(DESTDIR)/etc/tinbao/catalog.conf ] || install -m 0644 config/catalog.conf $(DESTDIR)/etc/tinbao/catalog.conf
	install -m 0644 README.md docs/*.md $(DESTDIR)$(DOCDIR)/
	install -d $(DESTDIR)/lib/systemd/system $(DESTDIR)/etc/udev/rules.d $(DESTDIR)/usr/lib/sysusers.d
	sed -e 's|/usr/local/sbin/|$(PREFIX)/sbin/|g' -e 's|/usr/local/share/doc/tinbao/|$(DOCDIR)/|g' \
		config/tinbaod.service > $(DESTDIR)/lib/systemd/system/tinbaod.service
	chmod 0644 $(DESTDIR)/lib/systemd/system/tinbaod.service
	install -m 0644 config/99-tinbao-modem.rules $(DESTDIR)/etc/udev/rules.d/99-tinbao-modem.rules
	install -m 0644 config/tinbao.sysusers $(DESTDIR)/usr/lib/sysusers.d/tinbao.conf
	@if [ -z "$(DESTDIR)" ]; then \
		if command -v systemd-sysusers >/dev/null; then \
			echo "systemd-sysusers tinbao.conf"; systemd-sysusers tinbao.conf || true; fi; \
		if getent passwd tinbao >/dev/null; then \
			echo "chown tinbao: /etc/tinbao/tinbao.conf"; chown tinbao: /etc/tinbao/tinbao.conf; \
		else echo "install: create the user (systemd-sysusers tinbao.conf), then chown tinbao: /etc/tinbao/tinbao.conf"; fi; \
	fi

clean:
	rm -rf build var
