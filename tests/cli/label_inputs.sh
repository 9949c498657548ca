# tests/cli/label_inputs.sh -- `tasnif label` on the inputs and models label.sh leaves out:
# a pair or missing topic model, a directory holding an empty or an invalid article, a pipe
# opening with tabs and carriage returns, --input-format text over JSON, --max-doc-bytes
# against a pipe's leading blanks (the same limit as a file's), "-i -", a multi-label topic
# model's second topic, and a full output device.
. tests/cli/lib.sh
D=tests/data
$TASNIF train -q -i $D/tiny.tsv --min-df 1 -o "$T/m" </dev/null 2>/dev/null
$TASNIF train -q -i $D/pair.tsv --min-df 1 -o "$T/pair" </dev/null 2>/dev/null
$TASNIF train -q --multi-label true -i $D/multi.tsv --min-df 1 -o "$T/ml" </dev/null 2>/dev/null
M="--stance-model $T/m --topic-model $T/m"

run label $M --topic-model "$T/pair" -i $D/article.txt
check a_pair_topic_model_is_refused_by_name '[ $rc -eq 1 ] && [ -z "$out" ] && [ "$err" = "tasnif: label: label needs single-text models; $T/pair was trained on claim + text pairs" ]'
run label --stance-model "$T/m" --topic-model "$T/none.model" -i $D/article.txt
check a_missing_topic_model_is_named '[ $rc -eq 1 ] && [ -z "$out" ] && echo "$err" | grep -q "$T/none.model"'
run label $M -i $D/article.txt extra
check an_extra_argument_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "unexpected argument \"extra\""'

# a directory: an article with invalid UTF-8 gets a warning; an empty one stops the run
mkdir "$T/arts"
printf 'فاز الفريق \377 بالمباراة.' >"$T/arts/a.txt"
run label $M -i "$T/arts" --json
check an_invalid_article_in_a_directory_is_labelled_with_a_warning '[ $rc -eq 0 ] && echo "$out" | grep -q "^{\"id\":\"$T/arts/a.txt\",\"topic\":{\"label\":\"sports\"" && echo "$err" | grep -q "$T/arts/a.txt.*invalid UTF-8"'
: >"$T/arts/b.txt"
run label $M -i "$T/arts" --json
check an_empty_article_in_a_directory_is_named '[ $rc -eq 1 ] && [ $(echo "$out" | wc -l) -eq 1 ] && echo "$err" | grep -q "$T/arts/b.txt: empty article"'

# a pipe opening with a tab, a carriage return and a line feed: offsets count them
printf '\t\r\n  فاز الفريق.' >"$T/lead.txt"
cat "$T/lead.txt" | $TASNIF label $M --json >"$T/out" 2>"$T/err"
rc=$?; out=$(cat "$T/out"); err=$(cat "$T/err")
check a_pipe_opening_with_tabs_and_returns_keeps_its_offsets '[ $rc -eq 0 ] && echo "$out" | grep -q "\"sentences\":\[{\"start\":5,\"end\":25,\"text\":\"فاز الفريق.\""'
cat "$T/lead.txt" | $TASNIF label $M --json --max-doc-bytes 24 >"$T/out" 2>"$T/err"
rc=$?; out=$(cat "$T/out"); err=$(cat "$T/err")
check a_pipe_over_max_doc_bytes_names_the_limit_given '[ $rc -eq 1 ] && [ -z "$out" ] && [ "$err" = "tasnif: label: <stdin>: article larger than the limit of 24 bytes (--max-doc-bytes)" ]'
cat "$T/lead.txt" | $TASNIF label $M --json --max-doc-bytes 3 >"$T/out" 2>"$T/err"
rc=$?; err=$(cat "$T/err")
check a_pipe_whose_blanks_reach_the_limit_is_refused '[ $rc -eq 1 ] && [ "$err" = "tasnif: label: <stdin>: article larger than the limit of 3 bytes (--max-doc-bytes)" ]'
run label $M --json --max-doc-bytes 24 -i "$T/lead.txt"
check a_file_is_held_to_the_same_limit '[ $rc -eq 1 ] && [ "$err" = "tasnif: label: $T/lead.txt: article larger than the limit of 24 bytes (--max-doc-bytes)" ]'
cat "$T/lead.txt" | $TASNIF label $M --json --max-doc-bytes 25 -i - >"$T/out" 2>"$T/err"
rc=$?; out=$(cat "$T/out")
check a_dash_reads_standard_input_up_to_the_limit '[ $rc -eq 0 ] && echo "$out" | grep -q "\"start\":5,\"end\":25"'

# a directory with a bad file: it is named, the others are still labelled, the exit is 1
mkdir -p "$T/batch"
printf 'نفت \000الحكومة.\n' >"$T/batch/0nul.txt"
printf 'قال الوزير إن الوضع مستقر.\n' >"$T/batch/a1.txt"
printf 'فاز الفريق بالمباراة.\n' >"$T/batch/z.txt"
run label $M --json -i "$T/batch"
check a_bad_file_in_a_directory_does_not_stop_the_others '[ $rc -eq 1 ] && [ $(echo "$out" | wc -l) -eq 2 ] && echo "$out" | head -1 | grep -q "a1.txt" && echo "$out" | tail -1 | grep -q "z.txt" && echo "$err" | grep -qx "tasnif: label: $T/batch/0nul.txt:1: NUL byte in text"'

# standard input already read in part: what was read before is not labelled again
printf 'HEADER LINE\nقال الوزير إن الوضع مستقر.\n' >"$T/head.txt"
{ read -r _; $TASNIF label $M --json; } <"$T/head.txt" >"$T/out" 2>"$T/err"
rc=$?; out=$(cat "$T/out")
check standard_input_is_labelled_from_where_it_stands '[ $rc -eq 0 ] && ! echo "$out" | grep -q HEADER && echo "$out" | grep -q "\"start\":0,\"end\":47,"'
printf '{"id":"skipped","text":"نفت الحكومة."}\n{"id":"kept","text":"قال الوزير."}\n' >"$T/head.jsonl"
{ read -r _; $TASNIF label $M --json; } <"$T/head.jsonl" >"$T/out" 2>"$T/err"
rc=$?; out=$(cat "$T/out")
check standard_input_json_lines_start_where_it_stands '[ $rc -eq 0 ] && [ $(echo "$out" | wc -l) -eq 1 ] && echo "$out" | grep -q "^{\"id\":\"kept\""'

# a pipe opening with more blank bytes than one buffer: still JSON lines, and line numbers
# count the blank lines
{ head -c 5000 /dev/zero | tr '\0' '\n'; printf '{"id":"far","text":"قال الوزير."}\n'; } |
    $TASNIF label $M --json >"$T/out" 2>"$T/err"
rc=$?; out=$(cat "$T/out")
check many_leading_blank_lines_do_not_hide_json_lines '[ $rc -eq 0 ] && [ $(echo "$out" | wc -l) -eq 1 ] && echo "$out" | grep -q "^{\"id\":\"far\""'
printf '\n\n{"text":"قال."}\n{"bad\n' | $TASNIF label $M --json >"$T/out" 2>"$T/err"
rc=$?; err=$(cat "$T/err")
check line_numbers_on_a_pipe_count_leading_blank_lines '[ $rc -eq 1 ] && [ "$err" = "tasnif: label: <stdin>:4: invalid JSON at column 3" ]'

# --input-format text: a JSON line is one article's text
printf '{"text":"فاز الفريق بالمباراة."}\n' >"$T/one.jsonl"
run label $M --json --input-format text -i "$T/one.jsonl"
check input_format_text_reads_json_as_one_article '[ $rc -eq 0 ] && [ $(echo "$out" | wc -l) -eq 1 ] && echo "$out" | grep -q "\"start\":0,\"end\":[0-9]*,\"text\":\"{\\\\\"text\\\\\":"'

# a multi-label topic model: the second topic that clears its threshold is shown too
printf 'فاز الفريق بالمباراة النهائية. وارتفعت أسعار الذهب وتراجع الدولار في تعاملات اليوم.' >"$T/mixed.txt"
run label --stance-model "$T/m" --topic-model "$T/ml" -i "$T/mixed.txt"
check a_multi_label_topic_model_shows_its_second_topic '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -qE "^topic: sports \(0\.[0-9]{2}\), economy \(0\.[0-9]{2}\)$"'
run label --stance-model "$T/m" --topic-model "$T/ml" -i "$T/mixed.txt" --json
check the_second_topic_is_in_the_json '[ $rc -eq 0 ] && echo "$out" | grep -q "^{\"topic\":{\"label\":\"sports\",\"prob\":0\.[0-9]*,\"second\":{\"label\":\"economy\",\"prob\":0\.[0-9]*}}"'

if [ -w /dev/full ]; then
    $TASNIF label $M -i $D/article.txt --json >/dev/full 2>"$T/err"
    rc=$?; err=$(cat "$T/err"); out=
    check a_full_output_device_is_an_error '[ $rc -eq 1 ] && [ "$err" = "tasnif: label: cannot write output: No space left on device" ]'
else
    echo "skip a_full_output_device_is_an_error: no /dev/full"
fi
finish
