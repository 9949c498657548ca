#!/bin/sh
# tests/cli/parallel.sh -- scale-out with GNU parallel, as the README shows it: a file split
# into blocks at line ends (--pipepart), classified by single-threaded tasnif processes on 2
# job slots, put back in input order (--keep-order), gives exactly the output of one process.
# Skips when GNU parallel is absent (Debian: parallel).
. tests/cli/lib.sh
if ! command -v parallel >/dev/null || ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
    echo "skip parallel: GNU parallel is absent"
    finish
    exit 0
fi
# 1,200 documents: the test sentences, numbered so that every line differs, a blank line now
# and then (an empty document keeps its place too)
awk -F'\t' '{ t[NR] = $2 } END { for (i = 1; i <= 1200; i++) print (i % 97 ? t[i % NR + 1] " " i : "") }' \
    tests/data/tiny-test.tsv >"$T/docs.txt"
run classify -m topic -t 1 -i "$T/docs.txt"
cp "$T/out" "$T/one.jsonl"
check one_process_classifies_every_line '[ $rc -eq 0 ] && [ "$(wc -l <"$T/one.jsonl")" -eq 1200 ]'
# $TASNIF may carry a RUN prefix (valgrind): parallel runs it through the shell
parallel --will-cite --pipepart -a "$T/docs.txt" --block 20k -j 2 --keep-order \
    "$TASNIF classify -m topic -t 1 2>/dev/null" >"$T/par.jsonl"
rc=$?
out=$(head -c 300 "$T/par.jsonl")
check gnu_parallel_on_two_slots_gives_the_same_output \
    '[ $rc -eq 0 ] && [ "$(wc -l <"$T/par.jsonl")" -eq 1200 ] && cmp -s "$T/one.jsonl" "$T/par.jsonl"'
blocks=$(parallel --will-cite --pipepart -a "$T/docs.txt" --block 20k -j 2 --keep-order wc -l | wc -l)
check the_input_was_really_split '[ "$blocks" -ge 2 ]'
parallel --will-cite --pipepart -a "$T/docs.txt" --block 20k -j 2 --keep-order \
    "$TASNIF classify -m topic -t 1 --format tsv 2>/dev/null" >"$T/par.tsv"
run classify -m topic -t 1 -i "$T/docs.txt" --format tsv
check tsv_output_is_the_same_too 'cmp -s "$T/out" "$T/par.tsv"'
finish
