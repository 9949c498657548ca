#!/bin/sh
# tests/python.sh BUILD -- the Python binding's tests (python/tests, pytest) against the
# library just built, with the repository's models, compared with BUILD/tasnif. Skips with a
# message when python3 or pytest is absent.
BUILD=${1:-build}
if ! command -v python3 >/dev/null || ! python3 -c 'import pytest' 2>/dev/null; then
    echo "skip python binding tests: python3 or pytest (Debian: python3-pytest) is absent"
    exit 0
fi
echo "== python binding (pytest)"
TASNIF_LIBRARY="$(pwd)/$BUILD/libtasnif.so.0" TASNIF_MODELS="$(pwd)/models" \
TASNIF_CLI="$(pwd)/$BUILD/tasnif" PYTHONPATH="$(pwd)/python" python3 -m pytest -q -p no:cacheprovider python/tests
