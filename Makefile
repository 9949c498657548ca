# tasnif -- one Makefile for the whole tree. `make help` lists the targets.
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wwrite-strings $(if $(WERROR),-Werror)
PKGS    := icu-uc icu-i18n libcjson
PREFIX  ?= /usr/local
BUILD   ?= build
ALL_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) \
              $(shell pkg-config --cflags $(PKGS)) \
              -pthread -DTSN_MODEL_DIR='"$(PREFIX)/share/tasnif/models"' $(CFLAGS) -MMD -MP
LDLIBS   = $(shell pkg-config --libs $(PKGS)) -llinear -lstemmer -lm -pthread
RUN     ?=

LIB_SRC := src/error.c src/config.c src/normalize.c src/tokenize.c src/stem.c \
           src/stopwords.c src/features.c src/pipeline.c src/dataset.c src/model.c \
           src/metrics.c src/sentence.c src/fileio.c src/cv.c src/bigmem.c src/actors.c src/results.c
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/stopwords_data.o
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Fuzz harnesses (tests/fuzz/fuzz_NAME.c): libFuzzer binaries for `make fuzz`, and replay
# binaries that `make check` runs over the seeds and every input a fuzzer once crashed on.
FUZZ_NAMES := pipeline reader model sentence
REPLAY_BIN := $(FUZZ_NAMES:%=$(BUILD)/tests/replay_%)
DEPS    := $(LIB_OBJ:.o=.d) $(BUILD)/main.d $(BUILD)/stages.d $(UNIT_BIN:=.d) $(REPLAY_BIN:=.d)

.PHONY: all check test asan tsan valgrind fuzz bench bench-accuracy bench-speed bench-deps install uninstall clean format lint help models deps demo

all: $(BUILD)/tasnif

$(BUILD)/%.o: src/%.c | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

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

$(BUILD)/tasnif: $(BUILD)/main.o $(BUILD)/libtasnif.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtasnif.a | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -iquote src -iquote tests/unit -o $@ $< $(BUILD)/libtasnif.a $(LDFLAGS) $(LDLIBS)

$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libtasnif.a | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -iquote src -o $@ $< tests/fuzz/replay.c $(BUILD)/libtasnif.a \
	    $(LDFLAGS) $(LDLIBS)

# Stage-by-stage featurization throughput (bench/stages.c), run by bench-speed.
$(BUILD)/stages: bench/stages.c $(BUILD)/libtasnif.a
	$(CC) $(ALL_CFLAGS) -iquote src -o $@ $< $(BUILD)/libtasnif.a $(LDFLAGS) $(LDLIBS)

$(BUILD) $(BUILD)/tests:
	mkdir -p $@

# Unit, golden and CLI tests; the runner prints "N passed, N failed".
check: $(BUILD)/tasnif $(UNIT_BIN) $(REPLAY_BIN)
	@BUILD=$(BUILD) RUN='$(RUN)' sh tests/run.sh

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

bench: bench-accuracy bench-speed

# tasnif (default and tuned) against fastText and scikit-learn on ../shared/datasets, with
# ablations (bench/accuracy.md).
bench-accuracy: $(BUILD)/tasnif
	sh bench/accuracy.sh $(BUILD)/tasnif

# tasnif against fastText on ant_multisource: speed and memory (bench/speed.md).
bench-speed: $(BUILD)/tasnif $(BUILD)/stages
	sh bench/speed.sh $(BUILD)/tasnif

# What the benchmarks need beyond the build: the peers and GNU time.
bench-deps:
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends fasttext python3-sklearn time

# Debian packages needed to build and test (sudo when not root).
DEB_PKGS := build-essential pkg-config liblinear-dev libicu-dev libstemmer-dev libcjson-dev \
            clang libclang-rt-14-dev valgrind
deps:
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq --no-install-recommends $(DEB_PKGS)

# The main job: label a news article with the shipped stance and topic models.
demo: $(BUILD)/tasnif
	$(BUILD)/tasnif label -i tests/data/article.txt

models: $(BUILD)/tasnif
	sh training/models.sh $(BUILD)/tasnif

install: $(BUILD)/tasnif
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/tasnif/models
	install -m 755 $(BUILD)/tasnif $(DESTDIR)$(PREFIX)/bin/tasnif
	for m in models/*.model; do [ -f "$$m" ] && install -m 644 "$$m" $(DESTDIR)$(PREFIX)/share/tasnif/models/ || true; done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tasnif
	rm -rf $(DESTDIR)$(PREFIX)/share/tasnif

clean:
	rm -rf build build-asan build-tsan build-fuzz

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/unit/*.h

lint:
	cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 \
	    --suppress=missingIncludeSystem -Isrc src

help:
	@echo "targets: deps all demo check test asan tsan valgrind fuzz bench bench-accuracy bench-speed bench-deps models install uninstall clean format lint"

-include $(DEPS)
