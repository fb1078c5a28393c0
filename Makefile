# kq -- one non-recursive Makefile for everything.
#
#   make            build ./kq-index and ./kq
#   make demo       install missing packages, build, index corpus/, run a query
#   make check      check the layout (format-check), build and run every
#                   test, then again under ASan + UBSan, then the fuzz
#                   targets briefly (clang + libFuzzer)
#   make format     lay out the C and C++ sources with .clang-format
#   make format-check  fail if any of them is not laid out so
#   make fuzz       fuzz each target FUZZ_SECONDS seconds (default 60)
#   make clean
#
# Objects go to $(B)/ (build/ by default; build-san/ for the sanitizer build).

CC      ?= cc
CXX     ?= g++
B       ?= build
PKGS    := libutf8proc jansson libdeflate libzstd
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wstrict-prototypes \
           -Wno-unused-parameter $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# The Xapian wrapper (common/xapian/xapian_capi.cc) is the one C++ file.
CXXFLAGS ?= -O2 -g
CXXFLAGS += -std=c++11 -Wall -Wextra -Wno-unused-parameter $(shell pkg-config --cflags xapian-core 2>/dev/null)
# kq and kq-index do not link Xapian: common/xapian/xapian_capi.cc is a plugin,
# kq-xapian.so, loaded when an index needs it (common/xapian/xapian_load.c).
# libstemmer, utf8proc, libdeflate and libzstd are linked statically (their Debian
# -dev packages ship the .a): every shared library costs a one-shot `kq`
# process its loading and relocation time.
# ICU (word boundaries, dictionary segmentation) is not linked: libkq opens
# it when text first needs it (common/icu.c says why); only its headers
# (libicu-dev) are needed to build.
LDLIBS  := -Wl,--as-needed -Wl,-Bstatic -lstemmer -lutf8proc -ldeflate -lzstd -Wl,-Bdynamic \
           -ljansson -lz -lm -pthread -ldl
XAPIAN_LIBS := $(shell pkg-config --libs xapian-core 2>/dev/null || echo -lxapian)
ifeq ($(SAN),1)
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
CXXFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

# The library: common/ (the engine), common/format/ (the on-disk format),
# common/search/ (query evaluation), common/xapian/ (the Xapian backend);
# each file includes its headers by name (-I below; common/search/'s
# private header is found beside the files that include it).
COMMON_SRC  := $(wildcard common/*.c common/format/*.c common/search/*.c common/xapian/*.c)
COMMON_CXX  := $(wildcard common/xapian/*.cc)
COMMON_H    := $(wildcard common/*.h common/format/*.h common/search/*.h common/xapian/*.h)
COMMON_INC  := -Icommon -Icommon/format -Icommon/xapian
INDEXER_SRC := $(wildcard indexer/*.c)
QUERY_SRC   := $(wildcard query/*.c)
UNIT_SRC    := $(wildcard tests/unit/t_*.c)

COMMON_OBJ  := $(COMMON_SRC:%.c=$(B)/%.o)
INDEXER_OBJ := $(INDEXER_SRC:%.c=$(B)/%.o)
QUERY_OBJ   := $(QUERY_SRC:%.c=$(B)/%.o)
UNIT_BIN    := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
LIB         := $(B)/libkq.a

ifeq ($(B),build)
BINDIR := .
else
BINDIR := $(B)
endif

.PHONY: all demo check test check-fast unit cli unit-build clean deps bench bench-peer eval differential format format-check
PLUGIN      := $(BINDIR)/kq-xapian.so
all: $(BINDIR)/kq-index $(BINDIR)/kq $(PLUGIN)

$(B)/%.o: %.c $(COMMON_H) $(wildcard indexer/*.h query/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(COMMON_INC) -c -o $@ $<

$(B)/%.o: %.cc $(COMMON_H)
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) $(COMMON_INC) -fPIC -fvisibility=hidden -c -o $@ $<

$(PLUGIN): $(COMMON_CXX:%.cc=$(B)/%.o)
	$(CXX) $(LDFLAGS) -shared -Wl,-Bsymbolic -o $@ $^ $(XAPIAN_LIBS)

$(LIB): $(COMMON_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The input readers (every indexer/ file but main.c) are a library of their
# own: kq-index and the unit tests link them.
READERS := $(B)/libkqreaders.a
$(READERS): $(filter-out $(B)/indexer/main.o,$(INDEXER_OBJ))
	@rm -f $@
	ar rcs $@ $^

$(BINDIR)/kq-index: $(B)/indexer/main.o $(READERS) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# kq is linked as a fixed-address executable: as a PIE, the loader had to
# relocate ~11,000 pointers in the Snowball tables (copy-on-write faults on
# their pages), about 0.8 ms of every one-shot `kq QUERY` here.
NOPIE := -no-pie
$(BINDIR)/kq: $(QUERY_OBJ) $(LIB)
	$(CC) $(LDFLAGS) $(NOPIE) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(READERS) $(LIB) $(wildcard tests/unit/*.h tests/lib/*.h indexer/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $(COMMON_INC) -o $@ $< $(READERS) $(LIB) -lcmocka $(LDLIBS)

# The fault-injection shim of tests/cli/faults.bats (LD_PRELOAD; never
# built with the sanitizers: it goes in front of them).
FAILIO := $(B)/tests/failio.so
$(FAILIO): tests/fault/failio.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=c11 -Wall -Wextra -shared -fPIC -o $@ $< -ldl

# A dump of a Xapian database through Xapian's own API, for the tests that
# compare databases (tests/cli/shards.bats).
XDUMP := $(B)/tests/xdump
$(XDUMP): tests/tools/xdump.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -o $@ $< $(XAPIAN_LIBS)

unit-build: $(UNIT_BIN) $(FAILIO) $(XDUMP)

deps:
	@sh scripts/install-deps.sh

# The demo: the bundled corpus, indexed from scratch, and the brief's query.
demo: deps
	@$(MAKE) --no-print-directory all
	rm -rf build/demo-index
	./kq-index -d build/demo-index corpus/
	./kq -d build/demo-index "ceasefire AND peacekeepers"

# Every test, twice: a normal build and an ASan + UBSan build; then the
# Python package's tests (tests/python), twice too: python/kq built in
# place, and the ASan + UBSan build of python-build-san; and the fuzz targets (below): their saved inputs replayed and a short
# run each (KQ_FUZZ and KQ_PYTHON tell tests/run.sh where they are).  The runner prints one
# closing line "N passed, N failed" over everything.  It installs nothing:
# `make deps check` on a fresh machine (.ci/run installs first, too).
NPROC := $(shell nproc 2>/dev/null || echo 2)
check:
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory -j$(NPROC) all unit-build
	@$(MAKE) --no-print-directory -j$(NPROC) B=build-san SAN=1 all unit-build
	@$(MAKE) --no-print-directory -j$(NPROC) fuzz-build
	@$(MAKE) --no-print-directory -j$(NPROC) python-build python-build-san
	@KQ_FUZZ=$(FUZZ_B) KQ_FUZZ_SECONDS=$(FUZZ_CHECK_SECONDS) \
	    KQ_PYTHON=$(PYTHON_TEST) KQ_PYLIB_SAN=build-san/python-lib \
	    sh tests/run.sh build . build-san build-san
test: check

# Faster feedback (no package manager, no ASan, no fuzzing), each ending
# with the same "N passed, N failed" line (tests/run.sh runs the bats
# files as many at a time as there are CPUs, with GNU parallel; KQ_JOBS=1
# runs them one at a time):
#   make check-fast                     unit and CLI tests of the normal build
#   make unit [T=t_analyze] [CASE=test_table]   unit tests (one binary, one
#                                       case: a glob over case names)
#   make cli [BATS=tests/cli/scripts.bats]      CLI tests (some files)
check-fast:
	@$(MAKE) --no-print-directory -j$(NPROC) all unit-build
	@sh tests/run.sh build .
unit:
	@$(MAKE) --no-print-directory -j$(NPROC) all unit-build
	@KQ_RUN=unit KQ_UNIT=$(T) KQ_TEST_CASE=$(CASE) sh tests/run.sh build .
cli:
	@$(MAKE) --no-print-directory -j$(NPROC) all unit-build
	@KQ_RUN=cli KQ_BATS="$(BATS)" sh tests/run.sh build .

# One layout, .clang-format's (clang-format 14, Debian's clang-format),
# over the sources of common/ (and its subfolders), indexer/ and query/.
# tests/ keeps its own (tests/.clang-format turns the tool off there).
# Tables and help texts that the tool cannot lay out stand between
# /* clang-format off */ and /* clang-format on */.
# The first check: the programs include only the public kq.h.
# clang-format 14 cannot add braces, so clang-tidy checks that every if,
# for, while and else body has them (readability-braces-around-statements;
# `clang-tidy --fix` with the same arguments adds them).
CLANG_FORMAT ?= clang-format
CLANG_TIDY   ?= clang-tidy
FORMAT_SRC := $(sort $(wildcard common/*.[ch] common/*.cc common/*/*.[ch] \
                common/*/*.cc indexer/*.[ch] query/*.[ch]))
BRACE_CHECK := --quiet --checks='-*,readability-braces-around-statements' \
               --warnings-as-errors='*' --header-filter='/(common|indexer|query)/' \
               $(filter %.c,$(FORMAT_SRC)) -- -std=c11 -D_GNU_SOURCE $(COMMON_INC) \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
format-check:
	@! grep -n -e '"[^"]*kq_int\.h"' -e '"[^"]*kq_format\.h"' -e '"[^"]*xapian_capi\.h"' indexer/*.[ch] query/*.[ch] || { echo "make format-check: the programs (indexer/, query/) include kq.h alone, not the library's internal headers (above)" >&2; exit 1; }
	@command -v $(CLANG_TIDY) >/dev/null 2>&1 || { echo "make format-check: $(CLANG_TIDY) not found; install the Debian package clang-tidy (make deps)" >&2; exit 2; }
	@command -v $(CLANG_FORMAT) >/dev/null 2>&1 || { echo "make format-check: $(CLANG_FORMAT) not found; install the Debian package clang-format (make deps)" >&2; exit 2; }
	@$(CLANG_FORMAT) --version | grep -q 'version 14\.' || echo "make format-check: .clang-format was written for clang-format 14; $$($(CLANG_FORMAT) --version) may lay out some lines differently" >&2
	@$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_SRC) || { echo "make format-check: the files above are not laid out as .clang-format says; 'make format' lays them out" >&2; exit 1; }
	@out=$$($(CLANG_TIDY) $(BRACE_CHECK) 2>&1) || { printf '%s\n' "$$out" | grep -v 'warnings* generated' >&2; echo "make format-check: bodies without braces (above); clang-tidy --fix adds them" >&2; exit 1; }
format:
	@command -v $(CLANG_FORMAT) >/dev/null 2>&1 || { echo "make format: $(CLANG_FORMAT) not found; install the Debian package clang-format (make deps)" >&2; exit 2; }
	$(CLANG_FORMAT) -i $(FORMAT_SRC)

# Side by side with the peers of ../shared/bench (not part of `make check`):
#   make bench [CORPORA="../shared/corpora/reuters21578 ..."] [BENCH_ARGS=...]
SHARED_BENCH ?= ../shared/bench
CORPORA      ?= ../shared/corpora/reuters21578
BENCH_PEERS  ?= kq,kq-j2,xapian,fts5
# Then tests/bench/extra_queries.sh: single-term and 5-term OR latencies and
# exact counts, against the indexes run_all.sh just built.
bench: bench-peer
	for c in $(CORPORA); do $(SHARED_BENCH)/run_all.sh $$c --peer-file $(CURDIR)/build/kq.ini --peers $(BENCH_PEERS) $(BENCH_ARGS) || exit 1; \
	    SHARED_BENCH=$(SHARED_BENCH) tests/bench/extra_queries.sh $$c $(EXTRA_ARGS) || exit 1; done

# kq as a peer of the bench (build/kq_query + build/kq.ini), for bench and eval.
bench-peer: all
	@test -f $(SHARED_BENCH)/run_all.sh || { echo "make bench/eval: $(SHARED_BENCH) is missing (it lives beside the checkout in the development setup)"; exit 2; }
	$(MAKE) -C $(SHARED_BENCH) all
	$(CC) $(CFLAGS) $(NOPIE) $(COMMON_INC) -I$(SHARED_BENCH)/common -o build/kq_query tests/bench/kq_query.c $(LIB) $(LDLIBS)
	sed 's|@ROOT@|$(CURDIR)|g' tests/bench/kq.ini.in > build/kq.ini

# Effectiveness beside the peers, on every collection of ../shared/corpora
# that has queries and relevance judgments (not part of `make check`; its
# small regression test is tests/cli/quality.bats):
#   make eval [EVAL_CORPORA="../shared/corpora/cacm ..."] [EVAL_PEERS=kq,xapian,fts5]
EVAL_CORPORA ?= $(patsubst %/qrels.txt,%,$(wildcard ../shared/corpora/*/qrels.txt))
EVAL_PEERS   ?= kq,xapian,fts5
eval: bench-peer
	@test -n "$(EVAL_CORPORA)" || { echo "make eval: no collection with qrels.txt under ../shared/corpora"; exit 2; }
	for c in $(EVAL_CORPORA); do $(SHARED_BENCH)/eval/run_eval.sh $$c --peer-file $(CURDIR)/build/kq.ini --peers $(EVAL_PEERS) || exit 1; done
	python3 tests/bench/eval_table.py $(notdir $(EVAL_CORPORA))

# The long native-vs-Xapian run over ../shared corpora (not in `make check`):
#   make differential [DIFF_ARGS="-n 1000 -s SEED dir ..."]
differential: all
	tests/differential.sh $(DIFF_ARGS)

# ---------------------------------------------------------------------------
# Fuzzing (tests/fuzz/, libFuzzer; clang only).
#
#   make fuzz-build   the targets in $(FUZZ_B)/fuzz/, and the fuzz_index
#                     seeds packed from fresh indexes ($(FUZZ_B)/seeds/)
#   make fuzz         replay every seed and saved input, then fuzz each
#                     target FUZZ_SECONDS seconds (corpus kept in
#                     $(FUZZ_B)/corpus/); ends with execs per target
#   make check        also replays them and fuzzes each FUZZ_CHECK_SECONDS
#                     (0: replay only), counted in "N passed, N failed"
#
# The library, corpus.c and jsonflat.c are compiled again by clang with
# coverage instrumentation and ASan + UBSan into $(FUZZ_B)/ (never mixed
# with gcc's objects); $(FUZZ_B)/kq-index, linked from the same objects
# without libFuzzer, builds the indexes the fuzz_index seeds come from.
FUZZ_CC      ?= clang
FUZZ_B       ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 5
FUZZ_TARGETS := fuzz_analyze fuzz_query fuzz_jsonl fuzz_text fuzz_readers fuzz_index fuzz_output
# UBSan checks stay recoverable: the targets run them with halt_on_error=1
# but can skip the known bugs listed in tests/fuzz/ubsan.supp.
FUZZ_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g -std=c11 -D_GNU_SOURCE \
                -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -Wall -Wextra \
                -Wshadow -Wstrict-prototypes -Wno-unused-parameter \
                $(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(FUZZ_SAN)
FUZZ_LIBOBJ  := $(COMMON_SRC:%.c=$(FUZZ_B)/%.o)
FUZZ_IDXOBJ  := $(patsubst %.c,$(FUZZ_B)/%.o,$(filter-out indexer/main.c,$(INDEXER_SRC)))
# kq's format writers (fuzz_output); they need only the library.
FUZZ_QOBJ    := $(FUZZ_B)/query/output.o
FUZZ_BIN     := $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz/%)
FUZZ_SEEDS   := $(FUZZ_B)/seeds/fuzz_index/.stamp
ifeq ($(B),$(FUZZ_B))
$(error B=$(B) is the fuzz build directory (FUZZ_B); pick another)
endif

.PHONY: fuzz fuzz-build
$(FUZZ_B)/common/%.o: common/%.c $(COMMON_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(COMMON_INC) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_B)/indexer/%.o: indexer/%.c $(COMMON_H) $(wildcard indexer/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(COMMON_INC) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_B)/query/%.o: query/%.c $(COMMON_H) $(wildcard query/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(COMMON_INC) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_B)/fuzz/%.o: tests/fuzz/%.c tests/fuzz/fuzz_util.h tests/lib/utf8valid.h $(COMMON_H) $(wildcard indexer/*.h query/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(COMMON_INC) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_B)/libkq.a: $(FUZZ_LIBOBJ)
	@rm -f $@
	ar rcs $@ $^
$(FUZZ_BIN): $(FUZZ_B)/fuzz/%: $(FUZZ_B)/fuzz/%.o $(FUZZ_IDXOBJ) $(FUZZ_QOBJ) $(FUZZ_B)/libkq.a
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LDLIBS)
$(FUZZ_B)/kq-index: $(FUZZ_B)/indexer/main.o $(FUZZ_IDXOBJ) $(FUZZ_B)/libkq.a
	$(FUZZ_CC) $(FUZZ_SAN) -o $@ $^ $(LDLIBS)
$(FUZZ_B)/fuzz/ubsan.supp: tests/fuzz/ubsan.supp
	@mkdir -p $(dir $@)
	cp $< $@
$(FUZZ_SEEDS): $(FUZZ_B)/kq-index tests/fuzz/make-index-seed.sh tests/fuzz/ubsan.supp $(wildcard corpus/*.txt)
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:suppressions=$(CURDIR)/tests/fuzz/ubsan.supp \
	    sh tests/fuzz/make-index-seed.sh $(FUZZ_B)/kq-index $(dir $@)
	@touch $@

fuzz-build: $(FUZZ_BIN) $(FUZZ_B)/fuzz/ubsan.supp $(FUZZ_SEEDS)

fuzz: fuzz-build
	sh tests/fuzz/run-fuzz.sh -k -s -t $(FUZZ_SECONDS) $(FUZZ_B)

clean:
	rm -rf build build-san $(FUZZ_B) kq kq-index

# ---------------------------------------------------------------------------
# Installing (not part of `make all`: `make install` builds what it needs).
#
#   make install   [PREFIX=/usr/local] [DESTDIR=...]
#   make uninstall [PREFIX=/usr/local] [DESTDIR=...]
#   make lib       $(B)/libkq.so (and $(B)/libkq.a, $(B)/kq.pc)
#
# Installs kq and kq-index to PREFIX/bin, the Xapian plugin to
# PREFIX/lib/kq/kq-xapian.so (where the programs look for it: ../lib/kq/
# relative to themselves, see common/xapian/xapian_load.c), the man pages, kq.h,
# libkq.a, libkq.so (soname libkq.so.0) and the pkg-config file kq.pc.
# libkq.so is linked from the common objects compiled again with -fPIC
# (into $(B)/pic/); libstemmer, utf8proc, libdeflate and libzstd go into it
# statically (Debian's .a are position-independent), their symbols hidden
# (--exclude-libs), and it exports the kq_* functions of kq.h only.
PREFIX      ?= /usr/local
bindir      ?= $(PREFIX)/bin
libdir      ?= $(PREFIX)/lib
includedir  ?= $(PREFIX)/include
mandir      ?= $(PREFIX)/share/man
pkgconfigdir ?= $(libdir)/pkgconfig
# Fixed relative to bindir: the programs find the plugin in ../lib/kq/.
plugindir   := $(patsubst %/,%,$(dir $(bindir)))/lib/kq
INSTALL     ?= install
KQ_VERSION  := $(firstword $(shell sed -n 's/^\#define KQ_VERSION "\(.*\)"/\1/p' common/kq.h) 0)
SOMAJOR     := 0
SONAME      := libkq.so.$(SOMAJOR)
SOREAL      := libkq.so.$(KQ_VERSION)
PIC_OBJ     := $(COMMON_SRC:%.c=$(B)/pic/%.o)
SHLIB       := $(B)/libkq.so
PCFILE      := $(B)/kq.pc
MANPAGES    := man/kq.1 man/kq-index.1
# The libraries libkq itself needs (for kq.pc's Libs.private; utf8proc,
# libdeflate and libzstd come through Requires.private).
LIBKQ_PRIVATE := -lstemmer -lm -pthread -ldl

.PHONY: install uninstall lib
lib: $(SHLIB) $(LIB) $(PCFILE)

$(B)/pic/%.o: %.c $(COMMON_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(COMMON_INC) -fPIC -c -o $@ $<

$(B)/libkq.map:
	@mkdir -p $(dir $@)
	printf 'KQ_$(SOMAJOR) {\n  global: kq_*;\n  local: *;\n};\n' >$@

$(SHLIB): $(PIC_OBJ) $(B)/libkq.map
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) -Wl,--version-script=$(B)/libkq.map \
	    -o $@ $(PIC_OBJ) -Wl,--exclude-libs,ALL \
	    -Wl,-Bstatic -lstemmer -lutf8proc -ldeflate -lzstd -Wl,-Bdynamic -lm -pthread -ldl

# The Python package (python/: `import kq`): the extension kq._kq links libkq's position-independent objects, through
# $(B)/libkq_pic.a so that only what it needs comes in, and carries the
# Xapian plugin as package data (kq/kq/kq-xapian.so: xapian_load.c looks
# in kq/ beside the library it is in).
#   make python-install   [PYTHON=python3]  builds it for PYTHON and installs
#                         it into its venv, else its user site (offline,
#                         python/install.py; `pip uninstall kq` removes it)
#   make python-build     builds it in place (python/kq/) for the tests,
#                         with PYTHON_TEST, a Python that has pytest
PYTHON      ?= python3
PYTHON_TEST ?= $(shell for p in $(PYTHON) /usr/bin/python3; do \
                   $$p -c 'import pytest' 2>/dev/null && echo $$p && break; done)
PIC_LIB     := $(B)/libkq_pic.a
.PHONY: python-build python-install python-build-san
$(PIC_LIB): $(PIC_OBJ)
	ar rcs $@ $^
python/kq/kq/kq-xapian.so: $(PLUGIN)
	@mkdir -p $(dir $@)
	cp $(PLUGIN) $@
python-build: $(PIC_LIB) python/kq/kq/kq-xapian.so
	cd python && KQ_BUILD=$(abspath $(B)) $(PYTHON_TEST) setup.py -q build_ext \
	    --inplace --build-temp $(abspath $(B))/python-tmp
# The package under ASan + UBSan (make check; tests/run.sh's KQ_PYLIB):
# the extension over build-san's library, with build-san's plugin, in
# build-san/python-lib.
python-build-san:
	@$(MAKE) --no-print-directory B=build-san SAN=1 build-san/libkq_pic.a build-san/kq-xapian.so
	cd python && KQ_SANITIZE=1 KQ_BUILD=$(abspath build-san) $(PYTHON_TEST) setup.py -q \
	    build_ext --build-lib $(abspath build-san)/python-lib --build-temp $(abspath build-san)/python-tmp
	mkdir -p build-san/python-lib/kq/kq
	cp python/kq/__init__.py build-san/python-lib/kq/
	cp build-san/kq-xapian.so build-san/python-lib/kq/kq/
python-install: $(PIC_LIB) python/kq/kq/kq-xapian.so
	cd python && KQ_BUILD=$(abspath $(B)) $(PYTHON) setup.py -q build_ext --force \
	    --build-lib $(abspath $(B))/python-lib --build-temp $(abspath $(B))/python-tmp
	$(PYTHON) python/install.py --from $(abspath $(B))/python-lib

# ${prefix}-relative paths where possible, so that
# `pkg-config --define-prefix` can relocate an installed tree.
pc_rel = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))
$(PCFILE): kq.pc.in $(wildcard query/*.[ch])
	@mkdir -p $(dir $@)
	sed -e 's|@prefix@|$(PREFIX)|g' \
	    -e 's|@libdir@|$(call pc_rel,$(libdir))|g' \
	    -e 's|@includedir@|$(call pc_rel,$(includedir))|g' \
	    -e 's|@version@|$(KQ_VERSION)|g' \
	    -e 's|@libs_private@|$(LIBKQ_PRIVATE)|g' kq.pc.in >$@.tmp
	mv $@.tmp $@

# kq.pc depends on PREFIX: always regenerated by install.
install: all lib
	@sed -n '/^#include/p' common/kq.h | grep -v -e '<stddef.h>' -e '<stdint.h>' \
	    && { echo "install: common/kq.h includes more than <stddef.h> and <stdint.h>" >&2; exit 1; } || true
	rm -f $(PCFILE) && $(MAKE) --no-print-directory $(PCFILE)
	$(INSTALL) -d $(DESTDIR)$(bindir) $(DESTDIR)$(plugindir) $(DESTDIR)$(libdir) \
	    $(DESTDIR)$(includedir) $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(pkgconfigdir)
	$(INSTALL) -m 755 $(BINDIR)/kq $(BINDIR)/kq-index $(DESTDIR)$(bindir)/
	$(INSTALL) -m 755 $(PLUGIN) $(DESTDIR)$(plugindir)/kq-xapian.so
	$(INSTALL) -m 644 $(MANPAGES) $(DESTDIR)$(mandir)/man1/
	$(INSTALL) -m 644 common/kq.h $(DESTDIR)$(includedir)/kq.h
	$(INSTALL) -m 644 $(LIB) $(DESTDIR)$(libdir)/libkq.a
	$(INSTALL) -m 755 $(SHLIB) $(DESTDIR)$(libdir)/$(SOREAL)
	ln -sf $(SOREAL) $(DESTDIR)$(libdir)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(libdir)/libkq.so
	$(INSTALL) -m 644 $(PCFILE) $(DESTDIR)$(pkgconfigdir)/kq.pc

uninstall:
	rm -f $(DESTDIR)$(bindir)/kq $(DESTDIR)$(bindir)/kq-index \
	    $(DESTDIR)$(plugindir)/kq-xapian.so \
	    $(MANPAGES:man/%=$(DESTDIR)$(mandir)/man1/%) \
	    $(DESTDIR)$(includedir)/kq.h \
	    $(DESTDIR)$(libdir)/libkq.a $(DESTDIR)$(libdir)/libkq.so \
	    $(DESTDIR)$(libdir)/$(SONAME) $(DESTDIR)$(libdir)/$(SOREAL) \
	    $(DESTDIR)$(pkgconfigdir)/kq.pc
	rmdir $(DESTDIR)$(plugindir) 2>/dev/null || true
