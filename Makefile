# tierc - partner-tier rules compiler and VM.
#
#   make            build bin/tierc, bin/tiervm, lib/libtier.a
#   make demo       compile rules/apn-2019.tier and evaluate examples/partners.jsonl
#   make check      build with -Wall -Wextra -Werror and run every test
#   make clean
#
# Both demo and check first make sure the Debian packages are there (deps).

CC      ?= cc
BIN     ?= bin
LIB     ?= lib
BUILD   ?= build
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Werror
CFLAGS  += -std=c11 $(WARN) $(OPT) -D_XOPEN_SOURCE=700 -Iinclude -Isrc -I$(BUILD)
LDLIBS  := -ljansson -lsodium -lm

DEB_PKGS := flex bison libcmocka-dev libjansson-dev libsodium-dev pkg-config

LIB_SRC := src/util.c src/ast.c src/sema.c src/codegen.c src/compile.c \
           src/bytecode.c src/verify.c src/vm.c src/record.c src/result.c \
           src/output.c src/stream.c src/disasm.c src/cli.c
GEN_SRC := $(BUILD)/parser.c $(BUILD)/lexer.c
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/parser.o $(BUILD)/lexer.o
HDRS    := $(wildcard src/*.h) include/tier.h $(BUILD)/parser.h

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps demo check asan clean
.DELETE_ON_ERROR:

all: $(BIN)/tierc $(BIN)/tiervm

# ---- Debian packages ---------------------------------------------------------
# Installs what is missing when run as root, otherwise prints the command.
deps: $(BUILD)/.deps
$(BUILD)/.deps:
	@missing=""; \
	for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing || exit 1; \
	  else \
	    echo "missing Debian packages:$$missing"; \
	    echo "run: sudo apt-get update && sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi
	@mkdir -p $(BUILD) && touch $@

# ---- build -------------------------------------------------------------------------
$(BUILD)/parser.c $(BUILD)/parser.h: grammar/parser.y | $(BUILD)/.deps
	@mkdir -p $(BUILD)
	bison -Wall -Werror --header=$(BUILD)/parser.h -o $(BUILD)/parser.c $<

$(BUILD)/lexer.c: grammar/lexer.l $(BUILD)/parser.h | $(BUILD)/.deps
	flex -o $@ $<

$(BUILD)/%.o: src/%.c $(HDRS) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/parser.o: $(BUILD)/parser.c $(HDRS)
	$(CC) $(CFLAGS) -c -o $@ $<

# flex's skeleton compares signed with unsigned sizes; nothing else is relaxed
$(BUILD)/lexer.o: $(BUILD)/lexer.c $(HDRS)
	$(CC) $(CFLAGS) -Wno-sign-compare -Wno-unused-function -c -o $@ $<

$(LIB)/libtier.a: $(filter-out $(BUILD)/cli.o,$(LIB_OBJ)) $(BUILD)/cli.o
	@mkdir -p $(LIB)
	rm -f $@
	ar rcs $@ $^

$(BIN)/tierc: $(BUILD)/tierc.o $(LIB)/libtier.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/tiervm: $(BUILD)/tiervm.o $(LIB)/libtier.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ---- demo ------------------------------------------------------------------------------
demo: all
	$(BIN)/tierc compile rules/apn-2019.tier -o $(BUILD)/apn-2019.tbc
	$(BIN)/tiervm eval --format table $(BUILD)/apn-2019.tbc examples/partners.jsonl

# ---- tests -----------------------------------------------------------------------------
$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(LIB)/libtier.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB)/libtier.a -lcmocka $(LDLIBS)

check: all $(UNIT_BIN)
	@sh tests/run.sh $(BUILD) $(BIN) $(UNIT_BIN)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (clang),
# in its own build tree; any report fails the run.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan: $(BUILD)/.deps
	$(MAKE) check CC=clang BUILD=build/asan BIN=build/asan/bin LIB=build/asan/lib \
	  OPT="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined"

clean:
	rm -rf $(BUILD) bin lib
