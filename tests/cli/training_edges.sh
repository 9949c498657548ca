#!/bin/sh
# tests/cli/training_edges.sh -- train, cv and tune at their edges: usage errors, data too
# small for the folds (named by file, with a hint that fits the command), one label, a
# search from a word n-gram range its own candidates cannot take, output that cannot be
# written, and training options rarely used (pruned two-class weights, max_features, eps).
. tests/cli/lib.sh
D=tests/data
BAD=tests/bad

# ---- train ----
run train -i $D/tiny.tsv -o "$T/x.model" extra
check train_refuses_an_unexpected_argument \
    '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: train: unexpected argument \"extra\"$" && [ ! -e "$T/x.model" ]'
run train -i $D/tiny.tsv
check train_without_output_is_a_usage_error \
    '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: train: -i TRAIN and -o MODEL are required$"'
# calibration cross-validates in 3 folds of its own: too few examples say so, naming the
# file, without cv's advice to lower a --folds that train does not have
run train -i $BAD/38-fewer-than-folds.tsv -o "$T/x.model" --calibrate true --min-df 1 -q
check calibrating_too_few_examples_names_the_file_and_the_calibration \
    '[ $rc -eq 1 ] && [ "$err" = "tasnif: train: $BAD/38-fewer-than-folds.tsv: calibration: 3 examples are too few for 3 folds: fold 1 leaves a single label to train on" ] && [ ! -e "$T/x.model" ]'
run train -i $BAD/38-fewer-than-folds.tsv -o "$T/x.model" --multi-label true --min-df 1 -q
check multi_label_training_of_too_few_examples_does_not_suggest_folds \
    '[ $rc -eq 1 ] && echo "$err" | grep -q "calibration: 3 examples are too few" && ! echo "$err" | grep -q -- "--folds"'
# prune_weights on two labels: a dense column, pruned after training; fewer weights, same
# answers on the training data
run train -i $D/tiny.tsv -o "$T/full.model" --min-df 1 --prune-weights 0 -q
run train -i $D/tiny.tsv -o "$T/pruned.model" --min-df 1 --prune-weights 0.5 -q
check a_two_label_model_can_be_pruned '[ $rc -eq 0 ] && [ -s "$T/pruned.model" ] && ! cmp -s "$T/full.model" "$T/pruned.model"'
run info -m "$T/pruned.model"
check the_pruned_model_records_its_fraction 'echo "$out" | grep -q "^  prune_weights  *0.5$"'
# max_features keeps the most frequent features only
run train -i $D/tiny.tsv -o "$T/max.model" --min-df 1 --max-features 7 -q
run info -m "$T/max.model" --json
check max_features_caps_the_vocabulary '[ $rc -eq 0 ] && echo "$out" | grep -q "\"features\":7[,}]"'
# an explicit tolerance trains and is recorded
run train -i $D/tiny.tsv -o "$T/eps.model" --min-df 1 --eps 0.5 --solver mcsvm -q
run info -m "$T/eps.model"
check an_explicit_eps_is_recorded '[ $rc -eq 0 ] && echo "$out" | grep -q "^  eps  *0.5$"'

# ---- cv ----
run cv -i $BAD/35-one-class.tsv --min-df 1
check cv_of_one_label_names_the_file \
    '[ $rc -eq 1 ] && [ "$err" = "tasnif: cv: $BAD/35-one-class.tsv: only one label (\"sports\"): a classifier needs at least two" ]'
run cv -i $D/tiny.tsv --folds 1
check cv_refuses_a_single_fold '[ $rc -eq 2 ] && echo "$err" | grep -q "folds"'
if command -v script >/dev/null; then
    # on a terminal cv shows each fold, unless -q
    script -qec "$TASNIF cv -q -i $D/tiny.tsv --folds 2 --min-df 1" /dev/null </dev/null >"$T/tty" 2>&1
    rc=$?
    out=$(tr -d '\r' <"$T/tty")
    err=
    check quiet_cv_shows_no_folds_on_a_terminal \
        '[ $rc -eq 0 ] && ! echo "$out" | grep -q "^fold 1/2" && echo "$out" | grep -q "^per fold: "'
else
    echo "skip quiet_cv_shows_no_folds_on_a_terminal: script (util-linux) is absent"
fi

# ---- tune ----
run tune -i $D/tiny.tsv
check tune_without_output_is_a_usage_error \
    '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: tune: -i TRAIN and -o MODEL are required$"'
run tune -i $D/tiny.tsv -o "$T/t.model" --word-ngram-max 99
check tune_refuses_a_bad_option_value \
    '[ $rc -eq 2 ] && echo "$err" | grep -q "word_ngram_max must be between 1 and 8, not 99" && [ ! -e "$T/t.model" ]'
run tune -i $BAD/38-fewer-than-folds.tsv -o "$T/t.model" --min-df 1 -q
check tune_of_too_few_examples_names_the_file \
    '[ $rc -eq 1 ] && [ "$err" = "tasnif: tune: $BAD/38-fewer-than-folds.tsv: 3 examples are too few for 3 folds: fold 1 leaves a single label to train on (lower --folds)" ] && [ ! -e "$T/t.model" ] && [ -z "$out" ]'
run tune -i $D/tiny.tsv -o "$T/t.model" --stopwords "$T/no-such-stopwords.txt" -q
check tune_with_a_missing_stopword_file_names_it \
    '[ $rc -eq 1 ] && echo "$err" | grep -q "no-such-stopwords.txt: No such file or directory" && [ ! -e "$T/t.model" ]'
# word n-grams 4-4: "up to 3" is no candidate; the search goes through and saves its model
run tune -i $D/tiny.tsv -o "$T/w.model" --word-ngram-min 4 --word-ngram-max 4 --min-df 1 --folds 2 -q
check tune_from_word_ngrams_4_4_completes \
    '[ $rc -eq 0 ] && [ -s "$T/w.model" ] && echo "$out" | grep -q "word n-grams 1-1" && ! echo "$out" | grep -q "word n-grams 4-3" && [ -z "$err" ]'
run tune -i $D/tiny.tsv -o "$T/j.model" --min-df 1 --folds 2 -q --json --metric accuracy
check tune_json_ends_with_the_chosen_config_as_one_line \
    '[ $rc -eq 0 ] && echo "$out" | tail -1 | grep -q "^{\"chosen\":{.*\"word_ngram_min\":[0-9]*,.*}}$" && [ -s "$T/j.model" ]'
finish
