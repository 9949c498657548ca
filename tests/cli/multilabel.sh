#!/bin/sh
# tests/cli/multilabel.sh -- multi-label classification: the same corpus in TSV (a,b), JSON
# lines ("labels") and fastText (repeated __label__) trains the same model byte for byte;
# classify gives every label at its threshold; eval reports the multi-label measures; a
# single-label run refuses several labels; label shows a second topic.
. tests/cli/lib.sh
D=tests/data
# the same corpus in the other two formats
awk -F'\t' '{ n = split($1, l, ","); printf "{\"labels\":["; for (i = 1; i <= n; i++) printf "%s\"%s\"", (i > 1 ? "," : ""), l[i]; printf "],\"text\":\"%s\"}\n", $2 }' $D/multi.tsv >"$T/multi.jsonl"
awk -F'\t' '{ n = split($1, l, ","); for (i = 1; i <= n; i++) printf "__label__%s ", l[i]; print $2 }' $D/multi.tsv >"$T/multi.ft"
awk -F'\t' '{ gsub(",", ";", $1); print $1 "\t" $2 }' $D/multi.tsv >"$T/multi-semi.tsv"

run train -i $D/multi.tsv -o "$T/m.model" --multi-label true -q --min-df 1
check multi_label_training_succeeds '[ $rc -eq 0 ] && [ -s "$T/m.model" ]'
run train -i "$T/multi.jsonl" -o "$T/j.model" --multi-label true -q --min-df 1
check jsonl_labels_train_the_same_model '[ $rc -eq 0 ] && cmp -s "$T/m.model" "$T/j.model"'
run train -i "$T/multi.ft" -o "$T/f.model" --multi-label true -q --min-df 1
check fasttext_repeated_labels_train_the_same_model '[ $rc -eq 0 ] && cmp -s "$T/m.model" "$T/f.model"'
run train -i "$T/multi-semi.tsv" -o "$T/s.model" --multi-label true --label-sep ';' -q --min-df 1
check label_sep_reads_another_separator '[ $rc -eq 0 ] && cmp -s "$T/m.model" "$T/s.model"'
run train -i $D/multi.tsv -o "$T/m2.model" --multi-label true -q --min-df 1 -t 1
check multi_label_models_are_the_same_on_one_thread '[ $rc -eq 0 ] && cmp -s "$T/m.model" "$T/m2.model"'

run info -m "$T/m.model"
check info_shows_the_thresholds \
    'echo "$out" | grep -q "probabilities multi-label" && [ $(echo "$out" | grep -c "threshold 0\.[0-9]") -eq 3 ]'
run info -m "$T/m.model" --json
check info_json_has_a_threshold_per_label '[ $(echo "$out" | grep -o "\"threshold\":" | wc -l) -eq 3 ]'

# several labels without --multi-label: refused, naming the line
run train -i "$T/multi.ft" -o "$T/x.model" -q
check fasttext_several_labels_need_multi_label \
    '[ $rc -ne 0 ] && echo "$err" | grep -q "multi.ft:25: several labels.*--multi-label" && [ ! -e "$T/x.model" ]'
run train -i "$T/multi.jsonl" -o "$T/x.model" -q
check jsonl_several_labels_need_multi_label '[ $rc -ne 0 ] && echo "$err" | grep -q "multi.jsonl:25: several labels"'
printf '{"labels":[],"text":"x"}\n' >"$T/empty.jsonl"
run train -i "$T/empty.jsonl" -o "$T/x.model" -q --multi-label true
check empty_labels_array_is_an_error '[ $rc -ne 0 ] && echo "$err" | grep -q "empty.jsonl:1: \"labels\" must be"'
printf 'a,,b\tنص\n' >"$T/hole.tsv"
run train -i "$T/hole.tsv" -o "$T/x.model" -q --multi-label true
check an_empty_label_between_separators_is_an_error '[ $rc -ne 0 ] && echo "$err" | grep -q "hole.tsv:1: empty label"'
# without --multi-label a comma stays part of a TSV label, as it always was
run train -i $D/multi.tsv -o "$T/single.model" -q --min-df 1
run info -m "$T/single.model"
check single_label_tsv_keeps_commas_in_labels '[ $rc -eq 0 ] && echo "$out" | grep -q "economy,sports"'

# classify: "labels" beside "label"; --threshold; text format joins them
cut -f2 $D/multi-test.tsv >"$T/test.txt"
run classify -m "$T/m.model" -i "$T/test.txt"
check classify_gives_labels_beside_label \
    '[ $rc -eq 0 ] && [ $(echo "$out" | grep -c "\"labels\":\[{\"label\":") -eq 6 ] && echo "$out" | head -1 | grep -q "^{\"label\":\"sports\",\"prob\":[0-9.]*,\"labels\":\[{\"label\":\"sports\""'
run classify -m "$T/m.model" -i "$T/test.txt" --threshold 0.01
check a_low_threshold_gives_every_label '[ $rc -eq 0 ] && [ $(echo "$out" | head -1 | grep -o "\"label\":" | wc -l) -eq 4 ]'
run classify -m "$T/m.model" -i "$T/test.txt" --threshold 1
check a_threshold_of_one_gives_the_best_label_alone '[ $rc -eq 0 ] && [ $(echo "$out" | grep -c "\"labels\":\[{[^]]*}\]") -eq 6 ] && [ $(echo "$out" | grep -c "},{") -eq 0 ]'
run classify -m "$T/m.model" -i "$T/test.txt" --threshold 0.01 --format text
check text_format_joins_the_labels '[ $rc -eq 0 ] && [ $(echo "$out" | grep -c "^[a-z]*,[a-z]*,[a-z]*$") -eq 6 ]'
run classify -m "$T/single.model" -i "$T/test.txt" --threshold 0.5
check threshold_is_refused_for_single_label_models '[ $rc -eq 2 ] && echo "$err" | grep -q "multi-label models"'
run classify -m "$T/m.model" -i "$T/test.txt" --threshold 0
check threshold_zero_is_a_usage_error '[ $rc -eq 2 ]'

# eval: the multi-label measures, in text and JSON, checked against a count by hand
run eval -m "$T/m.model" -i $D/multi-test.tsv --json
check eval_reports_the_multi_label_measures \
    'for k in micro_f1 macro_f1 hamming_loss subset_accuracy primary_accuracy per_label; do echo "$out" | grep -q "\"$k\":" || exit 1; done; echo "$out" | grep -q "\"n\":6,\"multi_label\":true"'
run eval -m "$T/m.model" -i $D/multi-test.tsv --threshold 0.01 --json
# every label given to all 6: 9 gold labels of 18 given, 9 wrong (Hamming 9/18), none exact
check eval_counts_are_right_when_every_label_is_given \
    'echo "$out" | grep -q "\"micro_precision\":0.5000,\"micro_recall\":1.0000" && echo "$out" | grep -q "\"hamming_loss\":0.5000,\"subset_accuracy\":0.0000" && echo "$out" | grep -q "\"gold_labels\":9,\"predicted_labels\":18"'
# gold "sports" alone, every label given: economy and politics are given and never right,
# so macro-F1 averages sports' 1 with their 0 and 0 (scikit-learn's count), not 1 alone
awk -F'\t' '{print "sports\t" $2}' $D/multi-test.tsv >"$T/sports.tsv"
run eval -m "$T/m.model" -i "$T/sports.tsv" --threshold 0.01 --json
check macro_f1_counts_labels_that_are_only_given \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "\"macro_f1\":0.3333"'
run eval -m "$T/m.model" -i $D/multi-test.tsv
check eval_text_report_lists_each_label \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "^Hamming loss" && echo "$out" | grep -q "^subset accuracy" && [ $(echo "$out" | grep -cE "^(sports|economy|politics) ") -eq 3 ]'
printf 'science\tنص عن العلوم\n' >"$T/unknown.tsv"
run eval -m "$T/m.model" -i "$T/unknown.tsv"
check eval_names_an_unknown_label '[ $rc -ne 0 ] && echo "$err" | grep -q "unknown.tsv:1: label \"science\" is unknown"'

# classify reads multi-label data as unlabeled input: the labels are skipped, not an error
run classify -m "$T/m.model" -i "$T/multi.jsonl" --format text
check classify_skips_the_labels_of_multi_label_jsonl '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 36 ]'
run classify -m "$T/single.model" -i "$T/multi.ft" --format text
check classify_skips_repeated_fasttext_labels '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 36 ]'
# what multi-label models do not do is refused up front
run eval -m "$T/m.model" -i $D/multi-test.tsv --min-prob 0.5
check eval_min_prob_is_refused_for_multi_label '[ $rc -eq 2 ] && echo "$err" | grep -q "single-label models"'
run report -m "$T/m.model" -i $D/multi-test.tsv -o "$T/r.html"
check report_is_refused_for_multi_label '[ $rc -ne 0 ] && echo "$err" | grep -q "single-label models" && [ ! -e "$T/r.html" ]'
run train -i $D/multi.tsv -o "$T/x.model" --multi-label true --solver mcsvm -q
check multi_label_with_mcsvm_is_refused '[ $rc -ne 0 ] && echo "$err" | grep -q "one-vs-rest solver" && [ ! -e "$T/x.model" ]'
run tune -i $D/multi.tsv -o "$T/t.model" --multi-label true --min-df 1 --budget 30 -q
check tune_searches_multi_label_configs '[ $rc -eq 0 ] && [ -s "$T/t.model" ]'
run train -i $D/multi.tsv -o "$T/x.model" --multi-label true --label-sep 'é' -q
check label_sep_must_be_printable_ascii '[ $rc -eq 2 ]'
printf '{"label":"a\\u001fb","text":"نص"}\n{"label":"c","text":"نص آخر"}\n' >"$T/us.jsonl"
run train -i "$T/us.jsonl" -o "$T/x.model" --multi-label true -q
check a_control_character_in_a_jsonl_label_is_refused '[ $rc -ne 0 ] && echo "$err" | grep -q "us.jsonl:1: label contains"'

# label: a multi-label topic model's second topic on the topic line and in JSON
printf 'باع مالك النادي حصته لمستثمر وسدد ديون النادي بعد خسائر مالية في الدوري.\n' >"$T/art.txt"
run label -i "$T/art.txt" --topic-model "$T/m.model" --json
check label_json_has_the_second_topic_when_given \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "\"topic\":{\"label\":\"[a-z]*\",\"prob\":[0-9.]*,\"second\":{\"label\":\"[a-z]*\""'
run label -i "$T/art.txt" --json
check label_json_of_a_single_label_topic_model_is_unchanged '[ $rc -eq 0 ] && ! echo "$out" | grep -q "\"second\""'
# a label on every example (a fold sees no negative for it): it trains and is always given
awk -F'\t' '{print $1 ",news\t" $2}' tests/data/tiny.tsv >"$T/allnews.tsv"
run train --multi-label true -i "$T/allnews.tsv" -o "$T/allnews.model" --min-df 1
printf 'فاز الفريق بالمباراة\nارتفع سعر الدولار\n' >"$T/two.txt"
run classify -m "$T/allnews.model" -i "$T/two.txt" --format text
check a_label_on_every_example_is_always_given '[ $rc -eq 0 ] && [ "$out" = "$(printf "sports,news\neconomy,news")" ]'
run train --multi-label true --bias -1 -i "$T/allnews.tsv" -o "$T/allnews-nobias.model" --min-df 1
run classify -m "$T/allnews-nobias.model" -i "$T/two.txt" --format text
check without_a_bias_a_label_on_every_example_is_still_given '[ $rc -eq 0 ] && [ "$out" = "$(printf "sports,news\neconomy,news")" ]'
run train --multi-label true --solver mcsvm -i tests/data/multi.tsv -o "$T/mc.model"
check multi_label_refuses_the_multi_class_svm '[ $rc -eq 2 ] && echo "$err" | head -1 | grep -q "^tasnif: train: multi_label needs a one-vs-rest solver (not mcsvm)$" && [ ! -e "$T/mc.model" ]'
$TASNIF train -q --multi-label true -i tests/data/multi.tsv -o "$T/mx.model" --min-df 1 </dev/null 2>/dev/null
printf 'فاز الفريق بالمباراة\n' >"$T/one.txt"
run classify -m "$T/mx.model" -i "$T/one.txt" --explain 2
check multi_label_explains_the_best_label '[ $rc -eq 0 ] && echo "$out" | grep -q "^{\"label\":\"sports\",\"prob\":[0-9.]*,\"labels\":\[{\"label\":\"sports\",\"prob\":[0-9.]*}\],\"explain\":\[{\"feature\":\"[^\"]*\",\"weight\":[0-9.]*},{\"feature\""'
run classify -m "$T/mx.model" -i "$T/one.txt" -k 2 --format tsv
check multi_label_tsv_with_k_lists_the_top_labels '[ $rc -eq 0 ] && echo "$out" | grep -q "^sports	0\.[0-9]*	economy	0\.[0-9]*$"'
run classify -m "$T/mx.model" -i "$T/one.txt" --format tsv
check multi_label_tsv_lists_the_labels_given '[ $rc -eq 0 ] && echo "$out" | grep -q "^sports	0\.[0-9]*$"'
finish
