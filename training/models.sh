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
score() { # score MODEL TEST (a multi-label model: its primary label, and its label sets)
    "$TASNIF" eval -m "$1" -i "$2" --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
if j.get("multi_label"):
    print("%s: primary accuracy %.4f, macro-F1 %.4f; label sets micro-F1 %.4f on %s" % (
        sys.argv[1], j["primary_accuracy"], j["primary_macro_f1"], j["micro_f1"], sys.argv[2]))
else:
    print("%s: accuracy %.4f, macro-F1 %.4f on %s" % (sys.argv[1], j["accuracy"], j["macro_f1"], sys.argv[2]))
' "$1" "$2"
}
if python3 training/news_stance.py rebuild --out "$BUILD/news_stance"; then
    cat datasets/stance/train.jsonl "$BUILD/news_stance/train.jsonl" >"$BUILD/stance-train.jsonl"
    "$TASNIF" train -q -i "$BUILD/stance-train.jsonl" -c training/stance.json -o models/stance.model
    score models/stance.model datasets/stance/test.jsonl
    score models/stance.model "$BUILD/news_stance/test.jsonl"
else
    echo "models/stance.model: left as it is (the real-news corpus needs ANT; see above)"
fi
# The topic model learns from the written corpus and the real-news topic corpus
# (datasets/news_topic, stand-off labels over ANT), multi-label: an article's second topic too.
if python3 training/news_topic.py rebuild --out "$BUILD/news_topic"; then
    python3 - "$BUILD/topic-train.jsonl" datasets/topic/train.jsonl "$BUILD/news_topic/train.multi.tsv" <<'PY'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for line in open(sys.argv[2], encoding="utf-8"):
        j = json.loads(line)
        out.write(json.dumps({"labels": [j["label"]], "text": j["text"]}, ensure_ascii=False) + "\n")
    for line in open(sys.argv[3], encoding="utf-8"):
        labels, text = line.rstrip("\n").split("\t", 1)
        out.write(json.dumps({"labels": labels.split(","), "text": text}, ensure_ascii=False) + "\n")
PY
    "$TASNIF" train -q -i "$BUILD/topic-train.jsonl" -c training/topic.json -o models/topic.model
    score models/topic.model datasets/topic/test.jsonl
    score models/topic.model "$BUILD/news_topic/test.multi.tsv"
else
    echo "models/topic.model: left as it is (the real-news corpus needs ANT; see above)"
fi
