# tests/cli/report_output.sh -- where `tasnif report -o` and `eval --html` may write and what
# they say when they cannot: a device is written in place (/dev/null), a full device
# (/dev/full) is a write error naming the file, the model file is never overwritten; eval's
# own option parsing around --html (attached values, clusters, a stray "-"); and pages for
# models of 6, 12 and 24 labels, a calibrated model, and a directory of test files.
. tests/cli/lib.sh
D=tests/data
$TASNIF train -q -i $D/tiny.tsv --min-df 1 -o "$T/m" </dev/null 2>/dev/null
$TASNIF train -q -i $D/tiny.tsv --min-df 1 --calibrate true -o "$T/cal" </dev/null 2>/dev/null

run report -m "$T/m" -i $D/tiny-test.tsv -o /dev/null
check report_to_a_device_writes_it_in_place '[ $rc -eq 0 ] && [ -z "$out" ] && [ -z "$err" ] && [ -c /dev/null ]'
run report -m "$T/m" -i $D/tiny-test.tsv -o "$T/m"
check report_will_not_overwrite_the_model '[ $rc -eq 1 ] && [ "$err" = "tasnif: report: -o $T/m is the model: refusing to overwrite it" ] && $TASNIF info -m "$T/m" >/dev/null'
run report -m "$T/m" -i $D/tiny-test.tsv -o "$T"
check report_to_a_directory_asks_for_a_file_name '[ $rc -eq 1 ] && [ "$err" = "tasnif: report: -o $T: Is a directory; give a file name" ]'
run report -m "$T/m" -o "$T/r.html"
check report_without_test_data_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "are required"'
run report -m "$T/m" -i $D/tiny-test.tsv -o "$T/r.html" extra
check report_with_an_extra_argument_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "unexpected argument \"extra\"" && [ ! -e "$T/r.html" ]'
if [ -w /dev/full ]; then
    run report -m "$T/m" -i $D/tiny-test.tsv -o /dev/full
    check report_to_a_full_device_is_a_write_error '[ $rc -eq 1 ] && [ "$err" = "tasnif: report: /dev/full: cannot write: No space left on device" ]'
    run eval -m "$T/m" -i $D/tiny-test.tsv --html /dev/full
    check eval_html_to_a_full_device_fails_after_printing_the_evaluation '[ $rc -eq 1 ] && echo "$out" | grep -q "^accuracy" && [ "$err" = "tasnif: eval: /dev/full: cannot write: No space left on device" ]'
else
    echo "skip report_to_a_full_device_is_a_write_error: no /dev/full"
fi

# a report page that exists is replaced by a new one; the calibrated model says so
run report -m "$T/m" -i $D/tiny-test.tsv -o "$T/r.html"
run report -m "$T/cal" -i $D/tiny-test.tsv -o "$T/r.html"
check a_report_replaces_an_older_report '[ $rc -eq 0 ] && grep -q "calibrated (softmax of decision values over a temperature" "$T/r.html" && [ -z "$(ls "$T" | grep "r.html.tmp")" ]'

# a directory of test files: a mistake is located by its file, not a line
mkdir -p "$T/dir/economy" "$T/dir/sports"
cp $D/dir/economy/a.txt "$T/dir/economy/a.txt"
cp $D/dir/sports/a.txt "$T/dir/economy/wrong.txt"
cp $D/dir/sports/b.txt "$T/dir/sports/b.txt"
run report -m "$T/m" -i "$T/dir" -o "$T/dir.html"
check a_directory_report_locates_a_mistake_by_its_file '[ $rc -eq 0 ] && grep -q "<tr><td class=\"num\">1</td><td class=\"num\">$T/dir/economy/wrong.txt</td>" "$T/dir.html"'

# eval's option parsing around --html
run eval -m"$T/m" -i $D/tiny-test.tsv --html "$T/e.html" --json
check eval_takes_an_attached_model_value_with_html '[ $rc -eq 0 ] && echo "$out" | grep -q "^{\"n\":4," && grep -q "<svg class=\"confusion\"" "$T/e.html"'
run eval -qm "$T/m" --html="$T/e2.html" -i $D/tiny-test.tsv
check eval_takes_a_cluster_ending_in_m '[ $rc -eq 0 ] && echo "$out" | grep -q "^accuracy" && cmp -s "$T/e.html" "$T/e2.html"'
run eval -m "$T/m" -i $D/tiny-test.tsv -
check eval_with_a_stray_dash_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "unexpected argument \"-\""'
run eval -m "$T/m" --html "$T/e3.html" -i
check eval_with_a_trailing_i_is_a_usage_error '[ $rc -eq 2 ] && [ -z "$out" ] && [ ! -e "$T/e3.html" ]'
run eval -m "$T/m"
check eval_without_test_data_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "are required"'
run eval -m "$T/m" -i $D/tiny-test.tsv --threshold 0.5
check eval_threshold_on_a_single_label_model_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q -- "--threshold is for multi-label models"'
run eval -m "$T/m" -i $D/tiny-test.tsv --min-prob 1 --json
check eval_min_prob_that_no_answer_reaches_covers_nothing '[ $rc -eq 0 ] && echo "$out" | grep -q "\"min_prob\":{\"threshold\":1.0000,\"coverage\":0.0000,\"accuracy\":0.0000}"'

# many labels: the page's cells shrink; the aligned report lists the top confusions
sh tests/gen_many_labels.sh 240 6 3 >"$T/l6.tsv"
sh tests/gen_many_labels.sh 480 12 3 >"$T/l12.tsv"
sh tests/gen_many_labels.sh 960 24 3 >"$T/l24.tsv"
for k in 6 12 24; do
    $TASNIF train -q -i "$T/l$k.tsv" --min-df 1 -o "$T/l$k.model" </dev/null 2>/dev/null
    sh tests/gen_many_labels.sh 200 $k 11 >"$T/t$k.tsv"
    run report -m "$T/l$k.model" -i "$T/t$k.tsv" -o "$T/l$k.html"
    check "a_report_of_${k}_labels_has_${k}_squared_cells" '[ $rc -eq 0 ] && [ $(grep -c "<rect class=\"cm-cell\"" "$T/l$k.html") -eq $((k * k)) ]'
done
run eval -m "$T/l24.model" -i "$T/t24.tsv"
check eval_of_24_labels_lists_the_20_most_frequent_confusions '[ $rc -eq 0 ] && echo "$out" | grep -q "^confusion: 24 labels, too many for the matrix (--json has all of it); the 20 most frequent of [0-9]* errors" && [ $(echo "$out" | grep -c "^ *[0-9]*  [^ ]* -> [^ ]*$") -eq 20 ]'
# most frequent first
echo "$out" | grep "^ *[0-9]*  [^ ]* -> " | awk '{print $1}' >"$T/counts"
check the_confusions_are_most_frequent_first 'sort -rn "$T/counts" | cmp -s - "$T/counts"'
finish
