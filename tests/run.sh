#!/bin/sh
# tests/run.sh -- runs the unit binaries and the CLI scripts; ends with "N passed, N failed".
# Environment: BUILD (build directory), RUN (a prefix such as valgrind for every binary).
BUILD=${BUILD:-build}
export BUILD RUN
export TASNIF="${RUN:+$RUN }$(pwd)/$BUILD/tasnif"
export LC_ALL=C
passed=0
failed=0
for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    echo "== $(basename "$t")"
    out=$($RUN "$t" 2>&1)
    rc=$?
    echo "$out" | grep -v '^#result'
    res=$(echo "$out" | sed -n 's/^#result //p')
    if [ -z "$res" ]; then
        echo "FAIL $(basename "$t") crashed or exited early (status $rc)"
        failed=$((failed + 1))
        continue
    fi
    set -- $res
    passed=$((passed + $1))
    failed=$((failed + $2))
    if [ "$rc" -ne 0 ] && [ "$2" -eq 0 ]; then
        echo "FAIL $(basename "$t") exited with status $rc"
        failed=$((failed + 1))
    fi
done
for s in tests/cli/*.sh; do
    case "$(basename "$s")" in *lib.sh) continue ;; esac # helpers, sourced by the tests
    echo "== $(basename "$s")"
    out=$(sh "$s" 2>&1)
    echo "$out" | grep -v '^#result'
    res=$(echo "$out" | sed -n 's/^#result //p')
    if [ -z "$res" ]; then
        echo "FAIL $(basename "$s") did not finish"
        failed=$((failed + 1))
        continue
    fi
    set -- $res
    passed=$((passed + $1))
    failed=$((failed + $2))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
