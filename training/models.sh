#!/bin/sh
# training/models.sh TASNIF -- rebuilds the shipped models from the project's corpora.
# Each model is trained on its corpus's train split only, so `tasnif eval` on the test split
# is a held-out score. Same corpora and configs give byte-identical models.
set -eu
TASNIF=${1:-build/tasnif}
for name in stance topic; do
    "$TASNIF" train -q -i "datasets/$name/train.jsonl" -c "training/$name.json" -o "models/$name.model"
    echo "models/$name.model: $("$TASNIF" eval -m "models/$name.model" -i "datasets/$name/test.jsonl" --json | sed 's/.*"accuracy":\([0-9.]*\),"macro_f1":\([0-9.]*\).*/accuracy \1, macro-F1 \2 on datasets\/'$name'\/test.jsonl/')"
done
