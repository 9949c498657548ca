# tests/cli/lib.sh -- helpers for CLI tests. Source it; call `finish` at the end.
# $TASNIF is the binary (with a RUN prefix such as valgrind); tests run from the top directory.
: "${TASNIF:=$(pwd)/build/tasnif}"
T=$(mktemp -d /tmp/tsn_cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

# run CMD...: runs tasnif with the arguments; sets $rc, $out (stdout), $err (stderr).
run() {
    $TASNIF "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}

# run_in INPUTFILE CMD...: same, with standard input from a file.
run_in() {
    in=$1
    shift
    $TASNIF "$@" >"$T/out" 2>"$T/err" <"$in"
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}

ok() {
    pass=$((pass + 1))
    echo "ok   $1"
}

bad() {
    fail=$((fail + 1))
    echo "FAIL $1"
    echo "     exit $rc; stdout: $(echo "$out" | head -c 300)"
    echo "     stderr: $(echo "$err" | head -c 300)"
}

# check NAME CONDITION...: passes when the shell condition holds.
check() {
    name=$1
    shift
    if eval "$@"; then ok "$name"; else bad "$name"; fi
}

# usage_like NAME ERE ARGS...: tasnif ARGS is a usage error (exit 2, stdout empty) whose
# stderr matches the extended regular expression ERE.
usage_like() {
    name=$1 want=$2
    shift 2
    run "$@"
    check "$name" '[ $rc -eq 2 ] && [ -z "$out" ] && echo "$err" | grep -qE -e "$want"'
}

# usage_is NAME MESSAGE ARGS...: the same, with "tasnif: MESSAGE" exactly as stderr's first line.
usage_is() {
    name=$1 want=$2
    shift 2
    run "$@"
    check "$name" '[ $rc -eq 2 ] && [ -z "$out" ] && [ "$(echo "$err" | head -1)" = "tasnif: $want" ]'
}

finish() {
    echo "#result $pass $fail"
}
