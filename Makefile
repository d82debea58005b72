# tierc - partner-tier rules compiler and VM.
#
#   make            build bin/tierc, bin/tiervm, lib/libtier.a, lib/libtier.so
#   make demo       compile rules/apn-2019.tier and evaluate examples/partners.jsonl
#   make check      build with -Wall -Wextra -Werror and run every test
#   make check-switch  the same with the VM's switch dispatch (VM_DISPATCH=switch)
#   make install    [PREFIX=/usr/local] [DESTDIR=]; make uninstall removes the same files
#   make po         update po/ja.po from the sources' messages (see po/README.md)
#   make clean
#
# Both demo and check first make sure the Debian packages are there (deps).

CC      ?= cc
BIN     ?= bin
LIB     ?= lib
BUILD   ?= build
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Werror
CFLAGS  += -std=c11 $(WARN) $(OPT) -D_XOPEN_SOURCE=700 -Iinclude
# VM_DISPATCH=switch builds the VM's dispatch loop as a switch instead of
# computed goto (`make check-switch` runs the whole suite on that build)
VM_DISPATCH ?= goto
ifeq ($(VM_DISPATCH),switch)
CFLAGS  += -DTIER_VM_SWITCH
endif
LDLIBS  := -ljansson -lsodium -lm -lpthread
LD      ?= ld
OBJCOPY ?= objcopy

DEB_PKGS := flex bison libcmocka-dev libjansson-dev libsodium-dev libgmp-dev pkg-config gettext

# The library (src/) and the command-line tools (src/tools/): the tools are
# compiled against include/ and src/tools/ only, so that they can use
# nothing of the library but tier.h.  Library objects are compiled with
# hidden visibility: only what tier.h marks TIER_API leaves libtier.
LIB_SRC := src/util.c src/i18n.c src/num.c src/period.c src/checkpoint.c src/func.c src/text.c src/input.c src/ast.c src/sema.c src/defs.c src/blocks.c src/refs.c src/lint.c src/codegen.c src/compile.c \
           src/opcodes.c src/bytecode.c src/verify.c src/vm.c src/record.c src/json.c src/result.c src/said.c \
           src/inspect.c src/meaning.c src/ladder.c src/ruletest.c src/coverage.c src/rulediff.c src/stream.c src/disasm.c src/fmt.c src/api.c
LIB_SRC += src/lookalike.c src/symtab.c src/score.c src/whatif.c src/loopk.c
TOOL_SRC := src/tools/cli.c src/tools/escape.c src/tools/output.c src/tools/explain.c src/tools/diff.c src/tools/report.c \
            src/tools/par.c
GEN_SRC := $(BUILD)/parser.c $(BUILD)/lexer.c
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/parser.o $(BUILD)/lexer.o
TOOL_OBJ := $(TOOL_SRC:src/%.c=$(BUILD)/%.o)
HDRS    := $(wildcard src/*.h) include/tier.h $(BUILD)/parser.h
TOOL_HDRS := $(wildcard src/tools/*.h) include/tier.h
LIB_CFLAGS  = $(CFLAGS) -Isrc -I$(BUILD) -fvisibility=hidden
TOOL_CFLAGS = $(CFLAGS) -Isrc/tools
TEST_CFLAGS = $(CFLAGS) -Isrc -I$(BUILD) -Isrc/tools

# the message catalogues: po/LANG.po -> LANG/LC_MESSAGES/tierc.mo
PO_LANGS := $(patsubst po/%.po,%,$(wildcard po/*.po))
MO_FILES := $(PO_LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/tierc.mo)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps browser-deps docs-report demo check check-switch asan tsan valgrind clean install uninstall examples difftest po format FORCE
.DELETE_ON_ERROR:

all: $(BIN)/tierc $(BIN)/tiervm $(LIB)/libtier.so $(MO_FILES)

# ---- Debian packages ---------------------------------------------------------
# Installs what is missing when run as root, otherwise prints the command:
# with sudo where it is installed, else through su (a fresh Debian has no
# sudo; tests/sh/deps-hint.sh).
define install_pkgs
missing=""; \
for p in $(1); do \
  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ]; then \
    echo "installing:$$missing"; \
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing || exit 1; \
  else \
    echo "missing Debian packages:$$missing"; \
    if command -v sudo >/dev/null 2>&1; then \
      echo "run: sudo apt-get update && sudo apt-get install -y$$missing"; \
    else \
      echo "run as root: su -c 'apt-get update && apt-get install -y$$missing'"; \
    fi; \
    exit 1; \
  fi; \
fi
endef
deps: $(BUILD)/.deps
$(BUILD)/.deps:
	@$(call install_pkgs,$(DEB_PKGS))
	@mkdir -p $(BUILD) && touch $@
# make asan, tsan and fuzz build with clang and its sanitizer runtimes
SAN_PKGS := clang libclang-rt-dev
$(BUILD)/.san-deps: | $(BUILD)/.deps
	@$(call install_pkgs,$(SAN_PKGS))
	@touch $@

# ---- build -------------------------------------------------------------------------
$(BUILD)/parser.c $(BUILD)/parser.h: grammar/parser.y | $(BUILD)/.deps
	@mkdir -p $(BUILD)
	bison -Wall -Werror --header=$(BUILD)/parser.h -o $(BUILD)/parser.c $<

$(BUILD)/lexer.c: grammar/lexer.l $(BUILD)/parser.h | $(BUILD)/.deps
	flex -o $@ $<

$(BUILD)/tools/%.o: src/tools/%.c $(TOOL_HDRS) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(TOOL_CFLAGS) -c -o $@ $<

$(BUILD)/%.o: src/%.c $(HDRS) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -c -o $@ $<

$(BUILD)/parser.o: $(BUILD)/parser.c $(HDRS)
	$(CC) $(LIB_CFLAGS) -c -o $@ $<

# flex's skeleton compares signed with unsigned sizes; nothing else is relaxed
$(BUILD)/lexer.o: $(BUILD)/lexer.c $(HDRS)
	$(CC) $(LIB_CFLAGS) -Wno-sign-compare -Wno-unused-function -c -o $@ $<

# libtier.a holds one object: the library's objects linked together (ld -r),
# with every hidden symbol made local (objcopy --localize-hidden), so that
# the static library, like the shared one, defines nothing outside tier_
# (tests/sh/symbols.sh checks both).  The unit tests, the fuzzers and the
# benchmark reach into the internals through $(BUILD)/libtier-internal.a.
$(BUILD)/libtier.o: $(LIB_OBJ)
	$(LD) -r -o $@.all $^
	$(OBJCOPY) --localize-hidden $@.all $@
	rm -f $@.all

$(LIB)/libtier.a: $(BUILD)/libtier.o
	@mkdir -p $(LIB)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/libtier-internal.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/libtools.a: $(TOOL_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BIN)/tierc: $(BUILD)/tools/tierc.o $(BUILD)/libtools.a $(LIB)/libtier.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/tiervm: $(BUILD)/tools/tiervm.o $(BUILD)/libtools.a $(LIB)/libtier.a
	@mkdir -p $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ---- message catalogues (GNU gettext; see po/README.md) -------------------------
# po/LANG.po -> $(BUILD)/locale/LANG/LC_MESSAGES/tierc.mo, the layout of
# LOCALEDIR, so that TIER_LOCALEDIR=$(BUILD)/locale runs bin/ in LANG before
# `make install` (the tests do).  msgfmt --check refuses a translation whose
# printf directives differ from its message's.

$(BUILD)/locale/%/LC_MESSAGES/tierc.mo: po/%.po | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# The catalogues' directory, compiled into i18n.c: $(BUILD)/localedir.h is
# rewritten only when LOCALEDIR changes, so that a `make install` with
# another PREFIX than the build's rebuilds the library for it.
$(BUILD)/localedir.h: FORCE
	@mkdir -p $(BUILD)
	@echo '#define TIER_LOCALEDIR "$(LOCALEDIR)"' > $@.new
	@if cmp -s $@.new $@; then rm $@.new; else mv $@.new $@; fi
$(BUILD)/i18n.o $(BUILD)/pic/i18n.o: $(BUILD)/localedir.h

# make po: po/tierc.pot extracted from the sources (po/extract.sh; a build
# output, not committed), merged into every po/LANG.po.  New messages come
# in untranslated: translate them (make check fails until then).  po/merge.sh
# does not rewrap: a `make po` changes only the entries whose messages changed.
po:
	sh po/extract.sh po/tierc.pot
	sh po/merge.sh po/tierc.pot $(addprefix po/,$(addsuffix .po,$(PO_LANGS)))
	for l in $(PO_LANGS); do msgfmt --statistics -o /dev/null po/$$l.po || exit 1; done

# ---- shared library ------------------------------------------------------------------
# libtier.so.VERSION (soname libtier.so.ABI, TIER_ABI in tier.h; linker name libtier.so) from
# position-independent objects in $(BUILD)/pic, compiled with hidden
# visibility: only what include/tier.h marks TIER_API is exported.
VERSION   := $(shell sed -n 's/.*TIER_VERSION "\([^"]*\)".*/\1/p' include/tier.h)
SOMAJOR   := $(shell sed -n 's/^\#define TIER_ABI \([0-9]*\).*/\1/p' include/tier.h)
SONAME    := libtier.so.$(SOMAJOR)
SOREAL    := libtier.so.$(VERSION)
PIC_OBJ   := $(patsubst $(BUILD)/%,$(BUILD)/pic/%,$(LIB_OBJ))
PIC_FLAGS := -fPIC
# every symbol resolved at link time, except under the sanitizers (their
# runtime is linked into the executable, not into shared objects)
SO_LDFLAGS := -shared -Wl,-soname,$(SONAME) $(if $(findstring -fsanitize,$(LDFLAGS)),,-Wl,--no-undefined)

$(BUILD)/pic/%.o: src/%.c $(HDRS) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) $(PIC_FLAGS) -c -o $@ $<

$(BUILD)/pic/parser.o: $(BUILD)/parser.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) $(PIC_FLAGS) -c -o $@ $<

$(BUILD)/pic/lexer.o: $(BUILD)/lexer.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) $(PIC_FLAGS) -Wno-sign-compare -Wno-unused-function -c -o $@ $<

$(LIB)/$(SOREAL): $(PIC_OBJ)
	@mkdir -p $(LIB)
	$(CC) $(LDFLAGS) $(SO_LDFLAGS) -o $@ $^ $(LDLIBS)

$(LIB)/$(SONAME): $(LIB)/$(SOREAL)
	ln -sf $(SOREAL) $@

$(LIB)/libtier.so: $(LIB)/$(SONAME)
	ln -sf $(SONAME) $@

# examples/embed.c against the static library (tests/sh/install.sh builds it
# against the installed shared one, with pkg-config)
examples: $(BUILD)/examples/embed
$(BUILD)/examples/embed: examples/embed.c include/tier.h $(LIB)/libtier.a
	@mkdir -p $(dir $@)
	$(CC) -std=c11 $(WARN) $(OPT) -Iinclude -o $@ $< $(LIB)/libtier.a $(LDLIBS)

# ---- install ---------------------------------------------------------------------------
#   make install   [PREFIX=/usr/local] [DESTDIR=]   (also BINDIR, LIBDIR, INCLUDEDIR,
#   make uninstall                   PKGCONFIGDIR, MANDIR, RULESDIR, LOCALEDIR)
# installs the commands, libtier.a, libtier.so*, tier.h, tier.pc (made from
# tier.pc.in for this PREFIX), the man pages tierc(1), tiervm(1), tier(5) and
# the shipped rules (rules/*.tier) in share/tierc/rules, the message
# catalogues in LOCALEDIR/LANG/LC_MESSAGES/tierc.mo; uninstall removes
# exactly these files (and share/tierc when it is left empty).
PREFIX       ?= /usr/local
DESTDIR      ?=
BINDIR       ?= $(PREFIX)/bin
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DATADIR      ?= $(PREFIX)/share
LOCALEDIR    ?= $(DATADIR)/locale
MANDIR       ?= $(DATADIR)/man
RULESDIR     ?= $(DATADIR)/tierc/rules
INSTALL      ?= install
MAN1         := docs/man/tierc.1 docs/man/tiervm.1
MAN5         := docs/man/tier.5
RULE_FILES   := $(wildcard rules/*.tier)

install: all tier.pc.in $(MAN1) $(MAN5)
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(PKGCONFIGDIR)" "$(DESTDIR)$(INCLUDEDIR)" \
	  "$(DESTDIR)$(MANDIR)/man1" "$(DESTDIR)$(MANDIR)/man5" "$(DESTDIR)$(RULESDIR)"
	$(INSTALL) -m 755 $(BIN)/tierc $(BIN)/tiervm "$(DESTDIR)$(BINDIR)/"
	$(INSTALL) -m 644 $(LIB)/libtier.a "$(DESTDIR)$(LIBDIR)/"
	$(INSTALL) -m 755 $(LIB)/$(SOREAL) "$(DESTDIR)$(LIBDIR)/"
	ln -sf $(SOREAL) "$(DESTDIR)$(LIBDIR)/$(SONAME)"
	ln -sf $(SONAME) "$(DESTDIR)$(LIBDIR)/libtier.so"
	$(INSTALL) -m 644 include/tier.h "$(DESTDIR)$(INCLUDEDIR)/"
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	  -e 's|@VERSION@|$(VERSION)|g' tier.pc.in > $(BUILD)/tier.pc
	$(INSTALL) -m 644 $(BUILD)/tier.pc "$(DESTDIR)$(PKGCONFIGDIR)/tier.pc"
	$(INSTALL) -m 644 $(MAN1) "$(DESTDIR)$(MANDIR)/man1/"
	$(INSTALL) -m 644 $(MAN5) "$(DESTDIR)$(MANDIR)/man5/"
	$(INSTALL) -m 644 $(RULE_FILES) "$(DESTDIR)$(RULESDIR)/"
	for l in $(PO_LANGS); do \
	  $(INSTALL) -d "$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES" && \
	  $(INSTALL) -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/tierc.mo "$(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/" || exit 1; \
	done

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/tierc" "$(DESTDIR)$(BINDIR)/tiervm"
	rm -f "$(DESTDIR)$(LIBDIR)/libtier.a" "$(DESTDIR)$(LIBDIR)/$(SOREAL)" "$(DESTDIR)$(LIBDIR)/$(SONAME)" "$(DESTDIR)$(LIBDIR)/libtier.so"
	rm -f "$(DESTDIR)$(INCLUDEDIR)/tier.h" "$(DESTDIR)$(PKGCONFIGDIR)/tier.pc"
	rm -f $(foreach m,$(MAN1),"$(DESTDIR)$(MANDIR)/man1/$(notdir $(m))") $(foreach m,$(MAN5),"$(DESTDIR)$(MANDIR)/man5/$(notdir $(m))")
	rm -f $(foreach r,$(RULE_FILES),"$(DESTDIR)$(RULESDIR)/$(notdir $(r))")
	rmdir "$(DESTDIR)$(RULESDIR)" "$(DESTDIR)$(DATADIR)/tierc" 2>/dev/null || true
	rm -f $(foreach l,$(PO_LANGS),"$(DESTDIR)$(LOCALEDIR)/$(l)/LC_MESSAGES/tierc.mo")

# ---- demo ------------------------------------------------------------------------------
demo: all
	$(BIN)/tierc compile rules/apn-2019.tier -o $(BUILD)/apn-2019.tbc
	$(BIN)/tiervm eval --format table $(BUILD)/apn-2019.tbc examples/partners.jsonl

# ---- tests -----------------------------------------------------------------------------
$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(BUILD)/libtools.a $(BUILD)/libtier-internal.a
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(BUILD)/libtools.a $(BUILD)/libtier-internal.a -lcmocka $(LDLIBS) -lpthread

# The reentrancy test and tiervm eval, diff and report -j (src/tools/par.c,
# test_par) under ThreadSanitizer (clang); -j 4 must also write the bytes
# -j 1 writes (report: the page and the rejected records' messages).
tsan: $(BUILD)/.deps $(BUILD)/.san-deps
	$(MAKE) build/tsan/tests/test_threads build/tsan/tests/test_par build/tsan/bin/tiervm CC=clang BUILD=build/tsan \
	  BIN=build/tsan/bin LIB=build/tsan/lib OPT="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread"
	TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/test_threads
	TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/test_par
	for i in 1 2 3 4 5 6; do cat examples/partners.jsonl tests/golden/data/bad-records.jsonl; done > build/tsan/jobs.jsonl
	TSAN_OPTIONS=halt_on_error=1 build/tsan/bin/tiervm eval -j 4 --explain --as-of 2019-12-13 rules/apn-2019.tier \
	  build/tsan/jobs.jsonl > build/tsan/jobs-4.out; test $$? -eq 1
	build/tsan/bin/tiervm eval -j 1 --explain --as-of 2019-12-13 rules/apn-2019.tier build/tsan/jobs.jsonl \
	  > build/tsan/jobs-1.out; test $$? -eq 1
	cmp build/tsan/jobs-1.out build/tsan/jobs-4.out
	TSAN_OPTIONS=halt_on_error=1 build/tsan/bin/tiervm diff -j 4 --as-of 2019-12-13 rules/apn-2018.tier rules/apn-2019.tier \
	  build/tsan/jobs.jsonl > build/tsan/diff-4.out; test $$? -eq 1
	build/tsan/bin/tiervm diff -j 1 --as-of 2019-12-13 rules/apn-2018.tier rules/apn-2019.tier build/tsan/jobs.jsonl \
	  > build/tsan/diff-1.out; test $$? -eq 1
	cmp build/tsan/diff-1.out build/tsan/diff-4.out
	TSAN_OPTIONS=halt_on_error=1 build/tsan/bin/tiervm report -j 4 --as-of 2019-12-13 rules/apn-2019.tier build/tsan/jobs.jsonl \
	  --diff rules/apn-2018.tier -o - > build/tsan/report-4.html 2> build/tsan/report-4.err; test $$? -eq 1
	build/tsan/bin/tiervm report -j 1 --as-of 2019-12-13 rules/apn-2019.tier build/tsan/jobs.jsonl \
	  --diff rules/apn-2018.tier -o - > build/tsan/report-1.html 2> build/tsan/report-1.err; test $$? -eq 1
	cmp build/tsan/report-1.html build/tsan/report-4.html
	cmp build/tsan/report-1.err build/tsan/report-4.err

# The browser test of the HTML report (tests/sh/report-browser.sh) drives
# Chromium through Selenium and wants a Japanese font.  As root, check
# installs them; otherwise, or when that fails, the test is skipped and
# prints the command.
BROWSER_PKGS := chromium chromium-driver python3-selenium fonts-noto-cjk
browser-deps:
	@if [ "$$(id -u)" = 0 ]; then ( $(call install_pkgs,$(BROWSER_PKGS)) ) || \
	  echo "could not install $(BROWSER_PKGS): the browser test of the report will be skipped"; fi

# The pictures of the report in docs/ (the README shows one): the example
# partners with --diff, at 1,280 and 390 px, by the browser test's driver.
docs-report: all
	$(BIN)/tiervm report rules/apn-2019.tier examples/partners.jsonl --diff rules/apn-2018.tier -o $(BUILD)/report-docs.html
	/usr/bin/python3 tests/sh/report-browser.py --docs docs $(BUILD)/report-docs.html

check: all $(UNIT_BIN) $(BUILD)/difftest/difftest $(BUILD)/difftest/difftest-planted $(BUILD)/difftest/linear browser-deps
	@TIER_LIB=$(LIB) TIER_CC="$(CC)" TIER_LDFLAGS="$(LDFLAGS)" sh tests/run.sh $(BUILD) $(BIN) $(UNIT_BIN)

# The whole suite on the switch-dispatch build of the VM, in its own tree.
check-switch: $(BUILD)/.deps
	$(MAKE) check VM_DISPATCH=switch BUILD=build/switch BIN=build/switch/bin LIB=build/switch/lib

# The CLI golden tests with every tierc/tiervm run under valgrind memcheck:
# any error or leak makes the run exit 99, which fails the case.
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect
valgrind: all
	@command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind"; exit 1; }
	@TIER_WRAP="$(VALGRIND)" sh tests/run.sh $(BUILD) $(BIN)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer (clang),
# in its own build tree; any report fails the run.
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan: $(BUILD)/.deps $(BUILD)/.san-deps
	$(MAKE) check CC=clang BUILD=build/asan BIN=build/asan/bin LIB=build/asan/lib \
	  OPT="$(ASAN_FLAGS)" LDFLAGS="-fsanitize=address,undefined"

# The C lines changed since .clang-format was checked in, formatted in place
# (git clang-format: older code is formatted when it is next changed;
# tests/sh/format.sh checks the same lines).
format:
	git clang-format --extensions c,h $$(git log --diff-filter=A --format=%H -- .clang-format | tail -1) -- src include tests examples

clean:
	rm -rf $(BUILD) bin lib

# ---- the differential test (tests/ref, see tests/ref/README.md) ----------------------
#   make difftest [DIFF_N=4000] [DIFF_M=60]  N random rulesets x M records through the
#                                            VM and the reference interpreter (about a
#                                            minute); a reproducer lands in build/difftest/fail
#                 [DIFF_LARGE_N=100]         then N large ones (difftest --large: hundreds of
#                                            tiers, a thousand metrics) x 20 records
# make check runs a short one of each size (tests/sh/difftest.sh) and shows that a planted VM
# bug fails it (tests/sh/difftest-planted.sh); .ci/run runs a long one.  The VM is
# linked from vm.c built with -DTIER_COUNT_STEPS, to check the cost bound.
DIFF_N   ?= 4000
DIFF_M   ?= 60
DIFF_LARGE_N ?= 100
DIFF_DIR := $(BUILD)/difftest
REF_SRC  := $(filter-out tests/ref/difftest.c tests/ref/linear.c,$(wildcard tests/ref/*.c))
REF_HDRS := $(wildcard tests/ref/*.h)
REF_OBJ  := $(REF_SRC:tests/ref/%.c=$(DIFF_DIR)/%.o)
DIFF_LIB := $(filter-out $(BUILD)/vm.o,$(LIB_OBJ))

$(DIFF_DIR)/%.o: tests/ref/%.c $(REF_HDRS) $(HDRS) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -Itests/ref -c -o $@ $<

# test_diffprop also edits rulesets of tests/ref's generator (gen_options.ladder)
DIFFPROP_OBJ := $(DIFF_DIR)/gen.o $(DIFF_DIR)/gen_record.o $(DIFF_DIR)/ref_calendar.o
$(BUILD)/tests/test_diffprop: tests/unit/test_diffprop.c tests/unit/testutil.h $(DIFFPROP_OBJ) $(BUILD)/libtools.a \
    $(BUILD)/libtier-internal.a
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(DIFFPROP_OBJ) $(BUILD)/libtools.a $(BUILD)/libtier-internal.a -lcmocka $(LDLIBS) -lpthread

$(DIFF_DIR)/vm-steps.o: src/vm.c $(HDRS) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -DTIER_COUNT_STEPS -c -o $@ $<

# test_loopk counts steps (a loop run at once counts what its instructions
# would): linked with that vm.c instead of the library's
$(BUILD)/tests/test_loopk: tests/unit/test_loopk.c tests/unit/testutil.h $(DIFF_DIR)/vm-steps.o $(DIFF_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -DTIER_COUNT_STEPS_LINKED -o $@ $< $(DIFF_DIR)/vm-steps.o $(DIFF_LIB) -lcmocka $(LDLIBS) -lpthread

$(DIFF_DIR)/difftest: $(DIFF_DIR)/difftest.o $(REF_OBJ) $(DIFF_DIR)/vm-steps.o $(DIFF_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lgmp

# The planted bug: `>=` on integers evaluated as `>`; the difftest must catch it.
$(DIFF_DIR)/planted/vm.c: src/vm.c tests/ref/plant.sed
	@mkdir -p $(dir $@)
	sed -f tests/ref/plant.sed src/vm.c > $@
	@test "$$(diff src/vm.c $@ | grep -c '^>')" -ge 3 || { echo "tests/ref/plant.sed no longer plants the bug in src/vm.c"; rm -f $@; exit 1; }

$(DIFF_DIR)/planted/vm.o: $(DIFF_DIR)/planted/vm.c $(HDRS)
	$(CC) $(LIB_CFLAGS) -DTIER_COUNT_STEPS -c -o $@ $<

$(DIFF_DIR)/difftest-planted: $(DIFF_DIR)/difftest.o $(REF_OBJ) $(DIFF_DIR)/planted/vm.o $(DIFF_LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lgmp

difftest: $(DIFF_DIR)/difftest
	nice $(DIFF_DIR)/difftest -n $(DIFF_N) -m $(DIFF_M) -o $(DIFF_DIR)/fail
	nice $(DIFF_DIR)/difftest --large -n $(DIFF_LARGE_N) -m 20 -o $(DIFF_DIR)/fail-large

# The linear-work test (tests/ref/linear.c, run by tests/sh/linear.sh): the
# library again, built with -fsanitize-coverage=trace-pc, so that the test
# counts every basic block that compiling, loading and diffing rulesets runs.
BLOCKS_DIR := $(DIFF_DIR)/blocks
BLOCKS_OBJ := $(patsubst $(BUILD)/%,$(BLOCKS_DIR)/%,$(LIB_OBJ))

$(BLOCKS_DIR)/%.o: src/%.c $(HDRS) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -fsanitize-coverage=trace-pc -c -o $@ $<

$(BLOCKS_DIR)/parser.o: $(BUILD)/parser.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -fsanitize-coverage=trace-pc -c -o $@ $<

$(BLOCKS_DIR)/lexer.o: $(BUILD)/lexer.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(LIB_CFLAGS) -Wno-sign-compare -Wno-unused-function -fsanitize-coverage=trace-pc -c -o $@ $<

$(DIFF_DIR)/linear: $(DIFF_DIR)/linear.o $(DIFF_DIR)/gen.o $(DIFF_DIR)/ref_calendar.o $(BLOCKS_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ---- fuzzing (clang libFuzzer + ASan + UBSan) ----------------------------------------
#   make fuzz [FUZZ_SECONDS=60]   build tests/fuzz/fuzz_{compile,load,record} in build/fuzz
#                                 and run each for N seconds from its seed corpus
#   make fuzz-regress             run each target once over tests/fuzz/regress/<target>/*
# The checked-in seeds (tests/fuzz/corpus/<target>, see tests/fuzz/make_corpus.sh)
# are copied into build/fuzz/corpus/<target>, which the fuzzer grows and keeps
# between runs; tests/fuzz/<target>.dict, if there, is the target's libFuzzer
# dictionary.  The load target also gets the shipped rules freshly compiled by
# $(BIN)/tierc (fresh-*.tbc), so that a change of the .tbc layout does not
# leave it with seeds that fail the first check.  Crash inputs land in
# build/fuzz/artifacts/<target>/ and the run's log in build/fuzz/fuzz_<target>.log.
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_TARGETS := compile load record difftest
FUZZ_CC      := clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 $(WARN) -O1 -g $(FUZZ_SAN) -D_XOPEN_SOURCE=700 -Iinclude -Isrc -I$(BUILD) -Isrc/tools -Itests/fuzz
FUZZ_OBJ     := $(LIB_SRC:src/%.c=$(FUZZ_BUILD)/obj/%.o) $(FUZZ_BUILD)/obj/parser.o $(FUZZ_BUILD)/obj/lexer.o \
                $(TOOL_SRC:src/%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_HDRS    := tests/fuzz/fuzz_common.h tests/fuzz/profiles.h tests/fuzz/token_mutator.h
FUZZ_ENV     := TIER_FUZZ_DIR=$(CURDIR)/rules TIER_FUZZ_RULES=$(CURDIR)/rules/apn-2019.tier \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
FUZZ_FLAGS   := -timeout=25 -rss_limit_mb=2048 -print_final_stats=1

.PHONY: fuzz fuzz-build fuzz-regress
.SECONDARY: $(FUZZ_OBJ)

$(FUZZ_BUILD)/obj/%.o: src/%.c $(HDRS) $(TOOL_HDRS) | $(BUILD)/.deps $(BUILD)/.san-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_BUILD)/obj/i18n.o: $(BUILD)/localedir.h
$(FUZZ_BUILD)/obj/parser.o: $(BUILD)/parser.c $(HDRS) | $(BUILD)/.san-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_BUILD)/obj/lexer.o: $(BUILD)/lexer.c $(HDRS) | $(BUILD)/.san-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wno-sign-compare -Wno-unused-function -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_HDRS) $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(FUZZ_LDFLAGS_$*) -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

# fuzz_difftest: the differential test (tests/ref) with the generator drawing
# from the fuzzer's bytes; its VM counts instructions (TIER_COUNT_STEPS).
FUZZ_REF_OBJ := $(REF_SRC:tests/ref/%.c=$(FUZZ_BUILD)/ref/%.o)
$(FUZZ_BUILD)/ref/%.o: tests/ref/%.c $(REF_HDRS) $(HDRS) | $(BUILD)/.deps $(BUILD)/.san-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/ref -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_BUILD)/ref/vm-steps.o: src/vm.c $(HDRS) | $(BUILD)/.deps $(BUILD)/.san-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -DTIER_COUNT_STEPS -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_BUILD)/fuzz_difftest: tests/fuzz/fuzz_difftest.c $(REF_HDRS) $(FUZZ_REF_OBJ) $(FUZZ_BUILD)/ref/vm-steps.o $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/ref -fsanitize=fuzzer -o $@ $< $(FUZZ_REF_OBJ) $(FUZZ_BUILD)/ref/vm-steps.o \
	  $(filter-out $(FUZZ_BUILD)/obj/vm.o,$(FUZZ_OBJ)) $(LDLIBS) -lgmp

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build $(BIN)/tierc $(DIFF_DIR)/difftest
	@fail=""; \
	for t in $(FUZZ_TARGETS); do \
	  seeds=tests/fuzz/corpus/$$t; work=$(FUZZ_BUILD)/corpus/$$t; art=$(FUZZ_BUILD)/artifacts/$$t; \
	  log=$(FUZZ_BUILD)/fuzz_$$t.log; \
	  mkdir -p $$work $$art; cp -n $$seeds/* $$work/ 2>/dev/null; \
	  if [ $$t = compile ]; then \
	    $(DIFF_DIR)/difftest --write $$work -n 200 && \
	    $(DIFF_DIR)/difftest --write $$work -s 1001 -n 40 --types 6 --tiers 8 --metrics 60 --lists 16 --depth 6; \
	  fi; \
	  if [ $$t = load ]; then \
	    for r in rules/apn-2019.tier rules/apn-2018.tier examples/card.tier; do \
	      b=$$(basename $$r .tier); \
	      $(BIN)/tierc compile $$r -o $$work/fresh-$$b.tbc >/dev/null 2>&1; \
	      $(BIN)/tierc compile --strip $$r -o $$work/fresh-$$b-stripped.tbc >/dev/null 2>&1; \
	    done; \
	    maxlen=$$(for f in $$seeds/* $$work/fresh-*.tbc; do [ -f $$f ] && wc -c <$$f; done | sort -n | tail -1); \
	  else maxlen=65536; fi; [ -n "$$maxlen" ] || maxlen=65536; \
	  dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS)s, -max_len=$$maxlen, corpus $$work ($$(ls $$work | wc -l) files)"; \
	  $(FUZZ_ENV) $(FUZZ_BUILD)/fuzz_$$t $(FUZZ_FLAGS) $$dict -max_total_time=$(FUZZ_SECONDS) -max_len=$$maxlen \
	    -artifact_prefix=$$art/ $$work </dev/null >$$log 2>&1; rc=$$?; \
	  grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' $$log | sed 's/^/  /'; \
	  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' $$log | sed 's/^/  /'; \
	  if [ $$rc -ne 0 ]; then \
	    echo "fuzz_$$t FAILED (exit $$rc); log: $$log"; \
	    grep -E '^fuzz_[a-z]+: |^error: ' $$log | head -5; \
	    grep -E -A40 '^==[0-9]+==ERROR|runtime error|deadly signal|ERROR: libFuzzer' $$log | head -80; \
	    ls $$art; fail="$$fail $$t"; \
	  fi; \
	done; \
	if [ -n "$$fail" ]; then echo "fuzz: crashes in:$$fail (inputs in $(FUZZ_BUILD)/artifacts/)"; exit 1; fi; \
	echo "fuzz: no crashes"

fuzz-regress: fuzz-build
	@fail=0; n=0; \
	for t in $(FUZZ_TARGETS); do \
	  for f in tests/fuzz/regress/$$t/*; do \
	    [ -f "$$f" ] || continue; n=$$((n + 1)); \
	    log=$(FUZZ_BUILD)/regress_$$t.log; \
	    if ! $(FUZZ_ENV) $(FUZZ_BUILD)/fuzz_$$t -timeout=25 "$$f" </dev/null >$$log 2>&1; then \
	      echo "FAIL fuzz_$$t $$f"; \
	      grep -E '^==[0-9]+==ERROR|runtime error|^fuzz_|^SUMMARY|^ +#[0-9]+ .* in [a-z_]+ /' $$log | grep -v ' in fuzzer::' | head -12 | sed 's/^/  /'; \
	      fail=$$((fail + 1)); \
	    fi; \
	  done; \
	done; \
	if [ $$fail -ne 0 ]; then echo "fuzz-regress: $$fail of $$n inputs fail"; exit 1; fi; \
	echo "fuzz-regress: $$n inputs, all pass"

# ---- benchmark (never part of check; no timing is asserted) -------------------------
# make bench [BENCH_N=20000] [BENCH_K=2000]: N synthetic profiles, one report,
# printed and written to tests/bench/results.txt (see tests/bench/bench.c).
BENCH_N    ?= 20000
BENCH_K    ?= 2000
BENCH_PKGS := luajit lua-cjson jq valgrind
BENCH_DIR  := $(BUILD)/bench
BENCH_CFLAGS := $(CFLAGS) -Isrc -I$(BUILD) -Itests/bench
.PHONY: bench
bench: all $(BENCH_DIR)/.deps $(BENCH_DIR)/gen $(BENCH_DIR)/bench
	$(BENCH_DIR)/bench -n $(BENCH_N) -k $(BENCH_K) --gen $(BENCH_DIR)/gen --bin $(BIN) --work $(BENCH_DIR) --out tests/bench/results.txt

$(BENCH_DIR)/.deps: | $(BUILD)/.deps
	@$(call install_pkgs,$(BENCH_PKGS))
	@mkdir -p $(BENCH_DIR) && touch $@

$(BENCH_DIR)/gen: tests/bench/gen.c tests/tools/gen.h | $(BUILD)/.deps
	@mkdir -p $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) -o $@ tests/bench/gen.c

$(BENCH_DIR)/bench: tests/bench/bench.c tests/bench/native.c tests/bench/native.h $(HDRS) $(BUILD)/libtier-internal.a
	@mkdir -p $(BENCH_DIR)
	$(CC) $(BENCH_CFLAGS) '-DBENCH_CFLAGS="$(LIB_CFLAGS)"' -o $@ tests/bench/bench.c tests/bench/native.c $(BUILD)/libtier-internal.a $(LDLIBS)
