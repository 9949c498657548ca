# tests/cli/readers.sh -- the dataset and document readers at their edges: byte-order marks of
# other encodings, Windows-1256 text, JSON-lines ids, escapes and label arrays, fastText and
# TSV spacing; each refusal names the file and line with exit 1.
. tests/cli/lib.sh
D=tests/data
$TASNIF train -q -i $D/tiny.tsv -o "$T/m" --min-df 1 </dev/null 2>/dev/null
sports='فاز الفريق بالمباراة النهائية'
economy='ارتفع سعر صرف الدولار'

# ---- Other encodings: named, with the iconv command that converts them
for enc in UTF-32LE UTF-32BE UTF-16BE; do
    case $enc in
    UTF-32LE) printf '\377\376\000\000s\000\000\000' ;;
    UTF-32BE) printf '\000\000\376\377\000\000\000s' ;;
    UTF-16BE) printf '\376\377\000s' ;;
    esac >"$T/$enc.tsv"
    run train -i "$T/$enc.tsv" -o "$T/x"
    check "a_${enc}_byte_order_mark_is_named_with_iconv" '[ $rc -eq 1 ] && echo "$err" | grep -q "^tasnif: train: .*/$enc.tsv: the file is $enc, not UTF-8.*iconv -f $enc -t UTF-8$" && [ ! -e "$T/x" ]'
done
printf 'sports\t\307\341\341\307\322\345 \307\341\341\307\322\345 \307\341\341\n' >"$T/cp1256.tsv"
run train -i "$T/cp1256.tsv" -o "$T/x"
check windows_1256_text_is_named_with_iconv '[ $rc -eq 1 ] && echo "$err" | grep -q "cp1256.tsv:1: not UTF-8: this looks like Windows-1256 (CP1256) Arabic; convert it first: iconv -f CP1256 -t UTF-8"'

# ---- JSON lines: ids come back as written, escapes are decoded or refused
cat >"$T/ids.jsonl" <<'END'
{"id": -0.5e+3, "text": "نص"}
{ "id" : 12 , "text": "نص"}
{"meta": {"id": 1}, "x": [1, {"id": 2}], "id": 1E5, "text": "نص"}
{"id": 007, "text": "نص"}
{"\u0069d": 5, "text": "نص"}
{"id": 2.5e-3, "text": "نص"}
{"id": null, "text": "نص"}
END
run classify -m "$T/m" -i "$T/ids.jsonl"
ids=$(echo "$out" | sed -n 's/^{"id":\([^,]*\),.*/\1/p' | tr '\n' ' ')
check numeric_ids_come_back_as_written '[ $rc -eq 0 ] && [ "$ids" = "-0.5e+3 12 1E5 7 5 2.5e-3 " ] && [ "$(echo "$out" | sed -n 7p | cut -c1-9)" = "{\"label\":" ]'
printf '{"id": 0, "text": "نص"}\n{"id": -5, "text": "نص"}\n{"id": 1.5E+2, "text": "نص"}\n{"id"\t:\t3, "text": "نص"}\n{"text": "نص", "id": 1.}\n' >"$T/ids2.jsonl"
run classify -m "$T/m" -i "$T/ids2.jsonl"
ids=$(echo "$out" | sed -n 's/^{"id":\([^,]*\),.*/\1/p' | tr '\n' ' ')
check zero_negative_exponent_and_spaced_ids_come_back_as_written '[ $rc -eq 0 ] && [ "$ids" = "0 -5 1.5E+2 3 1 " ]'
printf '{"id": -0, "text": "نص"}\n{"id": -.5, "text": "نص"}\n{"id": 0.0e0, "text": "نص"}\n{"id": -00, "text": "نص"}\n{"id": 1e+5, "text": "نص"}\n{"id": 1.e3, "text": "نص"}\n' >"$T/ids3.jsonl"
run classify -m "$T/m" -i "$T/ids3.jsonl"
ids=$(echo "$out" | sed -n 's/^{"id":\([^,]*\),.*/\1/p' | tr '\n' ' ')
check ids_json_would_not_write_come_back_as_numbers '[ $rc -eq 0 ] && [ "$ids" = "-0 -0.5 0.0e0 -0 1e+5 1000 " ]'
printf '{"id": 1.5e, "text": "نص"}\n' >"$T/ids4.jsonl"
run classify -m "$T/m" -i "$T/ids4.jsonl"
check an_exponent_without_digits_is_invalid_json '[ $rc -eq 1 ] && echo "$err" | grep -q "ids4.jsonl:1: invalid JSON at column"'
printf '{"text": "نص"}\n{"id": true, "text": "نص"}\n' >"$T/idbool.jsonl"
run classify -m "$T/m" -i "$T/idbool.jsonl"
check an_id_that_is_no_string_or_number_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "^tasnif: classify: .*idbool.jsonl:2: \"id\" must be a string or number$"'
printf '{"id": 1, "text": "\\u0641\\u0627\\u0632 \\u0627\\u0644\\u0641\\u0631\\u064A\\u0642 \\uD83D\\uDE00"}\n' >"$T/esc.jsonl"
printf '1\tفاز الفريق 😀\n' >"$T/esc.txt"
run classify -m "$T/m" -i "$T/esc.jsonl" --explain 3
a=$out
run classify -m "$T/m" -i "$T/esc.txt" --explain 3
check escapes_and_surrogate_pairs_decode_like_the_text '[ $rc -eq 0 ] && [ "$a" = "$(echo "$out" | sed "s/^{/{\"id\":1,/")" ]'
printf '{"text": "\\uDE00 \\ud800x"}\n' >"$T/lone.jsonl"
run classify --strict -m "$T/m" -i "$T/lone.jsonl"
check strict_refuses_a_lone_low_surrogate '[ $rc -eq 1 ] && echo "$err" | grep -q "lone.jsonl:1: invalid UTF-16 escape"'
# a \u without four hex digits: cJSON reads U+0000 and the text used to end there, silently
printf '{"text": "فاز الفريق"}\n{"text": "فاز الفريق \\uzzzz ارتفع سعر صرف الدولار"}\n' >"$T/badhex.jsonl"
run classify -m "$T/m" -i "$T/badhex.jsonl"
check a_bad_u_escape_is_invalid_json_not_a_cut_text '[ $rc -eq 1 ] && echo "$err" | grep -q "^tasnif: classify: .*badhex.jsonl:2: invalid JSON at column 31: .u without four hex digits$"'
printf '{"label": "sports", "text": "فاز \\u00"}\n' >"$T/cuthex.jsonl"
run train -i "$T/cuthex.jsonl" -o "$T/x"
check a_u_escape_cut_short_is_invalid_json '[ $rc -eq 1 ] && echo "$err" | grep -q "cuthex.jsonl:1: invalid JSON at column 37: .u without four hex digits$"'

printf '{"id":"a\\"b\\\\c\\nd\\re\\tf\\u0001g","text":"%s"}\n' "$sports" >"$T/idesc.jsonl"
run classify -m "$T/m" -i "$T/idesc.jsonl"
printf '%s' '{"id":"a\"b\\c\nd\re\tf\u0001g","label":' >"$T/idesc.want"
check an_id_with_escapes_comes_back_escaped '[ $rc -eq 0 ] && head -c "$(wc -c <"$T/idesc.want")" "$T/out" | cmp -s - "$T/idesc.want"'
printf '{"label":"sports","claim":"%s","text":"%s"}\n{"label":"economy","text":"%s"}\n' "$economy" "$sports" "$economy" >"$T/claim1.jsonl"
run train -i "$T/claim1.jsonl" -o "$T/x"
check an_example_without_the_claim_the_others_have_is_named '[ $rc -eq 1 ] && echo "$err" | grep -q "claim1.jsonl:2: lacks a claim, unlike the examples before it$"'
printf '{"label":"sports","text":"%s"}\n{"label":"economy","claim":"%s","text":"%s"}\n' "$sports" "$sports" "$economy" >"$T/claim2.jsonl"
run train -i "$T/claim2.jsonl" -o "$T/x"
check an_example_with_a_claim_the_others_lack_is_named '[ $rc -eq 1 ] && echo "$err" | grep -q "claim2.jsonl:2: has a claim, unlike the examples before it$"'

# ---- JSON lines "labels": one or more non-empty strings
n=0
for l in '[]' '"sports"' '[1]' '[""]' '["a\u0001"]' '["sports", "economy"]'; do
    n=$((n + 1))
    printf '{"label": "economy", "text": "%s"}\n{"labels": %s, "text": "%s"}\n' "$economy" "$l" "$sports" >"$T/labels$n.jsonl"
done
run train -i "$T/labels1.jsonl" -o "$T/x"
check an_empty_labels_array_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "labels1.jsonl:2: \"labels\" must be an array of one or more strings"'
run train -i "$T/labels2.jsonl" -o "$T/x"
check labels_that_are_no_array_are_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "labels2.jsonl:2: \"labels\" must be an array of one or more strings"'
run train -i "$T/labels3.jsonl" -o "$T/x"
check a_label_number_in_labels_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "labels3.jsonl:2: \"labels\" must hold non-empty strings"'
run train -i "$T/labels4.jsonl" -o "$T/x"
check an_empty_string_in_labels_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "labels4.jsonl:2: \"labels\" must hold non-empty strings"'
run train -i "$T/labels5.jsonl" -o "$T/x"
check a_control_character_in_labels_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "labels5.jsonl:2: control character in a label"'
run train -i "$T/labels6.jsonl" -o "$T/x"
check two_labels_need_multi_label '[ $rc -eq 1 ] && echo "$err" | grep -q "labels6.jsonl:2: several labels (multi-label data: train with --multi-label)"'
run classify -m "$T/m" -i "$T/labels6.jsonl" --format text
check classify_ignores_labels '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 2 ]'

printf '{"label": "sports", "labels": null, "text": "%s"}\n{"label": "economy", "text": "%s"}\n' "$sports" "$economy" >"$T/nulllabels.jsonl"
run train -i "$T/nulllabels.jsonl" -o "$T/nl.model" --min-df 1
run info -m "$T/nl.model"
check null_labels_fall_back_to_label '[ $rc -eq 0 ] && echo "$out" | grep -q "^  sports  "'

# ---- A format forced on the wrong kind of input
run train -i $D/dir -o "$T/x" --input-format tsv
check a_directory_read_as_tsv_is_named '[ $rc -eq 1 ] && [ "$err" = "tasnif: train: $D/dir: is a directory" ]'
run classify -m "$T/m" -i $D/tiny.tsv --input-format dir
check a_file_read_as_a_directory_is_named '[ $rc -eq 1 ] && [ "$err" = "tasnif: classify: $D/tiny.tsv: not a directory" ]'

# ---- Standard input: the format is told from the first non-blank line, as in a file
printf '   __label__sports %s\n__label__economy %s\n' "$sports" "$economy" >"$T/stdin.ft"
run_in "$T/stdin.ft" train -i - -o "$T/stdin.model" --min-df 1
run info -m "$T/stdin.model"
check fasttext_on_stdin_after_blanks_is_told_apart '[ $rc -eq 0 ] && echo "$out" | grep -q "^  economy  *1 examples$" && echo "$out" | grep -q "^  sports  *1 examples$"'
: >"$T/empty"
run_in "$T/empty" train -i - -o "$T/x"
check empty_stdin_has_no_examples '[ $rc -eq 1 ] && [ "$err" = "tasnif: train: <stdin>: no examples" ] && [ ! -e "$T/x" ]'
printf '\n\n{"id":1,"text":"%s"}\n' "$sports" >"$T/blank.jsonl"
run_in "$T/blank.jsonl" classify -m "$T/m"
check jsonl_on_stdin_after_blank_lines_skips_them '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 1 ] && echo "$out" | grep -q "^{\"id\":1,\"label\":\"sports\""'
printf '\n\n%s\n' "$sports" >"$T/blank.txt"
run_in "$T/blank.txt" classify -m "$T/m"
check text_on_stdin_keeps_leading_blank_lines_in_place '[ $rc -eq 0 ] && [ "$(echo "$out" | sed -n 2p)" = "{\"label\":null,\"prob\":0.0000}" ] && echo "$out" | sed -n 3p | grep -q "\"label\":\"sports\"" && echo "$err" | grep -q "warning: 2 empty documents"'

# ---- fastText: tabs and runs of blanks separate; labels are single words
printf '  __label__sports\t%s  \n__label__economy   %s\n' "$sports" "$economy" >"$T/blanks.ft"
printf '__label__sports %s\n__label__economy %s\n' "$sports" "$economy" >"$T/plain.ft"
run train -i "$T/blanks.ft" -o "$T/b.model" --min-df 1
run train -i "$T/plain.ft" -o "$T/p.model" --min-df 1
check fasttext_blanks_and_tabs_separate_like_a_space '[ $rc -eq 0 ] && cmp -s "$T/b.model" "$T/p.model"'
printf '__label__sports __label__ %s\n' "$sports" >"$T/emptysecond.ft"
run train --multi-label true -i "$T/emptysecond.ft" -o "$T/x"
check an_empty_second_fasttext_label_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "emptysecond.ft:1: empty label"'
printf '__label__spo\001rts %s\n' "$sports" >"$T/ctl.ft"
run train -i "$T/ctl.ft" -o "$T/x"
check a_control_character_in_a_fasttext_label_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "ctl.ft:1: control character in a label"'
printf '__label__sports\t__label__economy\t%s\n' "$sports" >"$T/two.ft"
run classify -m "$T/m" -i "$T/two.ft" --input-format fasttext --explain 2
a=$out
printf '%s\n' "$sports" >"$T/two.txt"
run classify -m "$T/m" -i "$T/two.txt" --explain 2
check classify_skips_every_fasttext_label '[ $rc -eq 0 ] && [ "$a" = "$out" ]'

# ---- TSV: blanks around fields are not part of them
printf 'sports \t %s \neconomy\t%s\n' "$sports" "$economy" >"$T/blanks.tsv"
printf 'sports\t%s\neconomy\t%s\n' "$sports" "$economy" >"$T/plain.tsv"
run train -i "$T/blanks.tsv" -o "$T/bt.model" --min-df 1
run train -i "$T/plain.tsv" -o "$T/pt.model" --min-df 1
check tsv_blanks_around_fields_are_trimmed '[ $rc -eq 0 ] && cmp -s "$T/bt.model" "$T/pt.model"'
printf 'spo\001rts,economy\t%s\neconomy\t%s\n' "$sports" "$economy" >"$T/ctl.tsv"
run train --multi-label true -i "$T/ctl.tsv" -o "$T/x"
check a_control_character_in_a_tsv_label_list_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "ctl.tsv:1: control character in a label$"'
printf 'sports, ,economy\t%s\neconomy\t%s\n' "$sports" "$economy" >"$T/gap.tsv"
run train --multi-label true -i "$T/gap.tsv" -o "$T/x"
check a_blank_label_between_separators_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "gap.tsv:1: empty label (two separators together, or one at an end)$"'

# ---- Invalid UTF-8 in a label: U+FFFD in the model and in every output, as the warning says
fffd=$(printf '\357\277\275')
{ printf 'spo\377rts\t%s\n' "$sports"; printf 'economy\t%s\n' "$economy"; } >"$T/badlab.tsv"
run train -i "$T/badlab.tsv" -o "$T/bl.model" --min-df 1
check an_invalid_label_is_trained_with_a_warning '[ $rc -eq 0 ] && echo "$err" | grep -q "badlab.tsv: 1 example contains invalid UTF-8, replaced with U+FFFD"'
check the_model_metadata_stays_valid_utf8 'sed -n 3p "$T/bl.model" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1'
run info -m "$T/bl.model"
check info_shows_the_label_with_u_fffd '[ $rc -eq 0 ] && echo "$out" | grep -q "spo${fffd}rts" && ! echo "$out" | LC_ALL=C grep -q "$(printf "\377")"'
printf '%s\n' "$sports" >"$T/one.txt"
run classify -m "$T/bl.model" -i "$T/one.txt" --format tsv -k 2
check classify_tsv_shows_the_label_with_u_fffd '[ $rc -eq 0 ] && echo "$out" | grep -q "spo${fffd}rts"'
run eval -m "$T/bl.model" -i "$T/badlab.tsv" --json
check eval_matches_the_repaired_gold_label '[ $rc -eq 0 ] && echo "$out" | grep -q "\"accuracy\":[ ]*1"'
finish
