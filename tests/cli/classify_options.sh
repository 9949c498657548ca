# tests/cli/classify_options.sh -- the number options of classify (and the commands sharing
# its parser) refused at every way a number can be wrong that options.sh leaves out: trailing
# junk, nothing at all, out of range for the type (1e999, 20 digits), not a number (nan), a
# leading sign or space; and help text that cannot be written.
. tests/cli/lib.sh
D=tests/data

usage_is a_k_with_trailing_letters_is_refused 'classify: -k needs a number from 1 to 1000, not "5x"' \
    classify -m topic -k 5x
usage_is an_empty_k_is_refused 'classify: -k needs a number from 1 to 1000, not ""' classify -m topic -k ''
usage_is a_k_of_twenty_digits_is_refused \
    'classify: -k needs a number from 1 to 1000, not "99999999999999999999"' \
    classify -m topic -k 99999999999999999999
usage_is an_empty_explain_is_refused 'classify: --explain needs a number from 0 to 1000' \
    classify -m topic --explain ''
usage_is a_max_doc_bytes_with_a_unit_is_refused \
    'classify: --max-doc-bytes needs a positive number of bytes (at most 1 TiB)' \
    classify -m topic --max-doc-bytes 5k
usage_is a_max_doc_bytes_of_twenty_five_digits_is_refused \
    'classify: --max-doc-bytes needs a positive number of bytes (at most 1 TiB)' \
    classify -m topic --max-doc-bytes 9999999999999999999999999
usage_is an_empty_min_prob_is_refused 'classify: --min-prob needs a number from 0 to 1' \
    classify -m topic --min-prob ''
usage_is a_nan_min_prob_is_refused 'classify: --min-prob needs a number from 0 to 1' \
    classify -m topic --min-prob nan
usage_is an_overflowing_min_prob_is_refused 'classify: --min-prob needs a number from 0 to 1' \
    classify -m topic --min-prob 1e999
usage_is a_nan_threshold_is_refused 'classify: --threshold needs a number above 0, at most 1' \
    classify -m topic --threshold nan
usage_is an_overflowing_threshold_is_refused 'classify: --threshold needs a number above 0, at most 1' \
    classify -m topic --threshold 1e999
usage_is a_threshold_with_trailing_junk_is_refused \
    'classify: --threshold needs a number above 0, at most 1' classify -m topic --threshold 0.5.5
usage_is a_seed_with_a_sign_is_refused 'cv: --seed needs a non-negative number' \
    cv -i $D/tiny.tsv --seed +3
usage_is a_seed_with_a_space_is_refused 'cv: --seed needs a non-negative number' \
    cv -i $D/tiny.tsv --seed ' 3'
usage_is an_unknown_metric_is_refused 'tune: --metric must be accuracy or macro-f1' \
    tune -i $D/tiny.tsv -o "$T/x" --metric f1
usage_is an_overflowing_budget_is_refused 'tune: --budget needs a positive number of seconds' \
    tune -i $D/tiny.tsv -o "$T/x" --budget 1e999
usage_is an_empty_budget_is_refused 'tune: --budget needs a positive number of seconds' \
    tune -i $D/tiny.tsv -o "$T/x" --budget ''
usage_is a_label_sep_of_nothing_is_refused 'eval: --label-sep needs one printable ASCII character' \
    eval -m topic -i $D/tiny.tsv --label-sep ''
[ ! -e "$T/x" ] && ok nothing_was_written_by_a_refused_tune || bad nothing_was_written_by_a_refused_tune

if [ -w /dev/full ]; then
    $TASNIF --help >/dev/full 2>"$T/err"
    rc=$?; err=$(cat "$T/err"); out=
    check help_to_a_full_device_is_an_error '[ $rc -eq 1 ] && [ "$err" = "tasnif: standard output: No space left on device" ]'
    $TASNIF classify --help >/dev/full 2>"$T/err"
    rc=$?; err=$(cat "$T/err")
    check classify_help_to_a_full_device_is_an_error '[ $rc -eq 1 ] && [ "$err" = "tasnif: classify: standard output: No space left on device" ]'
else
    echo "skip help_to_a_full_device_is_an_error: no /dev/full"
fi
# a signal the parent ignores stays ignored (nohup): SIGHUP does not stop such a classify
mkfifo "$T/fifo"
(trap '' HUP; exec $TASNIF classify -m topic --format text <"$T/fifo" >"$T/out" 2>"$T/err") &
pid=$!
exec 9>"$T/fifo"
sleep 0.5
kill -HUP $pid 2>/dev/null
sleep 0.2
printf 'فاز الفريق بالمباراة\n' >&9
exec 9>&-
wait $pid
rc=$?; out=$(cat "$T/out"); err=$(cat "$T/err")
check an_ignored_sighup_stays_ignored '[ $rc -eq 0 ] && [ "$out" = sports ] && [ -z "$err" ]'
finish
