# tests/cli/arguments.sh -- each command's required options, extra arguments and missing
# files: a usage error exits 2, a failure 1, each with one diagnostic naming the command and
# the option or file, and nothing on standard output.
. tests/cli/lib.sh
D=tests/data
$TASNIF train -q -i $D/tiny.tsv -o "$T/m" --min-df 1 </dev/null 2>/dev/null
$TASNIF train -q -i $D/pair.tsv -o "$T/pair.model" --min-df 1 </dev/null 2>/dev/null

# expect NAME STATUS ERE ARGS...
expect() {
    name=$1 want_rc=$2 want=$3
    shift 3
    run "$@"
    check "$name" '[ $rc -eq $want_rc ] && [ -z "$out" ] && echo "$err" | head -1 | grep -qE -e "$want"'
}
expect cv_with_an_extra_argument_is_a_usage_error 2 '^tasnif: cv: unexpected argument "extra"$' \
    cv -i $D/tiny.tsv extra
expect cv_without_input_is_a_usage_error 2 '^tasnif: cv: -i TRAIN is required$' cv
expect cv_names_a_missing_config 1 '^tasnif: cv: /no/c.json: No such file or directory$' \
    cv -i $D/tiny.tsv -c /no/c.json
expect cv_names_a_missing_dataset 1 '^tasnif: cv: /no/t.tsv: No such file or directory$' \
    cv -i /no/t.tsv
expect tune_with_an_extra_argument_is_a_usage_error 2 '^tasnif: tune: unexpected argument "extra"$' \
    tune -i $D/tiny.tsv -o "$T/t" extra
expect tune_without_output_is_a_usage_error 2 '^tasnif: tune: -i TRAIN and -o MODEL are required$' \
    tune -i $D/tiny.tsv
expect tune_names_a_missing_dataset 1 '^tasnif: tune: /no/t.tsv: No such file or directory$' \
    tune -i /no/t.tsv -o "$T/t"
expect tune_refuses_to_overwrite_its_data 1 '^tasnif: tune: .*tiny.tsv' \
    tune -i $D/tiny.tsv -o $D/tiny.tsv
expect report_with_an_extra_argument_is_a_usage_error 2 '^tasnif: report: unexpected argument "extra"$' \
    report -m "$T/m" -i $D/tiny-test.tsv -o "$T/r.html" extra
expect report_without_a_model_is_a_usage_error 2 '^tasnif: report: -m MODEL, -i TEST and -o REPORT are required$' \
    report -i $D/tiny-test.tsv -o "$T/r.html"
expect report_to_a_directory_asks_for_a_file_name 1 '^tasnif: report: -o /tmp: Is a directory; give a file name$' \
    report -m "$T/m" -i $D/tiny-test.tsv -o /tmp
expect report_refuses_to_overwrite_another_file 1 "^tasnif: report: -o $D/tiny.tsv exists and is not a tasnif report: refusing to overwrite it" \
    report -m "$T/m" -i $D/tiny-test.tsv -o $D/tiny.tsv
expect report_refuses_to_overwrite_its_input 1 '^tasnif: report: .*tiny-test.tsv' \
    report -m "$T/m" -i $D/tiny-test.tsv -o $D/tiny-test.tsv --force
expect report_names_a_missing_directory 1 '^tasnif: report: /no/dir/r.html: cannot create \(directory /no/dir: No such file or directory\)$' \
    report -m "$T/m" -i $D/tiny-test.tsv -o /no/dir/r.html
run report -m "$T/m" -i $D/tiny-test.tsv -o "$T/r.html"
run report -m "$T/m" -i $D/tiny-test.tsv -o "$T/r.html"
check report_replaces_its_own_report '[ $rc -eq 0 ] && grep -q "</html>" "$T/r.html"'
expect tokens_names_a_missing_model 1 '^tasnif: tokens: /no/m.model: No such file or directory$' \
    tokens -m /no/m.model
expect tokens_names_a_missing_stopword_list 1 '^tasnif: tokens: /no/sw.txt: No such file or directory$' \
    tokens --stopwords /no/sw.txt
expect tokens_names_a_missing_config 1 '^tasnif: tokens: /no/c.json: No such file or directory$' \
    tokens -c /no/c.json
expect label_names_a_missing_article 1 '^tasnif: label: /no/a.txt: No such file or directory$' \
    label -i /no/a.txt
expect label_refuses_a_pair_model 1 '^tasnif: label: label needs single-text models; .*pair.model was trained on claim \+ text pairs$' \
    label -i $D/article.txt --stance-model "$T/pair.model"
expect eval_with_an_extra_argument_is_a_usage_error 2 '^tasnif: eval: unexpected argument "extra"$' \
    eval -m "$T/m" -i $D/tiny-test.tsv extra
expect eval_without_input_is_a_usage_error 2 '^tasnif: eval: -m MODEL and -i TEST are required$' \
    eval -m "$T/m"
expect info_without_a_model_is_a_usage_error 2 '^tasnif: info: -m MODEL is required$' info
expect info_with_an_extra_argument_is_a_usage_error 2 '^tasnif: info: unexpected argument "extra"$' \
    info -m "$T/m" extra
expect classify_takes_input_or_files_not_both 2 '^tasnif: classify: give -i INPUT or FILE arguments, not both$' \
    classify -m "$T/m" -i $D/tiny.tsv "$T/a.txt"
run help
check help_as_a_command_prints_the_commands '[ $rc -eq 0 ] && echo "$out" | grep -q "^usage: tasnif <command>" && [ -z "$err" ]'
run -h
check dash_h_prints_the_commands '[ $rc -eq 0 ] && echo "$out" | grep -q "^usage: tasnif <command>"'
expect eval_threshold_is_for_multi_label_models 2 '^tasnif: eval: --threshold is for multi-label models$' \
    eval -m "$T/m" -i $D/tiny-test.tsv --threshold=0.5
expect eval_html_needs_a_file_name 2 '^tasnif: eval: --html needs a file name \(standard output carries the evaluation\)$' \
    eval -m "$T/m" -i $D/tiny-test.tsv --html -
expect eval_html_empty_needs_a_file_name 2 '^tasnif: eval: --html needs a file name' \
    eval -m "$T/m" -i $D/tiny-test.tsv --html=
$TASNIF train -q --multi-label true -i $D/multi.tsv -o "$T/ml.model" --min-df 1 </dev/null 2>/dev/null
expect eval_html_is_for_single_label_models 2 '^tasnif: eval: --html and --min-prob are for single-label models$' \
    eval -m "$T/ml.model" -i $D/multi-test.tsv --html "$T/x.html"
expect eval_options_end_at_a_double_dash 2 '^tasnif: eval: unexpected argument "-i"$' \
    eval -m "$T/m" -- -i $D/tiny-test.tsv
expect serve_wants_an_ipv4_address 1 '^tasnif: serve: --listen: "nohost" is not an IPv4 address$' \
    serve --listen nohost:0 -m "$T/m"
run info -m "$T/m" --json -k 2
check info_json_lists_each_labels_top_features '[ $rc -eq 0 ] && echo "$out" | grep -q "{\"label\":\"economy\",\"support\":10,\"top\":\[{\"feature\":\"[^\"]*\",\"weight\":[0-9.-]*},{\"feature\""'

# warnings count what they replaced or ignored, in the singular or the plural
printf 'sports\tفاز \377 الفريق\neconomy\tارتفع \376 السعر\nsports\tفاز الفريق\neconomy\tارتفع السعر\n' >"$T/inv2.tsv"
run train -i "$T/inv2.tsv" -o "$T/inv.model" --min-df 1
check two_invalid_examples_are_counted_in_one_warning '[ $rc -eq 0 ] && [ "$err" = "tasnif: train: warning: $T/inv2.tsv: 2 examples contain invalid UTF-8, replaced with U+FFFD (--strict to fail)" ]'
printf 'فاز \377 الفريق\nارتفع السعر\n' >"$T/inv1.txt"
run classify -m "$T/m" -i "$T/inv1.txt"
check one_invalid_line_is_counted_in_one_warning '[ $rc -eq 0 ] && [ "$err" = "tasnif: classify: warning: $T/inv1.txt: 1 line contains invalid UTF-8, replaced with U+FFFD (--strict to fail)" ]'
mkdir -p "$T/dd/sports" "$T/dd/economy"
printf 'فاز الفريق\n' >"$T/dd/sports/a.txt"
printf 'ارتفع السعر\n' >"$T/dd/economy/b.txt"
printf 'ملاحظة\n' >"$T/dd/n1.txt"
printf 'ملاحظة\n' >"$T/dd/n2.txt"
run train -i "$T/dd" -o "$T/dd.model" --min-df 1
check two_stray_files_are_counted_in_one_warning '[ $rc -eq 0 ] && [ "$err" = "tasnif: train: warning: $T/dd: 2 entries hold no document and are ignored: $T/dd/n1.txt (not in a label directory)" ]'
finish
