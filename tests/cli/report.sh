# tests/cli/report.sh -- `tasnif report` and `eval --html`: one self-contained HTML page with
# the charts, escaped right-to-left texts, written atomically.
. tests/cli/lib.sh
S=datasets/stance/test.jsonl

# What the page must show is what `eval` computes for the same model and file.
$TASNIF eval -m stance -i $S >"$T/eval.txt" </dev/null 2>/dev/null
acc=$(sed -n 's/^accuracy  //p' "$T/eval.txt")
mf1=$(sed -n 's/^macro-F1  //p' "$T/eval.txt")
ece=$(sed -n 's/.*expected calibration error //p' "$T/eval.txt")
aa=$(awk '$1 == "attribution" && $5 == "(1)" {print $2}' "$T/eval.txt")
oo=$(awk '$1 == "other" && $5 == "(3)" {print $4}' "$T/eval.txt")

run report -m stance -i $S -o "$T/r.html"
check report_writes_the_page '[ $rc -eq 0 ] && [ -z "$out" ] && [ -z "$err" ] && [ -s "$T/r.html" ]'
check report_is_one_html_document 'head -1 "$T/r.html" | grep -q "^<!DOCTYPE html>" && tail -1 "$T/r.html" | grep -q "^</html>$" && [ $(grep -c "<html" "$T/r.html") -eq 1 ]'
check report_shows_accuracy_macro_f1_and_the_files '[ -n "$acc" ] && grep -qF "<b>$acc</b><span>accuracy" "$T/r.html" && grep -qF "<b>$mf1</b><span>macro-F1" "$T/r.html" && grep -q "<b>720</b><span>examples" "$T/r.html" && grep -q "<td>stance</td>" "$T/r.html" && grep -q "<td>datasets/stance/test.jsonl (jsonl, 720 examples)" "$T/r.html"'
check report_confusion_matrix_has_labels_squared_cells '[ $(grep -c "<rect class=\"cm-cell\"" "$T/r.html") -eq 9 ] && grep -q "<svg class=\"confusion\"" "$T/r.html"'
check report_confusion_cells_hold_the_counts '[ -n "$aa" ] && grep -q "<title>gold attribution, predicted attribution: $aa of 195" "$T/r.html" && grep -q ">$oo</text>" "$T/r.html"'
check report_has_three_bars_per_label '[ $(grep -c "<rect class=\"bar\"" "$T/r.html") -eq 9 ] && grep -q "class=\"support\">195<" "$T/r.html"'
check report_has_a_reliability_diagram 'grep -q "<svg class=\"reliability\"" "$T/r.html" && grep -q "<rect class=\"rel-bar\"" "$T/r.html" && grep -q "<line class=\"diagonal\"" "$T/r.html" && [ $(grep -c "class=\"bin-count\"" "$T/r.html") -eq 10 ] && [ -n "$ece" ] && grep -qF "Expected calibration error: $ece" "$T/r.html"'
check report_has_the_coverage_curve 'grep -q "<svg class=\"coverage\"" "$T/r.html" && grep -q "<polyline class=\"curve-acc\"" "$T/r.html" && grep -q "<polyline class=\"curve-cov\"" "$T/r.html"'
check report_lists_top_features 'grep -q "<section id=\"features\">" "$T/r.html" && [ $(grep -c "<td class=\"num\">+[0-9.]*</td><td><span class=\"kind\">" "$T/r.html") -eq 30 ]'
check report_lists_twenty_mistakes '[ $(grep -c "^<tr><td class=\"num\">[0-9]*</td><td class=\"num\">[0-9]*</td><td dir=\"auto\">" "$T/r.html") -eq 20 ]'
check report_loads_nothing_from_outside '! grep -Eiq "src=\"http|href=\"http|<script|<link|@import|@font-face|url\(|https?://" "$T/r.html"'
# Every Arabic text (documents, features) is in a right-to-left element.
check report_arabic_texts_are_right_to_left '[ $(grep -o "<[a-z0-9]* [^>]*lang=\"ar\"" "$T/r.html" | grep -vc "dir=\"rtl\"") -eq 0 ] && [ $(grep -o "<td dir=\"rtl\" lang=\"ar\"" "$T/r.html" | wc -l) -ge 50 ]'

run report -m stance -i $S -o "$T/r2.html"
check report_is_deterministic '[ $rc -eq 0 ] && cmp -s "$T/r.html" "$T/r2.html"'

# A mistake's text is escaped: markup shows as text, quotes and ampersands as entities.
printf '%s\n' '{"label":"other","text":"نفت الحكومة <b>الاتهامات</b> & وصفتها \"بالكاذبة\" '"'"'تماما'"'"'"}' \
    '{"label":"denial","text":"نفى المتحدث باسم الوزارة التقارير."}' >"$T/esc.jsonl"
run report -m stance -i "$T/esc.jsonl" -o "$T/esc.html"
check report_escapes_a_mistakes_text '[ $rc -eq 0 ] && grep -q "<td dir=\"rtl\" lang=\"ar\" class=\"ar\">نفت الحكومة &lt;b&gt;الاتهامات&lt;/b&gt; &amp; وصفتها &quot;بالكاذبة&quot; &#39;تماما&#39;</td>" "$T/esc.html" && ! grep -q "<b>الاتهامات" "$T/esc.html"'

# A long mistake is cut at a character boundary with an ellipsis; control characters are blanks.
long=$(for i in $(seq 1 80); do printf 'نفت الحكومة '; done)
printf '{"label":"other","text":"%s"}\n{"label":"denial","text":"نفى المتحدث التقارير."}\n{"label":"attribution","text":"نفى\\u0001 المتحدث\\u007f التقارير."}\n' "$long" >"$T/long.jsonl"
run report -m stance -i "$T/long.jsonl" -o "$T/long.html"
check report_cuts_a_long_text_on_a_character_with_an_ellipsis '[ $rc -eq 0 ] && grep -q "الحكومة نفت ال…</td>" "$T/long.html" && iconv -f UTF-8 -t UTF-8 "$T/long.html" >/dev/null'
check report_blanks_control_characters '! grep -q "$(printf "\001")" "$T/long.html" && ! grep -q "$(printf "\177")" "$T/long.html" && grep -q "نفى  المتحدث  التقارير." "$T/long.html"'
$TASNIF train -q -i tests/data/tiny.tsv -o "$T/svm.model" --solver svm --calibrate false --min-df 1 </dev/null 2>/dev/null
run report -m "$T/svm.model" -i tests/data/tiny-test.tsv -o "$T/svm.html"
check report_of_an_uncalibrated_svm_warns_its_scores_are_no_probabilities '[ $rc -eq 0 ] && grep -q "squashed SVM decision values, not probabilities: calibrate it (train --calibrate)" "$T/svm.html"'
$TASNIF train -q --multi-label true -i tests/data/multi.tsv -o "$T/ml.model" --min-df 1 </dev/null 2>/dev/null
run report -m "$T/ml.model" -i tests/data/multi-test.tsv -o "$T/ml.html"
check report_of_a_multi_label_model_points_to_eval '[ $rc -eq 1 ] && [ "$err" = "tasnif: report: the report is for single-label models; for a multi-label model use eval (--json)" ] && [ ! -e "$T/ml.html" ]'
run eval -m "$T/ml.model" -i tests/data/pair.tsv
check multi_label_eval_of_pairs_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "pair.tsv: examples have claims, but the model was trained on single texts$"'

run eval -m stance -i $S --html "$T/e.html"
check eval_html_prints_the_report_and_writes_the_page '[ $rc -eq 0 ] && [ "$(echo "$out" | sed -n "s/^accuracy  //p")" = "$acc" ] && [ $(grep -c "<rect class=\"cm-cell\"" "$T/e.html") -eq 9 ] && grep -q "<svg class=\"reliability\"" "$T/e.html"'
check eval_html_is_the_report_page 'cmp -s "$T/r.html" "$T/e.html"'
run eval -m stance -i $S --json --html="$T/e2.html"
check eval_html_equals_form_with_json '[ $rc -eq 0 ] && echo "$out" | grep -q "^{\"n\":720," && [ -s "$T/e2.html" ]'
run eval -m stance -i $S --html -
check eval_html_to_stdout_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q -- "--html needs a file name"'
run eval -m stance -i $S --html
check eval_html_without_a_file_is_a_usage_error '[ $rc -eq 2 ]'

run report -m stance -i $S -o "$T/no/such/dir/r.html"
check report_into_a_missing_directory_fails_and_leaves_nothing '[ $rc -eq 1 ] && echo "$err" | grep -q "$T/no/such/dir/r.html: cannot create" && [ ! -e "$T/no" ]'
run eval -m stance -i $S --html "$T/no/e.html"
check eval_html_into_a_missing_directory_fails_before_the_work '[ $rc -eq 1 ] && [ -z "$out" ] && [ ! -e "$T/no" ]'
run report -m /no/such.model -i $S -o "$T/m.html"
check report_bad_model_fails_with_a_message '[ $rc -eq 1 ] && echo "$err" | grep -q "^tasnif: report: .*/no/such.model" && [ ! -e "$T/m.html" ]'
run report -m stance -i "$T/missing.jsonl" -o "$T/m.html"
check report_bad_input_fails_with_a_message '[ $rc -eq 1 ] && echo "$err" | grep -q "missing.jsonl" && [ ! -e "$T/m.html" ]'

# A failure in the middle (a label the model never saw) keeps the old page whole.
cp "$T/r.html" "$T/keep.html"
printf '%s\n' '{"label":"denial","text":"نفت الحكومة الاتهامات."}' '{"label":"sports","text":"فاز الفريق."}' >"$T/unk.jsonl"
run report -m stance -i "$T/unk.jsonl" -o "$T/keep.html"
check report_failure_leaves_the_old_page_and_no_temporary '[ $rc -eq 1 ] && echo "$err" | grep -q "unk.jsonl:2: label \"sports\" is unknown" && cmp -s "$T/r.html" "$T/keep.html" && [ -z "$(ls "$T" | grep "\.tmp\.")" ]'

printf 'notes\n' >"$T/notes.txt"
run report -m stance -i "$T/esc.jsonl" -o "$T/notes.txt"
check report_will_not_replace_a_file_that_is_not_a_report '[ $rc -eq 1 ] && echo "$err" | grep -q -- "--force" && [ "$(cat "$T/notes.txt")" = notes ]'
run report -m stance -i "$T/esc.jsonl" -o "$T/notes.txt" --force
check report_force_replaces_it '[ $rc -eq 0 ] && grep -q "<svg class=\"confusion\"" "$T/notes.txt"'
run report -m stance -i "$T/esc.jsonl" -o "$T/esc.jsonl"
check report_will_not_overwrite_the_test_data '[ $rc -eq 1 ] && echo "$err" | grep -q "is the test data" && head -c 1 "$T/esc.jsonl" | grep -q "{"'
run report -m stance -i "$T/esc.jsonl" -o -
check report_dash_writes_to_standard_output '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -q "^<!DOCTYPE html>"'

$TASNIF train -q -i tests/data/tiny.tsv --hash-buckets 4096 --min-df 1 -o "$T/hash.model" 2>/dev/null
run report -m "$T/hash.model" -i tests/data/tiny-test.tsv -o "$T/h.html"
check report_says_a_hashing_model_has_no_feature_strings '[ $rc -eq 0 ] && grep -q "uses feature hashing (4096 buckets)" "$T/h.html" && [ $(grep -c "<rect class=\"cm-cell\"" "$T/h.html") -eq 4 ]'
$TASNIF train -q -i tests/data/pair.tsv --min-df 1 -o "$T/pair.model" 2>/dev/null
# Gold labels swapped: every example is a mistake, shown with its claim.
sed -e 's/^agree/X/' -e 's/^disagree/agree/' -e 's/^X/disagree/' tests/data/pair.tsv >"$T/swapped.tsv"
run report -m "$T/pair.model" -i "$T/swapped.tsv" -o "$T/p.html"
check report_of_a_pair_model_shows_the_claims '[ $rc -eq 0 ] && grep -q "<th class=\"r\">claim</th>" "$T/p.html" && grep -q "8 of 8 examples are labeled wrong" "$T/p.html" && [ $(grep -c "<td dir=\"rtl\" lang=\"ar\" class=\"ar\">الحكومة رفعت أسعار الوقود</td>" "$T/p.html") -eq 2 ]'

run report -m stance -i $S
check report_without_output_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "^usage: tasnif report"'
run report --help
check report_help_lists_its_options '[ $rc -eq 0 ] && echo "$out" | grep -q -- "-o, --output FILE"'
run --help
check report_is_in_the_command_list '[ $rc -eq 0 ] && echo "$out" | grep -q "^  report "'
finish
