#!/bin/sh
# tests/cli/compact.sh -- compact weights: a model of many labels (the seeded corpus of
# tests/gen_many_labels.sh, 120 labels) has its small weights pruned and is written sparse;
# every command answers exactly as with the same weights written dense; a model of few
# labels stays dense and unpruned; a damaged sparse model is refused naming the file.
. tests/cli/lib.sh
sh tests/gen_many_labels.sh 1400 120 7 >"$T/all.tsv"
head -n 1200 "$T/all.tsv" >"$T/train.tsv"
tail -n 200 "$T/all.tsv" >"$T/test.tsv"
cut -f2 "$T/test.tsv" >"$T/test.txt"

run train -i "$T/train.tsv" -o "$T/s.model" -q
check many_labels_train '[ $rc -eq 0 ] && [ -s "$T/s.model" ]'
check many_labels_are_written_sparse \
    'grep -aq "^sparse-weights [0-9]*$" "$T/s.model" && ! grep -aq "^weights [0-9]*$" "$T/s.model"'
run info -m "$T/s.model" --json
check auto_pruning_is_recorded_in_the_model 'echo "$out" | grep -q "\"prune_weights\":[ ]*0.01"'
TASNIF_MODEL_LAYOUT=dense run train -i "$T/train.tsv" -o "$T/d.model" -q
check the_same_weights_can_be_written_dense \
    '[ $rc -eq 0 ] && grep -aq "^weights [0-9]*$" "$T/d.model" && ! grep -aq "^sparse-weights" "$T/d.model"'
check sparse_is_under_a_fifth_of_dense \
    '[ $(($(wc -c <"$T/s.model") * 5)) -lt $(wc -c <"$T/d.model") ]'

# every command gives the same answers from the sparse file as from the dense one
same() { # name cmd...: the command's output with the sparse model equals the dense one's
    name=$1
    shift
    run "$@" -m "$T/d.model"
    cp "$T/out" "$T/dense.out"
    drc=$rc
    run "$@" -m "$T/s.model"
    check "$name" '[ $rc -eq 0 ] && [ $drc -eq 0 ] && [ -s "$T/out" ] && cmp -s "$T/out" "$T/dense.out"'
}
same classify_answers_as_dense classify -i "$T/test.txt" -k 3 --explain 3
same classify_tsv_answers_as_dense classify -i "$T/test.txt" --format tsv -k 5
same eval_answers_as_dense eval -i "$T/test.tsv" --json
same info_top_features_as_dense info -k 5
run label --topic-model "$T/d.model" --stance-model "$T/d.model" -i "$T/test.txt" --json
cp "$T/out" "$T/dense.out"
run label --topic-model "$T/s.model" --stance-model "$T/s.model" -i "$T/test.txt" --json
check label_answers_as_dense '[ $rc -eq 0 ] && cmp -s "$T/out" "$T/dense.out"'
run eval -m "$T/s.model" -i "$T/test.tsv"
check pruned_model_stays_accurate \
    '[ $rc -eq 0 ] && echo "$out" | awk "/^accuracy/ { exit !(\$2 >= 0.9) }"'

# logistic regression (probabilities from liblinear) and multi-label models, forced sparse
for opt in "--solver lr" "--multi-label true"; do
    tag=$(echo "$opt" | tr -dc 'a-z')
    TASNIF_MODEL_LAYOUT=sparse run train -i "$T/train.tsv" -o "$T/s_$tag.model" -q $opt
    TASNIF_MODEL_LAYOUT=dense run train -i "$T/train.tsv" -o "$T/d_$tag.model" -q $opt
    run classify -m "$T/d_$tag.model" -i "$T/test.txt" -k 3
    cp "$T/out" "$T/dense.out"
    run classify -m "$T/s_$tag.model" -i "$T/test.txt" -k 3
    check "sparse_${tag}_answers_as_dense" '[ $rc -eq 0 ] && [ -s "$T/out" ] && cmp -s "$T/out" "$T/dense.out"'
done

# few labels: no pruning, dense as before (the shipped models keep their bytes)
run train -i tests/data/tiny.tsv -o "$T/tiny.model" -q --min-df 1
check few_labels_stay_dense \
    '[ $rc -eq 0 ] && grep -aq "^weights [0-9]*$" "$T/tiny.model" && ! grep -aq "prune_weights" "$T/tiny.model"'
run train -i "$T/train.tsv" -o "$T/p0.model" -q --prune-weights 0
check prune_weights_0_keeps_every_weight \
    '[ $rc -eq 0 ] && [ $(wc -c <"$T/p0.model") -gt $(wc -c <"$T/s.model") ]'
run train -i "$T/train.tsv" -o "$T/bad.model" -q --prune-weights -0.5
check prune_weights_out_of_range_is_refused '[ $rc -ne 0 ] && echo "$err" | grep -q "prune_weights"'

# damaged sparse models: refused with the file's name, never a crash
size=$(wc -c <"$T/s.model")
head -c $((size / 2)) "$T/s.model" >"$T/cut.model"
run classify -m "$T/cut.model" -i "$T/test.txt"
check a_truncated_sparse_model_is_refused \
    '[ $rc -eq 1 ] && echo "$err" | grep -q "cut.model: model file is truncated"'
off=$(grep -abo "^sparse-weights" "$T/s.model" | head -n 1 | cut -d: -f1)
cp "$T/s.model" "$T/flip.model"
printf '\377' | dd of="$T/flip.model" bs=1 seek=$((off + 40)) conv=notrunc 2>/dev/null
run info -m "$T/flip.model"
check a_damaged_sparse_model_is_refused \
    '[ $rc -eq 1 ] && echo "$err" | grep -q "flip.model: checksum mismatch"'
finish
