#!/bin/sh
# training/models.sh TASNIF -- rebuilds the shipped models from the project's corpora.
# Each model is trained on its corpus's train split only, so `tasnif eval` on the test split
# is a held-out score. Same corpora and configs give byte-identical models.
#
# The stance model also learns from the real-news corpus (datasets/news_stance), stand-off
# annotations over the ANT corpus: its sentences are rebuilt from a local copy of ANT
# ($ANT_DIR, default ../shared/datasets/ant_multisource). Without it the stance model is left
# as it is, with a message.
set -eu
TASNIF=${1:-build/tasnif}
BUILD=${BUILD:-build}
score() { # score MODEL TEST
    echo "$1: $("$TASNIF" eval -m "$1" -i "$2" --json | sed 's/.*"accuracy":\([0-9.]*\),"macro_f1":\([0-9.]*\).*/accuracy \1, macro-F1 \2/') on $2"
}
if python3 training/news_stance.py rebuild --out "$BUILD/news_stance"; then
    cat datasets/stance/train.jsonl "$BUILD/news_stance/train.jsonl" >"$BUILD/stance-train.jsonl"
    "$TASNIF" train -q -i "$BUILD/stance-train.jsonl" -c training/stance.json -o models/stance.model
    score models/stance.model datasets/stance/test.jsonl
    score models/stance.model "$BUILD/news_stance/test.jsonl"
else
    echo "models/stance.model: left as it is (the real-news corpus needs ANT; see above)"
fi
"$TASNIF" train -q -i datasets/topic/train.jsonl -c training/topic.json -o models/topic.model
score models/topic.model datasets/topic/test.jsonl
