# tests/cli/crash.sh -- a model file is never half-written: `tasnif train -o M` is killed with
# SIGKILL at random moments (CRASH_RUNS times, default 100) while M holds an older model, and
# M must then be byte-identical to either the old model or the complete new one, and load.
# Skipped under valgrind (RUN set): timing-based kills there test valgrind, not tasnif.
. tests/cli/lib.sh
runs=${CRASH_RUNS:-100}
if [ -n "$RUN" ]; then
    echo "skip crash.sh under $RUN"
    finish
    exit 0
fi
D=datasets/topic/train.jsonl
head -300 $D > "$T/train.jsonl"
# The new model is big (character 1-6-grams: a few MB), so the write takes a while.
big="--min-df 1 --char-ngram-min 1 --char-ngram-max 6 -q"
$TASNIF train -i tests/data/tiny.tsv -o "$T/old" --min-df 1 -q
start=$(date +%s%N)
$TASNIF train -i "$T/train.jsonl" -o "$T/new" $big
ms=$(( ($(date +%s%N) - start) / 1000000 + 20 ))
check new_model_trains '[ -s "$T/new" ] && ! cmp -s "$T/old" "$T/new"'
mkdir "$T/w"
old=0 new=0 torn=0 mixed=0 i=0
while [ $i -lt "$runs" ]; do
    i=$((i + 1))
    cp "$T/old" "$T/w/M"
    # A random delay in [0.2, 1.6] x the training time measured above: past 1 the run has
    # usually finished, so both outcomes occur even when run times vary (sanitizers).
    r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    delay=$(awk -v r="$r" -v ms="$ms" 'BEGIN { printf "%.3f", (0.2 + 1.4 * r / 65535) * ms / 1000 }')
    $TASNIF train -i "$T/train.jsonl" -o "$T/w/M" $big 2>/dev/null &
    pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    if cmp -s "$T/w/M" "$T/old"; then
        old=$((old + 1))
    elif cmp -s "$T/w/M" "$T/new"; then
        new=$((new + 1))
    else
        mixed=$((mixed + 1))
    fi
    # A temporary file left behind means the kill landed while the model was being written.
    if ls "$T/w" | grep -q '^M\.tmp\.'; then
        torn=$((torn + 1))
        rm -f "$T"/w/M.tmp.*
    fi
done
echo "     $runs kills: $old left the old model, $new the new one, $torn during the write"
check "killed_training_leaves_the_old_or_the_new_model_${runs}_of_${runs}" '[ $mixed -eq 0 ]'
check some_kills_landed_before_and_after_the_rename '[ $old -gt 0 ] && [ $new -gt 0 ]'
$TASNIF info -m "$T/w/M" >/dev/null 2>&1
check the_surviving_model_loads '[ $? -eq 0 ]'

# SIGTERM and SIGHUP (and SIGINT) are caught: the temporary file is removed before the process dies.
left=0 mixed=0 i=0
while [ $i -lt 30 ]; do
    i=$((i + 1))
    cp "$T/old" "$T/w/M"
    r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    delay=$(awk -v r="$r" -v ms="$ms" 'BEGIN { printf "%.3f", (0.5 + 0.5 * r / 65535) * ms / 1000 }')
    $TASNIF train -i "$T/train.jsonl" -o "$T/w/M" $big 2>/dev/null &
    pid=$!
    sleep "$delay"
    # (Not SIGINT: a shell starts background jobs with SIGINT ignored.)
    [ $((i % 2)) -eq 0 ] && kill -TERM $pid 2>/dev/null || kill -HUP $pid 2>/dev/null
    wait $pid 2>/dev/null
    cmp -s "$T/w/M" "$T/old" || cmp -s "$T/w/M" "$T/new" || mixed=$((mixed + 1))
    ls "$T/w" | grep -q '^M\.tmp\.' && left=$((left + 1))
    rm -f "$T"/w/M.tmp.*
done
echo "     30 interrupts: $mixed mixed, $left left a temporary file"
check interrupted_training_leaves_no_temporary_file '[ $mixed -eq 0 ] && [ $left -eq 0 ]'
finish
