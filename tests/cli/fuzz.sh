# tests/cli/fuzz.sh -- replays each fuzz harness over its seeds and over every input a fuzzer
# once failed on (tests/fuzz/regress/NAME), with the harness's own checks, outside libFuzzer.
. tests/cli/lib.sh
sh tests/fuzz/seed-models.sh "$TASNIF" "$T/seeds/model"
for n in pipeline reader model sentence; do
    dirs=$(ls -d tests/fuzz/seeds/$n tests/fuzz/regress/$n "$T/seeds/$n" 2>/dev/null)
    $RUN "$BUILD/tests/replay_$n" $dirs >"$T/out" 2>"$T/err"
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
    check "fuzz_${n}_replays_its_seeds_and_regressions" \
        '[ $rc -eq 0 ] && echo "$out" | grep -q "^replayed [1-9]"'
done
finish
