#!/bin/sh
# tests/failalloc/sweep.sh TASNIF -- the allocation-failure sweep (`make failalloc`): each
# scenario below runs once to count tasnif's own allocations, then once for every N up to
# that count with the Nth allocation failing (tests/failalloc/failalloc.c). Every run must
# end cleanly: exit 1 with a message on standard error, or exit 0 with exactly the output of
# the run without failures; never a crash, a sanitizer report or a leak (ASan, exit 99 or
# 23), and never a partial output file. FAILALLOC_STEP=K tries every Kth N only (a quicker
# look); the default is every one.
TASNIF=${1:?usage: sweep.sh TASNIF}
STEP=${FAILALLOC_STEP:-1}
T=$(mktemp -d /tmp/tsn_failalloc.XXXXXX)
trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS=detect_leaks=1:exitcode=99
export UBSAN_OPTIONS=halt_on_error=1:exitcode=98
D=tests/data
"$TASNIF" train -q -t 1 -i $D/tiny.tsv -o "$T/m.model" --min-df 1 || exit 1
"$TASNIF" train -q -t 1 -i $D/multi.tsv -o "$T/ml.model" --min-df 1 --multi-label true || exit 1
cut -f2 $D/tiny-test.tsv >"$T/docs.txt"
total_runs=0 bad=0

# sweep NAME OUTFILE ARGS...: OUTFILE (or -) must not exist after a failed run.
sweep() {
    name=$1 outfile=$2
    shift 2
    rm -f "$outfile"
    TSN_FAILALLOC=0 TSN_FAILALLOC_COUNT="$T/count" "$TASNIF" "$@" >"$T/ref" 2>"$T/referr"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL $name: the run without failures exits $rc: $(head -c 300 "$T/referr")"
        bad=$((bad + 1))
        return
    fi
    [ "$outfile" != - ] && cp "$outfile" "$T/refout"
    count=$(cat "$T/count")
    n=1 fails=0 clean=0 absorbed=0
    while [ $n -le "$count" ]; do
        rm -f "$outfile"
        TSN_FAILALLOC=$n "$TASNIF" "$@" >"$T/out" 2>"$T/err"
        rc=$?
        total_runs=$((total_runs + 1))
        why=
        case $rc in
        0)
            if ! cmp -s "$T/out" "$T/ref"; then
                why="exit 0 with different output"
            elif [ "$outfile" != - ] && ! cmp -s "$outfile" "$T/refout"; then
                why="exit 0 with a different output file"
            else
                absorbed=$((absorbed + 1))
            fi ;;
        1)
            if ! grep -q '^tasnif' "$T/err"; then
                why="exit 1 without a message"
            elif [ "$outfile" != - ] && [ -e "$outfile" ]; then
                why="exit 1 but $outfile was written"
            elif ls "$T" | grep -q '\.tmp\.'; then
                why="a temporary file was left behind"
            else
                clean=$((clean + 1))
            fi ;;
        *) why="exit $rc: $(grep -m1 -E 'ERROR|SUMMARY|runtime error' "$T/err" | head -c 300)" ;;
        esac
        if [ -n "$why" ]; then
            fails=$((fails + 1))
            [ $fails -le 3 ] && echo "FAIL $name: allocation $n of $count: $why"
        fi
        n=$((n + STEP))
    done
    bad=$((bad + fails))
    echo "$([ $fails -eq 0 ] && echo ok || echo FAIL)   $name: $count allocations; $clean clean errors, $absorbed absorbed, $fails failures"
}

sweep "model load (info)" - info -m "$T/m.model"
sweep "train" "$T/out.model" train -q -t 1 -i $D/tiny.tsv -o "$T/out.model" --min-df 1
sweep "train, multi-label" "$T/out.model" train -q -t 1 -i $D/multi.tsv -o "$T/out.model" --min-df 1 --multi-label true
sweep "classify" - classify -t 1 -m "$T/m.model" -i "$T/docs.txt" -k 2 --explain 2
sweep "classify, multi-label" - classify -t 1 -m "$T/ml.model" -i "$T/docs.txt"
sweep "eval" - eval -m "$T/m.model" -i $D/tiny-test.tsv
sweep "eval, multi-label" - eval -m "$T/ml.model" -i $D/multi-test.tsv --json
sweep "label" - label -i $D/article.txt --stance-model "$T/m.model" --topic-model "$T/ml.model" --json
# sparse weights: a pruned fit (each label pruned as it is trained), written and read sparse
export TASNIF_MODEL_LAYOUT=sparse
"$TASNIF" train -q -t 1 -i $D/multi.tsv -o "$T/sp.model" --min-df 1 --multi-label true \
    --prune-weights 0.05 || exit 1
sweep "train, pruned, sparse" "$T/out.model" train -q -t 1 -i $D/multi.tsv -o "$T/out.model" --min-df 1 --multi-label true --prune-weights 0.05
sweep "classify, sparse" - classify -t 1 -m "$T/sp.model" -i "$T/docs.txt" -k 2 --explain 2
unset TASNIF_MODEL_LAYOUT
echo "#result $total_runs runs, $bad failures"
[ $bad -eq 0 ]
