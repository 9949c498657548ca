# tests/cli/classify_formats.sh -- `tasnif classify`'s output formats and rarer options: tsv
# with a withheld answer and with --explain, an empty document under -k and under --strict,
# FILE arguments (too large, invalid UTF-8), the threaded reading of an input file (ids and
# claims carried through, a pair model without a claim, a bad line after a full batch), a
# full output device, and the required -m.
. tests/cli/lib.sh
D=tests/data
$TASNIF train -q -i $D/tiny.tsv --min-df 1 -o "$T/m" </dev/null 2>/dev/null
$TASNIF train -q -i $D/pair.tsv --min-df 1 -o "$T/pair" </dev/null 2>/dev/null
$TASNIF train -q --multi-label true -i $D/multi.tsv --min-df 1 -o "$T/ml" </dev/null 2>/dev/null
cut -f2 $D/tiny-test.tsv >"$T/docs.txt"

run classify -i "$T/docs.txt"
check classify_without_a_model_is_a_usage_error '[ $rc -eq 2 ] && [ -z "$out" ] && echo "$err" | grep -q "^tasnif: classify: -m MODEL is required$"'

# tsv: a withheld answer starts with "-", then the best label and its probability
run classify -m "$T/m" -i "$T/docs.txt" --format tsv --min-prob 1
check tsv_below_min_prob_starts_with_a_dash '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 4 ] && [ "$(echo "$out" | grep -c "^-	[a-z]*	0\.[0-9]\{4\}$")" -eq 4 ]'
run classify -m "$T/m" -i "$T/docs.txt" --format tsv --explain 2
check tsv_explain_appends_feature_weights '[ $rc -eq 0 ] && [ "$(echo "$out" | head -1 | awk -F"\t" "{print NF}")" -eq 4 ] && echo "$out" | head -1 | grep -qE "	[^	=]+=-?[0-9]+\.[0-9]{4}	[^	=]+=-?[0-9]+\.[0-9]{4}$"'

# an empty document: no label and no top list under -k; an error under --strict
printf '%s\n\n' "$(head -1 "$T/docs.txt")" >"$T/blank.txt"
run classify -m "$T/m" -i "$T/blank.txt" -k 2
check an_empty_document_gets_no_top_list '[ $rc -eq 0 ] && [ "$(echo "$out" | sed -n 2p)" = "{\"label\":null,\"prob\":0.0000}" ] && echo "$out" | head -1 | grep -q "\"top\":" && echo "$err" | grep -q "warning: 1 empty document (blank"'
run classify -m "$T/m" -i "$T/blank.txt" --strict -t 1
check strict_refuses_an_empty_document_naming_its_line '[ $rc -eq 1 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$err" | grep -q "^tasnif: classify: $T/blank.txt:2: empty document (blank, or nothing left after normalization; without --strict it gets no label)$"'
run classify -m "$T/m" -i "$T/blank.txt" --strict -t 2
check strict_refuses_an_empty_document_on_threads_too '[ $rc -eq 1 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$err" | grep -q "$T/blank.txt:2: empty document"'

# FILE arguments: each file one document, within --max-doc-bytes, invalid bytes replaced
head -c 3000 /dev/zero | tr '\0' 'a' >"$T/big.txt"
run classify -m "$T/m" --max-doc-bytes 1000 "$T/big.txt"
check a_file_over_max_doc_bytes_is_refused_by_name '[ $rc -eq 1 ] && [ -z "$out" ] && [ "$err" = "tasnif: classify: $T/big.txt: document larger than the limit of 1000 bytes (--max-doc-bytes)" ]'
printf 'فاز الفريق \377 بالمباراة' >"$T/inv.txt"
run classify -m "$T/m" --format text "$T/inv.txt"
check a_file_with_invalid_utf8_is_classified_with_a_warning '[ $rc -eq 0 ] && [ "$out" = sports ] && echo "$err" | grep -q "$T/inv.txt.*invalid UTF-8"'
run classify -m "$T/m" "$T/nonexistent.txt"
check a_missing_file_argument_is_named '[ $rc -eq 1 ] && [ -z "$out" ] && echo "$err" | grep -q "$T/nonexistent.txt"'
run classify -m "$T/m" -i "$T/nonexistent.txt"
check a_missing_input_file_is_named '[ $rc -eq 1 ] && [ -z "$out" ] && echo "$err" | grep -q "$T/nonexistent.txt"'

# an input file on threads: ids and claims carried through, in input order
printf '{"id":"a","claim":"الحكومة رفعت أسعار الوقود","text":"نفت الحكومة أي نية لرفع أسعار الوقود"}\n{"id":9,"claim":"الفريق فاز","text":"احتفل الفريق بالبطولة"}\n' >"$T/pairs.jsonl"
run classify -m "$T/pair" -i "$T/pairs.jsonl" -t 3
one=$out
run_in "$T/pairs.jsonl" classify -m "$T/pair" -t 1
check threads_carry_ids_and_claims_as_a_pipe_does '[ $rc -eq 0 ] && [ "$out" = "$one" ] && echo "$out" | head -1 | grep -q "^{\"id\":\"a\",\"label\":" && echo "$out" | sed -n 2p | grep -q "^{\"id\":9,\"label\":"'
printf '{"text":"نص بلا ادعاء"}\n' >"$T/noclaim.jsonl"
run classify -m "$T/pair" -i "$T/noclaim.jsonl" -t 2
check a_pair_model_on_threads_needs_claims '[ $rc -eq 1 ] && [ -z "$out" ] && [ "$err" = "tasnif: classify: $T/noclaim.jsonl:1: this model needs a claim with each text" ]'

# a bad line after a whole batch (2 threads: 256 documents): those before it are answered
i=0
while [ $i -lt 300 ]; do
    echo '{"text":"فاز الفريق بالمباراة"}'
    i=$((i + 1))
done >"$T/long.jsonl"
echo '{"text": broken' >>"$T/long.jsonl"
run classify -m "$T/m" -i "$T/long.jsonl" -t 2 --format text
check a_bad_line_after_a_batch_still_answers_the_lines_before '[ $rc -eq 1 ] && [ "$(echo "$out" | wc -l)" -eq 300 ] && echo "$err" | grep -q "$T/long.jsonl:301"'

# multi-label: a --threshold that every label reaches gives them all, in tsv and text
run classify -m "$T/ml" -i "$T/docs.txt" --threshold 0.0001 --format text
check a_low_threshold_gives_every_label '[ $rc -eq 0 ] && [ "$(echo "$out" | grep -c "^[a-z]*,[a-z]*,[a-z]*$")" -eq 4 ]'
run classify -m "$T/m" -i "$T/docs.txt" --threshold 0.5
check threshold_on_a_single_label_model_is_a_usage_error '[ $rc -eq 2 ] && [ -z "$out" ] && echo "$err" | grep -q "threshold is for multi-label models"'

# a full output device: the write error is reported, not lost
if [ -w /dev/full ]; then
    $TASNIF classify -m "$T/m" -i "$T/docs.txt" >/dev/full 2>"$T/err"
    rc=$?
    err=$(cat "$T/err")
    out=
    check a_full_output_device_is_an_error '[ $rc -eq 1 ] && echo "$err" | grep -q "cannot write output: No space left on device"'
else
    echo "skip a_full_output_device_is_an_error: no /dev/full"
fi
finish
