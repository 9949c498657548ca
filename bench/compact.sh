#!/bin/sh
# bench/compact.sh -- model size, load time and memory with many labels (README, "The model
# file"): 10,000 generated short documents with 1,000 labels train a model with the default
# config (pruned, sparse), with --prune-weights 0 written sparse (exact) and written dense
# (as before); each is loaded by `classify` of nothing and scored on 10,000 held-out ones.
# Needs GNU time (/usr/bin/time). Takes about ten minutes on 2 cores.
#   sh bench/compact.sh [WORKDIR]
set -e
TASNIF=${TASNIF:-$(pwd)/build/tasnif}
W=${1:-$(mktemp -d /tmp/tsn_compact.XXXXXX)}
sh tests/gen_many_labels.sh 20000 1000 1 >"$W/all.tsv"
head -n 10000 "$W/all.tsv" >"$W/train.tsv"
tail -n 10000 "$W/all.tsv" >"$W/test.tsv"
cut -f2 "$W/test.tsv" >"$W/test.txt"
: >"$W/empty.txt"
t() { /usr/bin/time -f "%e s, %M KB peak RSS" "$@" 2>&1 >/dev/null | tail -n 1; }
echo "train, default (pruned):  $(t "$TASNIF" train -q -i "$W/train.tsv" -o "$W/pruned.model")"
echo "train, exact, sparse:     $(TASNIF_MODEL_LAYOUT=sparse t "$TASNIF" train -q -i "$W/train.tsv" -o "$W/exact.model" --prune-weights 0)"
echo "train, exact, dense:      $(TASNIF_MODEL_LAYOUT=dense t "$TASNIF" train -q -i "$W/train.tsv" -o "$W/dense.model" --prune-weights 0)"
for m in dense exact pruned; do
    echo "$m: $(wc -c <"$W/$m.model") bytes"
    echo "  load:   $(t "$TASNIF" classify -m "$W/$m.model" -i "$W/empty.txt")"
    echo "  info:   $(t "$TASNIF" info -m "$W/$m.model")"
    echo "  eval:   $(t "$TASNIF" eval -m "$W/$m.model" -i "$W/test.tsv")"
    "$TASNIF" eval -m "$W/$m.model" -i "$W/test.tsv" | sed -n '2,3s/^/  /p'
    "$TASNIF" classify -m "$W/$m.model" -i "$W/test.txt" --format text >"$W/$m.labels"
done
echo "labels that differ from dense: exact $(paste -d' ' "$W/dense.labels" "$W/exact.labels" |
    awk '$1 != $2' | wc -l), pruned $(paste -d' ' "$W/dense.labels" "$W/pruned.labels" |
    awk '$1 != $2' | wc -l) of $(wc -l <"$W/test.txt")"
