# tests/cli/label.sh -- `tasnif label` with the shipped models, and `-m NAME` resolution.
. tests/cli/lib.sh
A=tests/data/article.txt

run label -i $A --json
check label_json_is_one_object_per_article '[ $rc -eq 0 ] && [ $(echo "$out" | wc -l) -eq 1 ] && echo "$out" | grep -qE "^\\{\"topic\":\\{\"label\":\"security\",\"prob\":[0-9.]*(,\"second\":\\{\"label\":\"[a-z]*\",\"prob\":[0-9.]*\\})?\\},\"sentences\":\\[\\{\"start\":0,\"end\":[0-9]*,\"text\":"'
check label_json_has_the_summary 'echo "$out" | grep -q "\"summary\":{\"attribution\":[0-9]*,\"denial\":[0-9]*,\"other\":[0-9]*}}$"'

# Every sentence's offsets slice the input bytes to exactly its text.
ok_slices=1
echo "$out" | sed 's/},{"start"/}\n{"start"/g' | sed -n 's/.*"start":\([0-9]*\),"end":\([0-9]*\),"text":"\([^"]*\)".*/\1 \2 \3/p' > "$T/spans"
[ -s "$T/spans" ] || ok_slices=0
while read -r start end text; do
    got=$(dd if=$A bs=1 skip="$start" count=$((end - start)) 2>/dev/null)
    [ "$got" = "$text" ] || ok_slices=0
done < "$T/spans"
check label_offsets_slice_the_input_exactly '[ $ok_slices -eq 1 ]'

check label_finds_the_attribution_and_the_denial 'echo "$out" | grep -q "\"text\":\"لندن (وكالات) -\",\"stance\":\"other\"" && echo "$out" | grep -q "\"text\":\"اتهمت[^\"]*\",\"stance\":\"attribution\"" && echo "$out" | grep -q "\"text\":\"في المقابل، نفت[^\"]*\",\"stance\":\"denial\""'

run_in $A label
check label_report_lists_topic_and_stance_sentences '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -q "^topic: security" && echo "$out" | grep -q "^  attribution  0\\.[0-9][0-9]  \\[" && echo "$out" | grep -q "^  denial  *0\\.[0-9][0-9]  \\[" && echo "$out" | tail -1 | grep -q "^summary: "'

run label -i $A --json --min-prob 0.99
check label_min_prob_abstains '[ $rc -eq 0 ] && echo "$out" | grep -q "\"stance\":null" && echo "$out" | grep -q "\"abstained\":[1-9]"'

printf '{"id":"a1","text":"نفت الحكومة الاتهامات."}\n{"id":"a2","text":"فاز الفريق بالمباراة النهائية."}\n' > "$T/arts.jsonl"
run label -i "$T/arts.jsonl" --json
check label_reads_jsonl_articles '[ $rc -eq 0 ] && [ $(echo "$out" | wc -l) -eq 2 ] && echo "$out" | head -1 | grep -q "^{\"id\":\"a1\"" && echo "$out" | tail -1 | grep -q "\"topic\":{\"label\":\"sports\""'

mkdir -p "$T/arts" && cp $A "$T/arts/one.txt" && printf 'فاز الفريق بالمباراة النهائية.\n' > "$T/arts/two.txt"
mkdir -p "$T/arts/x" && printf 'نص\n' > "$T/arts/x/ignored.txt"
run label -i "$T/arts" --json
check label_reads_a_directory_of_articles '[ $rc -eq 0 ] && [ $(echo "$out" | wc -l) -eq 2 ] && echo "$out" | tail -1 | grep -q "two.txt\",\"topic\":{\"label\":\"sports\""'

run label -i "$T/arts.jsonl" --min-prob 0.99
check label_report_names_each_article_and_counts_abstentions '[ $rc -eq 0 ] && [ "$(echo "$out" | sed -n 1p)" = a1 ] && echo "$out" | grep -q "^a2$" && echo "$out" | grep -q "^summary: 0 attribution, 0 denial, 0 other, 1 below --min-prob (1 sentences)$"'
printf '\n\n  \n{"id":"s1","text":"نفت الحكومة الاتهامات."}\n' >"$T/blank-first.jsonl"
run_in "$T/blank-first.jsonl" label
check label_tells_jsonl_on_stdin_after_blank_lines '[ $rc -eq 0 ] && [ "$(echo "$out" | sed -n 1p)" = s1 ] && echo "$out" | grep -q "^  denial  "'
printf '\n\nنفت الحكومة الاتهامات. وقال الوزير إن الوضع مستقر.\n' >"$T/blank-first.txt"
run_in "$T/blank-first.txt" label
check label_offsets_count_leading_blank_lines '[ $rc -eq 0 ] && echo "$out" | grep -q "^  denial       1.00  \[2-43\] "'
: >"$T/empty.txt"
run_in "$T/empty.txt" label
check an_empty_article_on_stdin_is_refused '[ $rc -eq 1 ] && [ -z "$out" ] && [ "$err" = "tasnif: label: <stdin>: empty article" ]'
run label -i $A --stance-model /no/such.model
check label_bad_model_path_fails '[ $rc -eq 1 ] && echo "$err" | grep -q "/no/such.model"'

printf 'نفت الحكومة الاتهامات\n' > "$T/s.txt"
run classify -m stance -i "$T/s.txt"
check shipped_models_resolve_by_name '[ $rc -eq 0 ] && echo "$out" | grep -q "\"label\":\"denial\""'
mkdir -p "$T/mods"
$TASNIF train -q -i tests/data/tiny.tsv -o "$T/mods/tiny.model" --min-df 1 </dev/null 2>/dev/null
export TASNIF_MODELS="$T/mods"
run info -m tiny
check tasnif_models_names_a_directory_of_models '[ $rc -eq 0 ] && echo "$out" | grep -q "^  economy  *10 examples$"'
TASNIF_MODELS="$T/none"
run info -m stance
check shipped_models_are_found_when_tasnif_models_lacks_them '[ $rc -eq 0 ] && echo "$out" | grep -q "^  denial "'
run info -m nosuch
check an_unknown_model_name_is_named '[ $rc -eq 1 ] && [ "$err" = "tasnif: info: nosuch: No such file or directory" ]'
unset TASNIF_MODELS
run info -m topic
check shipped_topic_model_has_seven_labels '[ $rc -eq 0 ] && echo "$out" | grep -q "^labels        7"'
# A bare name is a shipped model's before it is a file of the working directory: files named
# stance and topic there (a program built as ./stance) hide nothing; a slash names the file.
mkdir -p "$T/cwd" && printf 'not a model\n' >"$T/cwd/stance" && printf 'not a model\n' >"$T/cwd/topic"
cp "$T/mods/tiny.model" "$T/cwd/mine" && cp "$T/mods/tiny.model" "$T/cwd/mine.model"
top=$(pwd)
cd "$T/cwd"
run_in "$top/$A" label --json
check files_named_stance_and_topic_do_not_hide_the_shipped_models '[ $rc -eq 0 ] && [ -z "$err" ] && echo "$out" | grep -q "^{\"topic\":{\"label\":\"security\"" && echo "$out" | grep -q "\"stance\":\"denial\""'
run_in "$T/s.txt" classify -m ./stance
check a_model_argument_with_a_slash_is_the_file '[ $rc -eq 1 ] && [ "$err" = "tasnif: classify: ./stance: not a tasnif model file" ]'
run info -m mine
check a_bare_name_no_models_directory_has_is_a_file_here '[ $rc -eq 0 ] && echo "$out" | grep -q "^  economy  *10 examples$"'
TASNIF_MODELS="$T/cwd" run info -m mine.model
check a_name_ending_in_model_is_a_path '[ $rc -eq 0 ] && echo "$out" | grep -q "^  economy  *10 examples$"'
cd "$top"
# A real article's page furniture: a headline with no stop, a byline, a timestamp, an agency
# dateline run into the first sentence. Each is a unit of its own and comes out other; the
# summary counts every unit once.
printf '%s\n' 'واشنطن تتهم بكين باختراق شبكات وزارة الخارجية' 'بقلم: فريق التحرير' 'تم النشر: 12 مارس 2021' 'واشنطن، الولايات المتحدة الأمريكية (CNN)-- اتهمت الولايات المتحدة الصين رسميا بالوقوف وراء اختراق واسع لخوادم البريد الإلكتروني. ونفت بكين الاتهامات ووصفتها بأنها لا أساس لها.' >"$T/page.txt"
run label -i "$T/page.txt" --json
units=$(echo "$out" | grep -o '"start"' | wc -l)
check page_furniture_and_datelines_are_units_of_their_own '[ $rc -eq 0 ] && [ "$units" -eq 6 ]'
check a_dateline_comes_out_other 'echo "$out" | grep -q "\"text\":\"واشنطن، الولايات المتحدة الأمريكية (CNN)--\",\"stance\":\"other\""'
total=$(echo "$out" | sed 's/.*"summary":{\([^}]*\)}.*/\1/' | grep -o '[0-9][0-9]*' | awk '{ t += $1 } END { print t }')
check label_summary_counts_every_unit_once '[ "$total" = "$units" ] || [ "$total" = "$((units * 2))" ]'
finish
