# tests/cli/tune.sh -- `tasnif tune`: a table of candidates, the best saved as a model that
# records its config, the same search and model on every run, --json, --budget.
. tests/cli/lib.sh
D=tests/data
run tune -i $D/tiny.tsv -o "$T/a" --min-df 1 --folds 2
check tune_prints_a_table_of_candidates \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "^  1  (the given config)" && [ $(echo "$out" | grep -c "± ") -ge 15 ]'
check tune_marks_the_first_candidate_best '[ "$(echo "$out" | grep "^  1 " | grep -c "\*$")" -eq 1 ]'
check tune_saves_a_model '[ -s "$T/a" ]'
chosen=$(echo "$out" | sed -n '/^chosen config/,$p' | tr -d ' \n\t' | sed 's/^chosenconfig[^:]*)://')
units=$(echo "$chosen" | sed 's/.*"units":"\([a-z]*\)".*/\1/')
C=$(echo "$chosen" | sed 's/.*"C":\([0-9.e+-]*\).*/\1/')
run info -m "$T/a"
check the_model_records_the_chosen_config \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "^  units  *$units$" && echo "$out" | grep -q "^  C  *$C$"'
run tune -i $D/tiny.tsv -o "$T/b" --min-df 1 --folds 2
check tune_is_deterministic 'cmp -s "$T/a" "$T/b"'
run tune -i $D/tiny.tsv -o "$T/c" --min-df 1 --folds 2 --json --metric accuracy
check tune_json_has_one_object_per_candidate_and_the_choice \
    '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -q "^{\"candidate\":1,\"change\":\"(the given config)\",\"accuracy\":" && echo "$out" | tail -1 | grep -q "^{\"chosen\":{\"nfkc\":"'
run tune -i $D/tiny.tsv -o "$T/d" --min-df 1 --folds 2 --budget 0.000001
check a_spent_budget_stops_the_search_with_a_warning \
    '[ $rc -eq 0 ] && [ $(echo "$out" | grep -c "± ") -eq 1 ] && echo "$err" | grep -q "budget" && [ -s "$T/d" ]'
run tune -i $D/tiny.tsv -o "$T/e" --metric recall
check an_unknown_metric_is_a_usage_error '[ $rc -eq 2 ] && [ ! -e "$T/e" ]'
run tune -i $D/pair.tsv -o "$T/p" --min-df 1
check tune_on_pairs_also_tries_the_claim_and_pair_features \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "claim_features=true pair_features=auto" && echo "$out" | grep -q "claim_features=false pair_features=auto" && echo "$out" | grep -q "claim_features=auto pair_features=true" && [ -s "$T/p" ]'
run info -m "$T/p"
check the_tuned_pair_model_reads_pairs '[ $rc -eq 0 ] && echo "$out" | grep -q "^input  *claim + text pairs$"'
finish
