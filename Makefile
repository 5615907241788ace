# wirelab — build, test, bench, demo.  On a fresh Debian machine, as root,
# `make demo` and `make test` do all the set-up (they depend on `deps`).

PKGS      := gsl lua5.4 sqlite3 libnghttp2
DEB_PKGS  := libgsl-dev liblua5.4-dev libsqlite3-dev libnghttp2-dev sqlite3 gnuplot-nox \
             libcmocka-dev libpcap-dev pkg-config tshark \
             libbz2-dev bzip2
CC        ?= gcc
VERSION   := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN      := -std=c11 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
CFLAGS    ?= -O2 -g
ALL_CFLAGS = $(WARN) $(CFLAGS) $(PKG_CFLAGS) -I. -DWIRELAB_VERSION='"$(VERSION)"' -MMD -MP
# libbz2 (the CAIDA AS-relationship files are .bz2): Debian's libbz2-dev
# ships no bzip2.pc, so it is linked by name rather than through PKGS.
LDLIBS     = $(PKG_LIBS) -lbz2 -lm

SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DTCP_CHECK

SIM_SRC    := $(wildcard sim/*.c)
CLI_SRC    := $(filter-out cli/main.c,$(wildcard cli/*.c))
ANA_SRC    := $(wildcard analysis/*.c)
MODEL_SRC  := $(wildcard models/*/*.c) $(wildcard models/*/*/*.c)
LIB_SRC    := $(SIM_SRC) $(MODEL_SRC) $(CLI_SRC) $(ANA_SRC)
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
BENCH_SRC  := $(wildcard bench/*.c)

OBJ        = $(patsubst %.c,build/$(1)/%.o,$(2))
LIB_OBJ    := $(call OBJ,rel,$(LIB_SRC))
SAN_OBJ    := $(call OBJ,san,$(LIB_SRC))
UNIT_BIN   := $(patsubst tests/unit/%.c,build/rel/tests/%,$(UNIT_SRC))
UNIT_SAN   := $(patsubst tests/unit/%.c,build/san/tests/%,$(UNIT_SRC))
BENCH_BIN  := $(patsubst bench/%.c,build/rel/bench/%,$(BENCH_SRC))

.PHONY: all deps test test-quick bench demo clean install check-deps
all: wirelab

deps:
	@sh tools/deps.sh $(DEB_PKGS)

wirelab: build/rel/cli/main.o $(LIB_OBJ)
	$(CC) -o $@ $^ $(LDLIBS)

build/san/wirelab: build/san/cli/main.o $(SAN_OBJ)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LDLIBS)

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC san  $<"
	@$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

build/rel/tests/%: build/rel/tests/unit/%.o $(LIB_OBJ)
	$(CC) -o $@ $^ $(LDLIBS) -lcmocka

build/san/tests/%: build/san/tests/unit/%.o $(SAN_OBJ)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LDLIBS) -lcmocka

build/rel/bench/%: build/rel/bench/%.o $(LIB_OBJ)
	$(CC) -o $@ $^ $(LDLIBS)

# The whole suite, in the release build and again under ASan+UBSan.
test: deps
	@$(MAKE) --no-print-directory wirelab build/san/wirelab $(UNIT_BIN) $(UNIT_SAN)
	@bash tests/run.sh

bench: deps
	@$(MAKE) --no-print-directory wirelab $(BENCH_BIN)
	@sh bench/run.sh

demo: deps
	@$(MAKE) --no-print-directory wirelab
	@sh tools/demo.sh

PREFIX ?= /usr/local
install: wirelab
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/wirelab
	install -m 755 wirelab $(DESTDIR)$(PREFIX)/bin/wirelab
	cp -r scenarios analysis $(DESTDIR)$(PREFIX)/share/wirelab/

clean:
	rm -rf build wirelab results

-include $(shell find build -name '*.d' 2>/dev/null)
