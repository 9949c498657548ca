# tests/cli/tokens_errors.sh -- `tasnif tokens`: a model's own pipeline with -m, and each input
# it cannot use named in its error (a model, a stop-word file, an input file; invalid UTF-8
# under --strict), with the warning for invalid UTF-8 naming standard input.
. tests/cli/lib.sh
D=tests/data
$TASNIF train -q -i $D/tiny.tsv --min-df 1 --fold-alef false -o "$T/m" </dev/null 2>/dev/null
printf 'إن الأمر\n' >"$T/in.txt"

run tokens -m "$T/m" -i "$T/in.txt"
model=$out
run tokens -i "$T/in.txt"
check tokens_uses_the_models_own_pipeline '[ $rc -eq 0 ] && [ -n "$model" ] && [ "$model" != "$out" ] && echo "$model" | grep -q "^الأمر/"'
run tokens -m "$T/none.model" -i "$T/in.txt"
check tokens_names_a_missing_model '[ $rc -eq 1 ] && [ -z "$out" ] && echo "$err" | grep -q "^tasnif: tokens: .*$T/none.model"'
run tokens --stopwords "$T/none.txt" -i "$T/in.txt"
check tokens_names_a_missing_stopword_file '[ $rc -eq 1 ] && [ -z "$out" ] && echo "$err" | grep -q "$T/none.txt"'
run tokens -i "$T/none.txt"
check tokens_names_a_missing_input '[ $rc -eq 1 ] && [ -z "$out" ] && echo "$err" | grep -q "$T/none.txt"'
printf 'كلمة \377 أخرى\n' >"$T/inv.txt"
run_in "$T/inv.txt" tokens
check tokens_warns_of_invalid_utf8_on_stdin '[ $rc -eq 0 ] && [ -n "$out" ] && echo "$err" | grep -q "^tasnif: tokens: warning: <stdin>: 1 line contains invalid UTF-8"'
run tokens --strict -i "$T/inv.txt"
check tokens_strict_refuses_invalid_utf8_naming_the_line '[ $rc -eq 1 ] && [ -z "$out" ] && echo "$err" | grep -q "$T/inv.txt:1"'
finish
