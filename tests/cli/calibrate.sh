# tests/cli/calibrate.sh -- calibrated probabilities (a temperature fitted by cross-validation)
# and --min-prob on classify and eval.
. tests/cli/lib.sh
D=tests/data
run train -i $D/tiny.tsv -o "$T/raw" --min-df 1
run train -i $D/tiny.tsv -o "$T/cal" --min-df 1 --calibrate true
check calibrated_training_succeeds '[ $rc -eq 0 ] && [ -s "$T/cal" ]'
run info -m "$T/cal"
check info_reports_the_temperature '[ $rc -eq 0 ] && echo "$out" | grep -q "^probabilities calibrated: softmax of decision values / [0-9.e-]* "'
run info -m "$T/cal" --json
check info_json_has_the_temperature 'echo "$out" | grep -q "\"probabilities\":true,\"temperature\":[0-9.e-]*,"'
run info -m "$T/raw" --json
check an_uncalibrated_model_has_no_temperature 'echo "$out" | grep -q "\"temperature\":null"'
$TASNIF classify -m "$T/raw" --format text -i $D/tiny-test.tsv > "$T/l_raw" 2>/dev/null
$TASNIF classify -m "$T/cal" --format text -i $D/tiny-test.tsv > "$T/l_cal" 2>/dev/null
check calibration_never_changes_the_predicted_label '[ -s "$T/l_raw" ] && cmp -s "$T/l_raw" "$T/l_cal"'
run classify -m "$T/cal" -i $D/tiny-test.tsv
sum=$(echo "$out" | head -1 | sed 's/.*"prob":\([0-9.]*\).*/\1/')
check calibrated_probs_are_probabilities 'awk -v p="$sum" "BEGIN { exit !(p > 0.5 && p <= 1) }"'
run classify -m "$T/cal" -i $D/tiny-test.tsv --min-prob 1
check min_prob_1_withholds_every_label \
    '[ $rc -eq 0 ] && [ $(echo "$out" | grep -c "^{\"label\":null,\"prob\":") -eq $(wc -l < $D/tiny-test.tsv) ]'
run classify -m "$T/cal" -i $D/tiny-test.tsv --min-prob 0 --format text
check min_prob_0_withholds_nothing '[ $rc -eq 0 ] && ! echo "$out" | grep -q "^-$"'
run classify -m "$T/cal" -i $D/tiny-test.tsv --min-prob 1.5
check min_prob_out_of_range_is_a_usage_error '[ $rc -eq 2 ]'
run eval -m "$T/cal" -i $D/tiny-test.tsv --json --min-prob 0.5
check eval_json_reports_log_loss_ece_and_coverage \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "\"log_loss\":[0-9.]*,\"ece\":[0-9.]*,\"min_prob\":{\"threshold\":0.5000,\"coverage\":[0-9.]*,\"accuracy\":[0-9.]*}}$"'
run eval -m "$T/cal" -i $D/tiny-test.tsv --min-prob 0.5
check eval_report_shows_coverage '[ $rc -eq 0 ] && echo "$out" | grep -q "^--min-prob 0.50: answers [0-9]* of [0-9]* (coverage"'
finish
