# tasnif -- one Makefile for the whole tree. `make help` lists the targets.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wwrite-strings $(if $(WERROR),-Werror)
PKGS    := icu-uc icu-i18n libcjson
PREFIX  ?= /usr/local
BUILD   ?= build
ALL_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -fPIC -iquote include \
              $(shell pkg-config --cflags $(PKGS)) \
              -pthread -DTSN_MODEL_DIR='"$(PREFIX)/share/tasnif/models"' $(CFLAGS) -MMD -MP
LDLIBS   = $(shell pkg-config --libs $(PKGS)) -llinear -lstemmer -lm -pthread
RUN     ?=

LIB_SRC := src/error.c src/config.c src/normalize.c src/tokenize.c src/stem.c \
           src/stopwords.c src/features.c src/pipeline.c src/dataset.c src/model.c \
           src/corpus.c src/fit.c src/ovr.c src/score.c src/modelfile.c src/modelsave.c \
           src/metrics.c src/sentence.c src/fileio.c src/cv.c src/bigmem.c src/actors.c src/results.c src/mleval.c
LIB_SRC += src/api.c
LIB_SRC += src/report.c
LIB_SRC += src/reader.c src/records.c src/utf8.c src/dirlist.c
LIB_SRC += src/dict.c src/vocab.c src/lexicon.c
SO_VERSION := 0.1.0
SO_NAME    := libtasnif.so.0
SO_FILE    := libtasnif.so.$(SO_VERSION)
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/stopwords_data.o
# The command line: main.c dispatches to one file per command under src/cli/.
CLI_SRC := $(wildcard src/cli/*.c)
CLI_OBJ := $(CLI_SRC:src/cli/%.c=$(BUILD)/cli/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Fuzz harnesses (tests/fuzz/fuzz_NAME.c): libFuzzer binaries for `make fuzz`, and replay
# binaries that `make check` runs over the seeds and every input a fuzzer once crashed on.
FUZZ_NAMES := pipeline reader model sentence
REPLAY_BIN := $(FUZZ_NAMES:%=$(BUILD)/tests/replay_%)
DEPS    := $(LIB_OBJ:.o=.d) $(BUILD)/main.d $(CLI_OBJ:.o=.d) $(BUILD)/stages.d $(UNIT_BIN:=.d) $(REPLAY_BIN:=.d)

.PHONY: failalloc coverage all check test asan tsan valgrind fuzz bench bench-accuracy bench-speed bench-serve bench-deps install uninstall installcheck clean format lint help models deps demo

all: $(BUILD)/tasnif $(BUILD)/$(SO_FILE)

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The command line's files include the library's internal headers through src/cli/cli.h.
$(BUILD)/main.o: src/main.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -iquote src -c -o $@ $<

$(BUILD)/cli/%.o: src/cli/%.c | $(BUILD)/cli
	$(CC) $(ALL_CFLAGS) -iquote src -c -o $@ $<

# The default stop-word list is compiled in from data/stopwords-ar.txt (NUL-terminated).
$(BUILD)/stopwords_data.c: data/stopwords-ar.txt | $(BUILD)
	{ echo '/* generated from $< -- do not edit */'; \
	  echo 'const unsigned char tsn_stopwords_data[] = {'; \
	  od -An -v -tx1 $< | sed -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00};'; } > $@

$(BUILD)/stopwords_data.o: $(BUILD)/stopwords_data.c
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/libtasnif.a: $(LIB_OBJ)
	$(AR) rcs $@ $^

# The shared library exports the public API (include/tasnif.h) and nothing else
# (src/libtasnif.map): the internal tsn_ modules and the rand() that the command line gives
# liblinear stay inside (see the model's fitting code for what that means for training).
SO_LIBS     = $(shell pkg-config --libs $(PKGS)) -llinear -lstemmer -lm -pthread
$(BUILD)/$(SO_FILE): $(LIB_OBJ) src/libtasnif.map
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,$(SO_NAME) -Wl,--version-script=src/libtasnif.map \
	    -Wl,--no-undefined -o $@ $(LIB_OBJ) $(LDFLAGS) $(SO_LIBS)
	ln -sf $(SO_FILE) $(BUILD)/$(SO_NAME)
	ln -sf $(SO_NAME) $(BUILD)/libtasnif.so

# `tasnif serve`'s page (src/cli/serve_page.html) is compiled in, NUL-terminated, as the
# stop-word list is; the command links libmicrohttpd, which the library does not need.
$(BUILD)/cli/serve_page.c: src/cli/serve_page.html | $(BUILD)/cli
	{ echo '/* generated from $< -- do not edit */'; \
	  echo 'const unsigned char tsn_serve_page[] = {'; \
	  od -An -v -tx1 $< | sed -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '0x00};'; } > $@

$(BUILD)/cli/serve_page.o: $(BUILD)/cli/serve_page.c
	$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/tasnif: $(BUILD)/main.o $(CLI_OBJ) $(BUILD)/cli/serve_page.o $(BUILD)/libtasnif.a \
                 $(TASNIF_EXTRA)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS) $(shell pkg-config --libs libmicrohttpd)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtasnif.a | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -iquote src -iquote tests/unit -o $@ $< $(BUILD)/libtasnif.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libtasnif.a | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -iquote src -o $@ $< tests/fuzz/replay.c $(BUILD)/libtasnif.a \
	    $(LDFLAGS) $(LDLIBS)

# Stage-by-stage featurization throughput (bench/stages.c), run by bench-speed.
$(BUILD)/stages: bench/stages.c $(BUILD)/libtasnif.a
	$(CC) $(ALL_CFLAGS) -iquote src -o $@ $< $(BUILD)/libtasnif.a $(LDFLAGS) $(LDLIBS)

$(BUILD) $(BUILD)/tests $(BUILD)/cli:
	mkdir -p $@

# Unit, golden and CLI tests; the runner prints "N passed, N failed".
check: $(BUILD)/tasnif $(BUILD)/$(SO_FILE) $(UNIT_BIN) $(REPLAY_BIN)
	@BUILD=$(BUILD) RUN='$(RUN)' sh tests/run.sh
	@$(if $(findstring sanitize,$(CFLAGS))$(RUN),echo "skip python binding tests (sanitizer or valgrind build)",sh tests/python.sh $(BUILD))

test: check

asan:
	$(MAKE) BUILD=build-asan CFLAGS='-O1 -g -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=undefined,float-cast-overflow' check

# ThreadSanitizer: the suite again, for the threads of featurization and classification
# (a data race makes the run exit 66, which fails the test that saw it).
tsan:
	$(MAKE) BUILD=build-tsan CFLAGS='-O1 -g -fsanitize=thread' LDFLAGS=-fsanitize=thread check

valgrind: $(BUILD)/tasnif $(UNIT_BIN) $(REPLAY_BIN)
	@BUILD=$(BUILD) RUN='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect' sh tests/run.sh

# libFuzzer (clang): every harness for FUZZ_SECONDS each, from its seeds (tests/fuzz/seeds,
# plus small models trained here) into a working corpus under build-fuzz/. Findings are
# written as build-fuzz/crash-*; see tests/fuzz/README.md.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
fuzz: $(BUILD)/tasnif
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) \
	    CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)' \
	    build-fuzz/libtasnif.a
	for n in $(FUZZ_NAMES); do \
	    $(FUZZ_CC) $(ALL_CFLAGS) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) -iquote src \
	        -o build-fuzz/fuzz_$$n tests/fuzz/fuzz_$$n.c build-fuzz/libtasnif.a \
	        $(LDFLAGS) $(LDLIBS) || exit 1; done
	sh tests/fuzz/seed-models.sh $(BUILD)/tasnif build-fuzz/seeds/model
	for n in $(FUZZ_NAMES); do \
	    mkdir -p build-fuzz/corpus/$$n && \
	    (cd build-fuzz && ./fuzz_$$n -max_total_time=$(FUZZ_SECONDS) \
	        -print_final_stats=1 $(FUZZ_ARGS) corpus/$$n \
	        $$(ls -d ../tests/fuzz/seeds/$$n seeds/$$n 2>/dev/null)) || exit 1; done

# Coverage of src/ by the suite (gcov): a --coverage build, the suite, lines and branches
# taken per file and in total (tests/coverage.sh); then the allocation-failure sweep on the
# same objects (tasnif relinked with tests/failalloc/failalloc.c, the counts accumulate) and
# the totals again, suite and sweep together.
coverage:
	rm -f build-cov/*.gcda build-cov/cli/*.gcda build-cov/tasnif
	$(MAKE) BUILD=build-cov CFLAGS='-O0 -g --coverage' LDFLAGS=--coverage check
	@echo "== coverage by make check"
	sh tests/coverage.sh build-cov
	$(CC) -O1 -g -c -o build-cov/failalloc.o tests/failalloc/failalloc.c
	rm -f build-cov/tasnif
	$(MAKE) BUILD=build-cov CFLAGS='-O0 -g --coverage' LDFLAGS='--coverage $(FAILALLOC_WRAP)' \
	    TASNIF_EXTRA=build-cov/failalloc.o build-cov/tasnif
	sh tests/failalloc/sweep.sh build-cov/tasnif
	rm -f build-cov/tasnif
	@echo "== coverage by make check and the allocation-failure sweep"
	sh tests/coverage.sh build-cov

# Allocation-failure injection (tests/failalloc/): a tasnif built with ASan + UBSan whose own
# allocations go through tests/failalloc/failalloc.c, then the sweep: every allocation of
# train, classify, eval, label and model loading, failed one at a time, must end in a clean
# error or the same output (FAILALLOC_STEP=K for every Kth only).
FAILALLOC_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=strndup
failalloc:
	$(MAKE) BUILD=build-failalloc \
	    CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' \
	    LDFLAGS='$(FAILALLOC_WRAP)' TASNIF_EXTRA=build-failalloc/failalloc.o build-failalloc/tasnif
	sh tests/failalloc/sweep.sh build-failalloc/tasnif

build-failalloc/failalloc.o: tests/failalloc/failalloc.c
	mkdir -p build-failalloc
	$(CC) -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -c -o $@ $<

bench: bench-accuracy bench-speed

# tasnif (default and tuned) against fastText and scikit-learn on ../shared/datasets, with
# ablations (bench/accuracy.md).
bench-accuracy: $(BUILD)/tasnif
	sh bench/accuracy.sh $(BUILD)/tasnif

# tasnif against fastText on ant_multisource: speed and memory, warm caches, alternating runs,
# medians (bench/speed.md). RUNS=N runs after a warm-up (3); THREADS, TRAIN, TEST, OUT: see
# bench/speed.py.
bench-speed: $(BUILD)/tasnif $(BUILD)/stages
	/usr/bin/python3 bench/speed.py $(BUILD)/tasnif

# tasnif serve under load with wrk: requests/s, latency, and the CLI's documents/s (bench/serve.md).
bench-serve: $(BUILD)/tasnif
	sh bench/serve.sh $(BUILD)/tasnif

# What the benchmarks need beyond the build: the peers and GNU time.
bench-deps:
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends fasttext python3-sklearn time wrk

# Debian packages needed to build and test (sudo when not root).
DEB_PKGS := build-essential pkg-config liblinear-dev libicu-dev libstemmer-dev libcjson-dev \
            clang libclang-rt-14-dev valgrind python3 python3-pytest python3-setuptools \
            python3-pip man-db libmicrohttpd-dev curl chromium parallel
deps:
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $(DEB_PKGS)

# The main job: label a news article with the shipped stance and topic models.
demo: $(BUILD)/tasnif
	$(BUILD)/tasnif label -i tests/data/article.txt

models: $(BUILD)/tasnif
	sh training/models.sh $(BUILD)/tasnif

# make install [PREFIX=/usr/local] [DESTDIR=staging]: the command, the shared library (with
# its soname links) and the static archive, the header, tasnif.pc, the models and the man
# pages. `make uninstall` with the same PREFIX and DESTDIR removes exactly these.
LIBDIR  ?= $(PREFIX)/lib
MANDIR  ?= $(PREFIX)/share/man
$(BUILD)/tasnif.pc: tasnif.pc.in | $(BUILD)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@VERSION@|$(SO_VERSION)|' $< > $@

install: $(BUILD)/tasnif $(BUILD)/$(SO_FILE) $(BUILD)/libtasnif.a $(BUILD)/tasnif.pc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/tasnif/models \
	    $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man3
	install -m 755 $(BUILD)/tasnif $(DESTDIR)$(PREFIX)/bin/tasnif
	install -m 755 $(BUILD)/$(SO_FILE) $(DESTDIR)$(LIBDIR)/$(SO_FILE)
	ln -sf $(SO_FILE) $(DESTDIR)$(LIBDIR)/$(SO_NAME)
	ln -sf $(SO_NAME) $(DESTDIR)$(LIBDIR)/libtasnif.so
	install -m 644 $(BUILD)/libtasnif.a $(DESTDIR)$(LIBDIR)/libtasnif.a
	install -m 644 include/tasnif.h $(DESTDIR)$(PREFIX)/include/tasnif.h
	install -m 644 $(BUILD)/tasnif.pc $(DESTDIR)$(LIBDIR)/pkgconfig/tasnif.pc
	for m in models/*.model; do [ -f "$$m" ] && install -m 644 "$$m" $(DESTDIR)$(PREFIX)/share/tasnif/models/ || true; done
	for p in man/*.1; do [ -f "$$p" ] && install -m 644 "$$p" $(DESTDIR)$(MANDIR)/man1/ || true; done
	for p in man/*.3; do [ -f "$$p" ] && install -m 644 "$$p" $(DESTDIR)$(MANDIR)/man3/ || true; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tasnif $(DESTDIR)$(LIBDIR)/$(SO_FILE) \
	    $(DESTDIR)$(LIBDIR)/$(SO_NAME) $(DESTDIR)$(LIBDIR)/libtasnif.so \
	    $(DESTDIR)$(LIBDIR)/libtasnif.a $(DESTDIR)$(PREFIX)/include/tasnif.h \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/tasnif.pc $(DESTDIR)$(MANDIR)/man1/tasnif.1 \
	    $(DESTDIR)$(MANDIR)/man3/libtasnif.3
	rm -rf $(DESTDIR)$(PREFIX)/share/tasnif

# The installed library as a user meets it: install into a staging directory, build the
# example with pkg-config alone, run it on a shipped model, and check the exported symbols.
installcheck: $(BUILD)/tasnif $(BUILD)/$(SO_FILE)
	sh tests/install.sh $(BUILD)

clean:
	rm -rf build build-asan build-tsan build-fuzz

format:
	clang-format -i src/*.c src/*.h src/cli/*.c src/cli/*.h include/*.h tests/unit/*.c tests/unit/*.h

lint:
	cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 \
	    --suppress=missingIncludeSystem -Isrc -Iinclude src

help:
	@echo "targets: deps all demo check test installcheck asan tsan valgrind fuzz bench bench-accuracy bench-speed bench-deps models install uninstall clean format lint"

-include $(DEPS)
