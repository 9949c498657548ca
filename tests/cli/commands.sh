# tests/cli/commands.sh -- every command on the tiny fixtures, and the stdout contract.
. tests/cli/lib.sh
D=tests/data

run train -i $D/tiny.tsv -o "$T/m" --min-df 1 --solver lr --C 10
check train_succeeds_silently '[ $rc -eq 0 ] && [ -z "$out" ] && [ -z "$err" ] && [ -s "$T/m" ]'
check train_leaves_no_temporary_file '[ -z "$(ls "$T" | grep tmp)" ]'

run train -i $D/tiny.tsv -o "$T/m2" --min-df 1 --solver lr --C 10
check train_is_byte_for_byte_deterministic 'cmp -s "$T/m" "$T/m2"'

run train -i $D/tiny.tsv -o "$T/t1" --min-df 1 --threads 1
run train -i $D/tiny.tsv -o "$T/t3" --min-df 1 --threads 3
check models_do_not_depend_on_the_thread_count 'cmp -s "$T/t1" "$T/t3"'

# Seven labels: the one-vs-rest classes of the (dual, shuffling) SVM train on threads.
awk 'NR % 4 == 0' datasets/topic/train.jsonl > "$T/multi.jsonl"
run train -i "$T/multi.jsonl" -o "$T/k1" --threads 1
run train -i "$T/multi.jsonl" -o "$T/k3" --threads 3
check multiclass_models_do_not_depend_on_the_thread_count '[ $rc -eq 0 ] && cmp -s "$T/k1" "$T/k3"'
run train -i "$T/multi.jsonl" -o "$T/k2" --threads 2
check multiclass_training_is_byte_for_byte_deterministic 'cmp -s "$T/k1" "$T/k2"'

run train -i $D/tiny.tsv -o "$T/v" --min-df 1 -v
check verbose_train_reports_sizes_and_peak_rss_on_stderr '[ $rc -eq 0 ] && [ -z "$out" ] && echo "$err" | grep -q "peak RSS"'

printf '{"min_df": 1, "solver": "lr", "C": 10}\n' > "$T/cfg.json"
run train -i $D/tiny.tsv -o "$T/m3" -c "$T/cfg.json"
check a_config_file_equals_the_same_flags 'cmp -s "$T/m" "$T/m3"'

run eval -m "$T/m" -i $D/tiny-test.tsv --json
check eval_json_has_the_contract_fields '[ $rc -eq 0 ] && echo "$out" | grep -q "\"n\":4,\"accuracy\":" && echo "$out" | grep -q "\"macro_f1\":" && echo "$out" | grep -q "\"per_label\":{\"economy\":{\"precision\":" && echo "$out" | grep -q "\"confusion\":{\"labels\":\\[\"economy\",\"sports\"\\],\"matrix\":\\[\\["'
check eval_on_held_out_text_gets_them_right 'echo "$out" | grep -q "\"accuracy\":1.0000"'

# a document with no feature is scored by the bias alone, and eval says so
printf 'sports\tفي من على\n' >"$T/empty.tsv"
cat $D/tiny-test.tsv >>"$T/empty.tsv"
run eval -m "$T/m" -i "$T/empty.tsv" --json
check eval_warns_of_documents_classify_leaves_unlabelled '[ $rc -eq 0 ] && echo "$out" | grep -q "\"n\":5," && [ "$err" = "tasnif: eval: warning: 1 empty document (blank, or nothing left after normalization) scored by the model'"'"'s bias alone; classify gives it no label" ]'

run eval -m "$T/m" -i $D/tiny-test.tsv
check eval_report_is_aligned_text '[ $rc -eq 0 ] && echo "$out" | grep -q "^accuracy  1.0000" && echo "$out" | grep -q "^label  *precision  recall"'

printf 'ارتفعت أسعار الأسهم في البورصة\nفاز الفريق بالمباراة\n' > "$T/in.txt"
run_in "$T/in.txt" classify -m "$T/m"
check classify_reads_stdin_and_writes_jsonl '[ $rc -eq 0 ] && [ $(echo "$out" | wc -l) -eq 2 ] && echo "$out" | head -1 | grep -q "^{\"label\":\"economy\",\"prob\":0\\.[0-9]*}$" && echo "$out" | tail -1 | grep -q "\"label\":\"sports\""'

run classify -m "$T/m" -i "$T/in.txt" -k 2 --explain 3
check classify_top_and_explain '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -q "\"top\":\\[{\"label\":\"economy\",\"prob\":[0-9.]*},{\"label\":\"sports\"" && echo "$out" | head -1 | grep -q "\"explain\":\\[{\"feature\":\"[swc]:"'

cut -f2 $D/tiny.tsv > "$T/many.txt"
run classify -m "$T/m" -i "$T/many.txt" -k 2 --explain 3 --threads 1
cp "$T/out" "$T/single"
run classify -m "$T/m" -i "$T/many.txt" -k 2 --explain 3 --threads 3
check classify_output_does_not_depend_on_the_thread_count '[ $rc -eq 0 ] && [ $(wc -l < "$T/out") -eq 20 ] && cmp -s "$T/out" "$T/single"'

run classify -m "$T/m" -i "$T/in.txt" --format text
check classify_text_format_prints_labels '[ "$out" = "$(printf "economy\nsports")" ]'

run classify -m "$T/m" -i "$T/in.txt" --format tsv -k 2
check classify_tsv_format_prints_label_prob_pairs 'echo "$out" | head -1 | grep -q "^economy	0\\.[0-9]*	sports	0\\.[0-9]*$"'

printf '{"id":"x1","text":"فاز الفريق"}\n{"id":2,"text":"ارتفع الدولار"}\n' > "$T/in.jsonl"
run classify -m "$T/m" -i "$T/in.jsonl"
check classify_jsonl_input_keeps_ids '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -q "^{\"id\":\"x1\",\"label\":\"sports\"" && echo "$out" | tail -1 | grep -q "^{\"id\":2,"'

printf 'فاز الفريق بالمباراة' > "$T/doc1.txt"
run classify -m "$T/m" "$T/doc1.txt"
check classify_files_one_document_each '[ $rc -eq 0 ] && echo "$out" | grep -q "\"label\":\"sports\""'

run cv -i $D/tiny.tsv --folds 4 --min-df 1 --json
check cv_json_reports_mean_and_spread '[ $rc -eq 0 ] && echo "$out" | grep -q "^{\"folds\":4,\"n\":20,\"accuracy\":{\"mean\":[0-9.]*,\"std\":[0-9.]*,\"folds\":\\[" && echo "$out" | grep -q "\"macro_f1\":{\"mean\":"'

run cv -i $D/tiny.tsv --folds 4 --min-df 1
check cv_text_report '[ $rc -eq 0 ] && echo "$out" | grep -q "^accuracy  [0-9.]* ± [0-9.]*"'

run info -m "$T/m" -k 3
check info_lists_labels_config_and_top_features '[ $rc -eq 0 ] && echo "$out" | grep -q "^labels        2" && echo "$out" | grep -q "economy *10 examples" && echo "$out" | grep -q "^  solver *lr" && echo "$out" | grep -q "^      +0\\.[0-9]*  [swc]:"'

run info -m "$T/m" --json
check info_json '[ $rc -eq 0 ] && echo "$out" | grep -q "^{\"format_version\":1,\"pair\":false,\"examples\":20"'

for f in tiny.jsonl tiny.ft dir; do
    run train -i $D/$f -o "$T/f" --min-df 1
    check "train_reads_$f" '[ $rc -eq 0 ] && [ -s "$T/f" ]'
done

run train -i $D/tiny.tsv -o "$T/hash" --hash-buckets 4096 --min-df 1
check hashing_model_trains '[ $rc -eq 0 ]'
run eval -m "$T/hash" -i $D/tiny-test.tsv --json
check hashing_model_classifies_held_out_text '[ $rc -eq 0 ] && echo "$out" | grep -q "\"accuracy\":1.0000"'
run info -m "$T/hash"
check hashing_model_reports_buckets 'echo "$out" | grep -q "^features      4096 (hash buckets)"'

run train -i $D/tiny.tsv -o "$T/cap" --min-df 1 --max-features 50 --use-idf false --sublinear-tf false
run info -m "$T/cap"
check max_features_caps_the_vocabulary '[ $rc -eq 0 ] && echo "$out" | grep -q "^features      50 (vocabulary)$" && echo "$out" | grep -q "^  use_idf  *false$" && echo "$out" | grep -q "^  sublinear_tf  *false$"'
run eval -m "$T/cap" -i $D/tiny-test.tsv --json
check a_capped_raw_tf_model_classifies '[ $rc -eq 0 ] && echo "$out" | grep -q "\"n\":4"'
run train -i $D/tiny.tsv -o "$T/hash-noidf" --hash-buckets 1024 --use-idf false
run eval -m "$T/hash-noidf" -i $D/tiny-test.tsv --json
check a_hashing_model_without_idf_classifies '[ $rc -eq 0 ] && echo "$out" | grep -q "\"n\":4"'

run train -i $D/pair.tsv -o "$T/pair" --min-df 1
check pair_training_records_the_pair '[ $rc -eq 0 ]'
run info -m "$T/pair"
check pair_model_says_so 'echo "$out" | grep -q "claim + text pairs"'
printf 'الحكومة رفعت أسعار الوقود\tنفت الحكومة رفع الأسعار\n' > "$T/pair.txt"
run classify -m "$T/pair" -i "$T/pair.txt"
check pair_model_classifies_claim_tab_text '[ $rc -eq 0 ] && echo "$out" | grep -q "\"label\":"'
run classify -m "$T/pair" -i "$T/in.txt"
check pair_model_refuses_lines_without_claim '[ $rc -eq 1 ] && echo "$err" | grep -q "in.txt:1: this model reads claim<TAB>text pairs"'

printf 'قال الوزير: «لن نتراجع» https://x.org ٣ صواريخ\n' > "$T/tok.txt"
run tokens -i "$T/tok.txt"
check tokens_shows_surface_and_stem '[ $rc -eq 0 ] && echo "$out" | grep -q "<url>/<url> <num>/<num>"'

printf 'ﻻ ﺍﻟﻌﺮﺑﻴﺔ WWW.example.com HTTPS://x.y\n' >"$T/forms.txt"
run tokens -i "$T/forms.txt" --nfkc false
check without_nfkc_presentation_forms_stay_words_and_urls_are_classes '[ $rc -eq 0 ] && [ "$out" = "ﻻ/لا ﺍﻟﻌﺮﺑﻴﺔ/عرب <url>/<url> <url>/<url>" ]'
printf '# my list\r\n\tفي \r\n  على\t\n\n' >"$T/sw.txt"
printf 'ذهب في الصباح على عجل\n' >"$T/sw-in.txt"
run tokens -i "$T/sw-in.txt" --stopwords "$T/sw.txt"
check a_stopword_file_ignores_comments_blanks_and_crlf '[ $rc -eq 0 ] && [ "$out" = "ذهب/ذهب الصباح/صباح عجل/عجل" ]'
awk 'BEGIN { for (i = 0; i < 600; i++) printf "x%c%c%c\n", 97 + i % 26, 97 + int(i / 26) % 26, 97 + int(i / 676) }' >"$T/sw-long.txt"
printf '%s keep %s this %s word\n' "$(sed -n 1p "$T/sw-long.txt")" "$(sed -n 300p "$T/sw-long.txt")" "$(sed -n 600p "$T/sw-long.txt")" >"$T/sw-long-in.txt"
run tokens -i "$T/sw-long-in.txt" --stopwords "$T/sw-long.txt"
check every_word_of_a_long_stopword_list_is_in_force '[ $rc -eq 0 ] && [ "$out" = "keep/keep this/this word/word" ]'
run --help
check help_lists_every_command '[ $rc -eq 0 ] && for c in train classify eval cv tune info tokens; do echo "$out" | grep -q "^  $c " || exit 1; done'
for c in train classify eval cv tune info tokens; do
    run $c --help
    check "${c}_help_exits_0_on_stdout" '[ $rc -eq 0 ] && echo "$out" | grep -q "^usage: tasnif $c" && [ -z "$err" ]'
done
run --version
check version '[ $rc -eq 0 ] && echo "$out" | grep -q "^tasnif [0-9]"'
finish
