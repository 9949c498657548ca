#!/bin/sh
# bench/speed.sh [TASNIF] -- `make bench-speed`: tasnif against fastText on ant_multisource, side
# by side on this machine, and writes bench/speed.md. A benchmark, not a test.
#
# In one go and alternating (so that both see the same machine state), RUNS times each:
#   tasnif train -t THREADS            vs  fasttext supervised -wordNgrams 2 -epoch 10 -thread THREADS
#   tasnif classify -t THREADS test    vs  fasttext predict on the same texts
# and reports medians of wall time, throughput (MB/s, documents/s) and peak RSS (GNU time's
# maximum resident set size), and the tasnif/fastText ratios; then featurization alone (the
# `featurize` time `train -v` reports), training on 25 %, 50 % and 100 % of the corpus, and
# both systems' accuracy on test.tsv; last, each featurization stage alone (bench/stages.c,
# built next to TASNIF as `stages`).
# Environment: SHARED (../shared), RUNS (3), THREADS (all processors).
set -eu
TASNIF=${1:-build/tasnif}
S=${SHARED:-../shared}
D=$S/datasets/ant_multisource
RUNS=${RUNS:-3}
THREADS=${THREADS:-$(nproc)}
OUT=bench/speed.md
[ -f "$D/train.tsv" ] || { echo "bench-speed: $D is absent" >&2; exit 1; }
command -v fasttext >/dev/null || {
    echo "bench-speed: fasttext is missing (sudo apt-get install fasttext)" >&2
    exit 1
}
[ -x /usr/bin/time ] || { echo "bench-speed: GNU time is missing (apt-get install time)" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# Inputs: fastText's format for training, bare texts for classification.
awk -F'\t' '{ t = $2; for (i = 3; i <= NF; i++) t = t " " $i; print "__label__" $1 " " t }' \
    "$D/train.tsv" > "$T/train.ft"
cut -f2- "$D/test.tsv" > "$T/test.txt"
awk -F'\t' '{ t = $2; for (i = 3; i <= NF; i++) t = t " " $i; print "__label__" $1 " " t }' \
    "$D/test.tsv" > "$T/test.ft"
train_mb=$(awk -v b="$(wc -c < "$D/train.tsv")" 'BEGIN { printf "%.1f", b / 1e6 }')
test_mb=$(awk -v b="$(wc -c < "$T/test.txt")" 'BEGIN { printf "%.2f", b / 1e6 }')
train_docs=$(wc -l < "$D/train.tsv")
test_docs=$(wc -l < "$T/test.txt")

# Stages first, on an idle machine.
"$(dirname "$TASNIF")/stages" "$D/train.tsv" "$THREADS" > "$T/stages"

# measure NAME CMD...: runs CMD (output to $T/NAME.out), appends "wall_s rss_kb" to $T/NAME.
measure() {
    name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$T/time" "$@" > "$T/$name.out" 2> "$T/$name.err" || {
        echo "bench-speed: $name failed:" >&2
        cat "$T/$name.err" >&2
        exit 1
    }
    cat "$T/time" >> "$T/$name"
}

# median NAME COLUMN: the median of a column of $T/NAME.
median() {
    sort -n -k"$2" "$T/$1" | awk -v c="$2" '{ v[NR] = $c } END {
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ft_train="fasttext supervised -input $T/train.ft -output $T/ft -wordNgrams 2 -epoch 10 -thread $THREADS -verbose 0"
i=0
while [ $i -lt "$RUNS" ]; do
    i=$((i + 1))
    echo "bench-speed: run $i of $RUNS" >&2
    measure tasnif_train "$TASNIF" train -q -t "$THREADS" -i "$D/train.tsv" -o "$T/m.model"
    measure ft_train $ft_train
    measure tasnif_classify "$TASNIF" classify -t "$THREADS" -m "$T/m.model" -i "$T/test.txt"
    measure ft_predict fasttext predict "$T/ft.bin" "$T/test.txt"
done

# Accuracy of the models just timed.
tasnif_acc=$("$TASNIF" eval -m "$T/m.model" -i "$D/test.tsv" --json |
    sed 's/.*"accuracy":\([0-9.]*\).*/\1/')
ft_acc=$(fasttext test "$T/ft.bin" "$T/test.ft" | awk '/^P@1/ { printf "%.4f", $2 }')

# Featurization alone, and how training time grows with the corpus.
awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' "$D/train.tsv" | sort -k1,1 | cut -f2- \
    > "$T/shuffled.tsv"
: > "$T/growth"
for pct in 25 50 100; do
    n=$((train_docs * pct / 100))
    head -n "$n" "$T/shuffled.tsv" > "$T/part.tsv"
    bytes=$(wc -c < "$T/part.tsv")
    /usr/bin/time -f "%e %M" -o "$T/time" "$TASNIF" train -v -t "$THREADS" -i "$T/part.tsv" \
        -o "$T/p.model" > /dev/null 2> "$T/part.err"
    feat=$(sed -n 's/.*featurize \([0-9.]*\) s.*/\1/p' "$T/part.err")
    echo "$pct $n $bytes $(cat "$T/time") $feat" >> "$T/growth"
done

r() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
tt=$(median tasnif_train 1) ft=$(median ft_train 1)
tc=$(median tasnif_classify 1) fp=$(median ft_predict 1)
tt_rss=$(median tasnif_train 2) ft_rss=$(median ft_train 2)
tc_rss=$(median tasnif_classify 2) fp_rss=$(median ft_predict 2)
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
tput() { awk -v x="$1" -v s="$2" 'BEGIN { printf "%.1f", x / s }'; }
{
    echo "# Speed and memory: tasnif against fastText"
    echo
    echo "\`make bench-speed\` on \`ant_multisource\` ($train_docs training articles, $train_mb MB;"
    echo "$test_docs test articles, $test_mb MB of text), $THREADS threads for both systems, $RUNS"
    echo "alternating runs each; medians. Wall time and peak RSS from GNU time. fastText:"
    echo "\`supervised -wordNgrams 2 -epoch 10 -thread $THREADS\`, then \`predict\`. tasnif: its default"
    echo "config. Machine: $(nproc) processors, $(uname -m); $(date -u +%Y-%m-%d)."
    echo
    echo "| step | tasnif | fastText | tasnif / fastText |"
    echo "|---|---|---|---|"
    echo "| train: wall time | $tt s | $ft s | $(r "$tt" "$ft") |"
    echo "| train: throughput | $(tput "$train_mb" "$tt") MB/s | $(tput "$train_mb" "$ft") MB/s | |"
    echo "| train: peak RSS | $(mb "$tt_rss") MB | $(mb "$ft_rss") MB | $(r "$tt_rss" "$ft_rss") |"
    echo "| classify: wall time | $tc s | $fp s | $(r "$tc" "$fp") |"
    echo "| classify: throughput | $(tput "$test_mb" "$tc") MB/s, $(tput "$test_docs" "$tc") docs/s |" \
        "$(tput "$test_mb" "$fp") MB/s, $(tput "$test_docs" "$fp") docs/s | $(r "$fp" "$tc")× faster |"
    echo "| classify: peak RSS | $(mb "$tc_rss") MB | $(mb "$fp_rss") MB | $(r "$tc_rss" "$fp_rss") |"
    echo "| accuracy on test.tsv | $tasnif_acc | $ft_acc | |"
    echo
    echo "Classification time includes loading the model. How tasnif's training grows with the"
    echo "corpus (a fixed shuffle of train.tsv; featurization is the \`featurize\` time of"
    echo "\`train -v\`: reading, normalizing, tokenizing, stemming, n-grams, dictionary):"
    echo
    echo "| share | articles | MB | train wall s | s per MB | peak RSS MB | featurize s | featurize MB/s |"
    echo "|---|---|---|---|---|---|---|---|"
    awk '{ mbs = $3 / 1e6; printf "| %d %% | %d | %.1f | %.2f | %.3f | %.0f | %.2f | %.1f |\n",
           $1, $2, mbs, $4, $4 / mbs, $5 / 1024, $6, ($6 > 0 ? mbs / $6 : 0) }' "$T/growth"
    echo
    echo "Each featurization stage alone over the texts of train.tsv (\`stages\`, bench/stages.c:"
    echo "the documents in memory, each prefix of the pipeline timed, best of three passes):"
    echo
    cat "$T/stages"
    echo
    echo "Where the time goes (a callgrind profile): [profile.md](profile.md)."
} > "$OUT"
cat "$OUT"
