# tests/cli/errors.sh -- usage errors exit 2, failures exit 1, each with one clear message.
. tests/cli/lib.sh
D=tests/data
run train -i $D/tiny.tsv -o "$T/m" --min-df 1

run
check no_command_is_a_usage_error '[ $rc -eq 2 ]'
run frobnicate
check unknown_command_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown command"'
run train -i $D/tiny.tsv
check missing_output_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "required"'
run train -i $D/tiny.tsv -o "$T/x" --bogus 1
check unknown_flag_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown option --bogus"'
run train -i $D/tiny.tsv -o "$T/x" --C -3
check bad_option_value_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "C must be between"'
run train -i $D/tiny.tsv -o "$T/x" --word-ngram-min 3 --word-ngram-max 2
check inconsistent_options_are_a_usage_error '[ $rc -eq 2 ]'
run classify -m "$T/m" --format xml
check bad_output_format_is_a_usage_error '[ $rc -eq 2 ]'

run train -i /no/such/file -o "$T/x"
check missing_input_file '[ $rc -eq 1 ] && echo "$err" | grep -q "^tasnif: train: /no/such/file: No such file or directory$"'
printf 'a\tb\nc\td\te\tf\n' > "$T/cols.tsv"
run train -i "$T/cols.tsv" -o "$T/x"
check wrong_column_count_names_file_and_line '[ $rc -eq 1 ] && echo "$err" | grep -q "cols.tsv:2: expected 2 or 3 tab-separated columns" && [ ! -e "$T/x" ]'
printf 'a\tgood\nb\tba\377d\n' > "$T/utf.tsv"
run train -i "$T/utf.tsv" -o "$T/x" --strict
check strict_invalid_utf8_names_the_line '[ $rc -eq 1 ] && echo "$err" | grep -q "utf.tsv:2: invalid UTF-8"'
run train -i "$T/utf.tsv" -o "$T/x" --min-df 1
check lenient_invalid_utf8_is_replaced_with_a_warning '[ $rc -eq 0 ] && echo "$err" | grep -q "1 example contains invalid UTF-8"'
printf 'a\tone\na\ttwo\n' > "$T/one.tsv"
run train -i "$T/one.tsv" -o "$T/x2"
check a_single_class_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "only one label" && [ ! -e "$T/x2" ]'
run train -i $D/tiny.tsv -o /no/such/dir/model
check unwritable_output_fails_cleanly '[ $rc -eq 1 ] && echo "$err" | grep -q "/no/such/dir/model: cannot create"'
run train -i $D/tiny.tsv -o /dev/full/m
check output_under_a_non_directory_fails '[ $rc -eq 1 ]'

printf 'unknown\tفاز الفريق\n' > "$T/unk.tsv"
run eval -m "$T/m" -i "$T/unk.tsv"
check eval_refuses_labels_the_model_never_saw '[ $rc -eq 1 ] && echo "$err" | grep -q "unk.tsv:1: label \"unknown\" is unknown to the model"'
run eval -m $D/tiny.tsv -i $D/tiny.tsv
check a_text_file_is_not_a_model '[ $rc -eq 1 ] && echo "$err" | grep -q "not a tasnif model file"'
head -c 200 "$T/m" > "$T/trunc"
run classify -m "$T/trunc" -i $D/tiny.tsv
check truncated_model_is_reported '[ $rc -eq 1 ] && echo "$err" | grep -q "truncated"'
sed '1s/^tasnif-model 1/tasnif-model 7/' "$T/m" > "$T/future"
run info -m "$T/future"
check future_format_version_is_reported '[ $rc -eq 1 ] && echo "$err" | grep -q "version 7 is newer"'
run eval -m "$T/m" -i $D/pair.tsv
check pair_data_on_a_single_text_model_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "claims"'
printf '{"text": 5}\n' > "$T/bad.jsonl"
run classify -m "$T/m" -i "$T/bad.jsonl"
check classify_bad_jsonl_names_the_line '[ $rc -eq 1 ] && echo "$err" | grep -q "bad.jsonl:1: \"text\" must be a string"'
run train -i $D/tiny.tsv -o "$T/x3" --input-format text
check labeled_commands_refuse_the_text_format \
    '[ $rc -eq 1 ] && echo "$err" | grep -q "text format carries no labels" && [ ! -e "$T/x3" ]'
finish
