#!/bin/sh
# tests/fuzz/seed-models.sh TASNIF DIR -- writes the model loader's seeds into DIR: small
# models trained from tests/data (single-text, pair, hashed, SVM and LR, calibrated, multi-label
# with sparse weights), each with its checksum line removed (fuzz_model appends a correct one to
# every input).
set -e
tasnif=$1
dir=$2
mkdir -p "$dir"
tmp=$(mktemp -d /tmp/tsn_seed.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
d=tests/data
# Few features keep the seeds small (a few KB), so the fuzzer runs fast.
small="--min-df 1 --max-features 40"
$tasnif train -i $d/tiny.tsv -o "$tmp/lr" $small --solver lr 2>/dev/null
$tasnif train -i $d/tiny.tsv -o "$tmp/svm" $small --solver svm --char-ngram-max 0 2>/dev/null
$tasnif train -i $d/tiny.tsv -o "$tmp/hash" --min-df 1 --hash-buckets 64 2>/dev/null
$tasnif train -i $d/pair.tsv -o "$tmp/pair" $small --calibrate true 2>/dev/null
$tasnif train -i $d/tiny.tsv -o "$tmp/mcsvm" $small --solver mcsvm --bias -1 \
    --word-ngram-max 1 --char-ngram-max 0 2>/dev/null
TASNIF_MODEL_LAYOUT=sparse $tasnif train -i $d/multi.tsv -o "$tmp/sparse" $small \
    --multi-label true --prune-weights 0.05 2>/dev/null
for m in lr svm hash pair mcsvm sparse; do
    sed '$d' "$tmp/$m" > "$dir/$m"
done
