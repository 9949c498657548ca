#!/bin/sh
# tests/install.sh BUILD -- libtasnif as a user meets it: `make install` into a staging
# directory, the example program built with `pkg-config --cflags --libs tasnif` only and run
# against the installed library and models, the Python binding's tests against the installed
# files, the exported symbols (only tasnif_), and `make uninstall` leaving nothing behind.
set -eu
BUILD=${1:-build}
stage=$(mktemp -d /tmp/tasnif-stage.XXXXXX)
work=$(mktemp -d /tmp/tasnif-work.XXXXXX)
trap 'rm -rf "$stage" "$work"' EXIT
make -s BUILD="$BUILD" PREFIX=/usr DESTDIR="$stage" install >/dev/null
lib="$stage/usr/lib"
fail=0
say() { echo "$1 $2"; [ "$1" = ok ] || fail=1; }

# only the public API is exported (the version node TASNIF_0 besides)
extra=$(nm -D --defined-only "$lib/libtasnif.so" | awk '{print $3}' | grep -v '^tasnif_' | grep -v '^TASNIF_0$' || true)
[ -z "$extra" ] && say ok "libtasnif.so exports only tasnif_ names" || say FAIL "libtasnif.so exports: $extra"
soname=$(objdump -p "$lib/libtasnif.so" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = libtasnif.so.0 ] && say ok "soname libtasnif.so.0" || say FAIL "soname $soname"

# the example, compiled with pkg-config only
export PKG_CONFIG_PATH="$lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$stage"
if cc -Wall -Wextra -Werror examples/stance.c $(pkg-config --cflags --libs tasnif) -o "$work/stance" 2>"$work/cc.err"; then
    say ok "the example builds with pkg-config --cflags --libs tasnif"
else
    say FAIL "the example does not build: $(cat "$work/cc.err")"
fi
# run as its comment says, `./stance stance`, next to the program itself named stance
out=$(cd "$work" && echo 'نفت موسكو الاتهامات البريطانية بالوقوف وراء الهجوم' |
      LD_LIBRARY_PATH="$lib" TASNIF_MODELS="$stage/usr/share/tasnif/models" ./stance stance 2>&1 || true)
cli=$(echo 'نفت موسكو الاتهامات البريطانية بالوقوف وراء الهجوم' | "$BUILD/tasnif" classify -m models/stance.model -k 2 --explain 3)
echo "$out" | grep -qxF "$cli" && say ok "the example's answer is the command line's" || say FAIL "example: $out / cli: $cli"

# the Python binding against the installed library
if command -v python3 >/dev/null && python3 -c 'import pytest' 2>/dev/null; then
    pydir=python # pip-installed when pip is there (offline: the binding needs nothing else)
    if python3 -m pip --version >/dev/null 2>&1; then
        if python3 -m pip install -q --no-index --target "$work/py" ./python >"$work/pip.log" 2>&1; then
            say ok "pip install ./python works offline"
            pydir="$work/py"
        else
            say FAIL "pip install ./python: $(tail -3 "$work/pip.log")"
        fi
        rm -rf python/build python/*.egg-info
    fi
    if TASNIF_LIBRARY="$lib/libtasnif.so.0" TASNIF_MODELS="$stage/usr/share/tasnif/models" \
       TASNIF_CLI="$BUILD/tasnif" PYTHONPATH="$pydir" python3 -m pytest -q -p no:cacheprovider python/tests >"$work/py.log" 2>&1; then
        say ok "python binding tests pass against the installed library ($(tail -1 "$work/py.log"))"
    else
        say FAIL "python binding tests: $(tail -20 "$work/py.log")"
    fi
else
    echo "skip python binding tests: python3 or pytest is absent"
fi
man -l "$stage/usr/share/man/man1/tasnif.1" >/dev/null 2>&1 && say ok "man -l renders tasnif(1)" || say FAIL "man -l tasnif.1"
man -l "$stage/usr/share/man/man3/libtasnif.3" >/dev/null 2>&1 && say ok "man -l renders libtasnif(3)" || say FAIL "man -l libtasnif.3"

make -s BUILD="$BUILD" PREFIX=/usr DESTDIR="$stage" uninstall >/dev/null
left=$(find "$stage" -type f | head -5)
[ -z "$left" ] && say ok "make uninstall removes every installed file" || say FAIL "left after uninstall: $left"
exit $fail
