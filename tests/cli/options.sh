# tests/cli/options.sh -- every option value checked before any work: a bad value is a usage
# error (exit 2, one diagnostic naming the option); a config file with a wrong type fails
# (exit 1) naming the file and the key.
. tests/cli/lib.sh
D=tests/data

usage_like zero_threads_is_a_usage_error '^tasnif: classify: --threads needs a number from 1 to 256$' \
    classify -m topic --threads 0
usage_like threads_with_letters_is_a_usage_error '--threads needs a number' classify -m topic -t 2x
usage_like a_k_of_zero_is_a_usage_error '^tasnif: classify: -k needs a number from 1 to 1000, not "0"$' \
    classify -m topic -k 0
usage_like an_unknown_input_format_is_a_usage_error 'unknown input format "xml" \(auto, tsv' \
    classify -m topic --input-format xml
usage_like a_zero_max_doc_bytes_is_a_usage_error '--max-doc-bytes needs a positive number of bytes' \
    classify -m topic --max-doc-bytes 0
usage_like a_max_doc_bytes_above_1_tib_is_a_usage_error '--max-doc-bytes needs a positive number' \
    classify -m topic --max-doc-bytes 1099511627777
usage_like a_signed_max_doc_bytes_is_a_usage_error '--max-doc-bytes needs a positive number' \
    classify -m topic --max-doc-bytes +5
usage_like an_explain_above_1000_is_a_usage_error '--explain needs a number from 0 to 1000' \
    classify -m topic --explain 1001
usage_like one_fold_is_a_usage_error '--folds needs a number from 2 to 100' cv -i $D/tiny.tsv --folds 1
usage_like a_negative_seed_is_a_usage_error '--seed needs a non-negative number' \
    cv -i $D/tiny.tsv --seed -1
usage_like a_min_prob_above_1_is_a_usage_error '--min-prob needs a number from 0 to 1' \
    classify -m topic --min-prob 1.5
usage_like a_min_prob_with_letters_is_a_usage_error '--min-prob needs a number from 0 to 1' \
    classify -m topic --min-prob 0.5x
usage_like a_zero_threshold_is_a_usage_error '--threshold needs a number above 0, at most 1' \
    classify -m topic --threshold 0
usage_like an_empty_threshold_is_a_usage_error '--threshold needs a number above 0' \
    classify -m topic --threshold ''
usage_like a_two_character_label_sep_is_a_usage_error '--label-sep needs one printable ASCII character' \
    train -i $D/multi.tsv -o "$T/x" --label-sep ';;'
usage_like a_space_label_sep_is_a_usage_error '--label-sep needs one printable ASCII character' \
    train -i $D/multi.tsv -o "$T/x" --label-sep ' '
usage_like a_non_ascii_label_sep_is_a_usage_error '--label-sep needs one printable ASCII character' \
    train -i $D/multi.tsv -o "$T/x" --label-sep "$(printf '\177')"
usage_like a_zero_budget_is_a_usage_error '--budget needs a positive number of seconds' \
    tune -i $D/tiny.tsv -o "$T/x" --budget 0
usage_like a_budget_in_words_is_a_usage_error '--budget needs a positive number of seconds' \
    tune -i $D/tiny.tsv -o "$T/x" --budget soon
usage_like an_unknown_short_option_is_a_usage_error 'unknown option -Z, or it lacks its value' \
    classify -m topic -Z
usage_like a_missing_option_value_is_a_usage_error 'unknown option -m, or it lacks its value' \
    classify -m
usage_like a_bool_flag_takes_true_or_false '^tasnif: train: sublinear_tf must be true or false, not "maybe"$' \
    train -i $D/tiny.tsv -o "$T/x" --sublinear-tf maybe
usage_like a_number_flag_takes_a_number '^tasnif: train: C must be a number, not "big"$' \
    train -i $D/tiny.tsv -o "$T/x" --C big
usage_like an_enum_flag_names_its_choices 'solver must be one of lr, lr-dual, svm' \
    train -i $D/tiny.tsv -o "$T/x" --solver magic
usage_like a_long_stopwords_path_is_refused '^tasnif: train: stopwords: value must be 1 to 511 bytes long$' \
    train -i $D/tiny.tsv -o "$T/x" --stopwords "$(printf '%05000d' 0)"
usage_like an_empty_stopwords_path_is_refused 'stopwords: value must be 1 to 511 bytes long' \
    train -i $D/tiny.tsv -o "$T/x" --stopwords ''
run train -i $D/tiny.tsv -o "$T/yes" --min-df 1 --sublinear-tf yes --use-idf 1 --fold-case no \
    --nfkc 0 -q
check bool_flags_take_yes_no_1_0 '[ $rc -eq 0 ] && [ -s "$T/yes" ]'
[ ! -e "$T/x" ] && ok nothing_was_written_by_a_refused_command || bad nothing_was_written_by_a_refused_command

# config files: types are checked, "_" keys are comments, errors name the file
cfg() { printf '%s' "$1" >"$T/cfg.json"; run train -i $D/tiny.tsv -o "$T/c" -c "$T/cfg.json"; }
cfg '{"sublinear_tf": "yes"}'
check a_config_bool_must_be_true_or_false '[ $rc -eq 1 ] && echo "$err" | grep -q "cfg.json: \"sublinear_tf\" must be true or false"'
cfg '{"C": "1"}'
check a_config_number_must_be_a_number '[ $rc -eq 1 ] && echo "$err" | grep -q "cfg.json: \"C\" must be a number"'
cfg '{"solver": 3}'
check a_config_string_must_be_a_string '[ $rc -eq 1 ] && echo "$err" | grep -q "cfg.json: \"solver\" must be a string"'
cfg '{"C": 1e999}'
check a_config_number_out_of_range_names_the_file '[ $rc -eq 1 ] && echo "$err" | grep -q "cfg.json: C must be between"'
cfg '[1, 2]'
check a_config_must_be_an_object '[ $rc -eq 1 ] && echo "$err" | grep -q "cfg.json: a config must be a JSON object"'
cfg '{"char_ngram_min": 4, "char_ngram_max": 3}'
check inconsistent_char_ngrams_name_the_file '[ $rc -eq 1 ] && echo "$err" | grep -q "cfg.json: char_ngram_max (3) is below char_ngram_min (4)"'
cfg '{"_comment": "kept apart", "min_df": 1, "claim_features": true}
   '
check comments_booleans_and_trailing_blanks_are_fine '[ $rc -eq 0 ] && [ -s "$T/c" ]'
cfg '{"min_df": 1,
"C": }'
check a_config_error_names_its_line '[ $rc -eq 1 ] && echo "$err" | grep -q "cfg.json:2: invalid JSON"'
cfg ''
check an_empty_config_is_invalid_json '[ $rc -eq 1 ] && echo "$err" | grep -q "cfg.json:1: invalid JSON"'
finish
