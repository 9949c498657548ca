#!/bin/sh
# tests/cli/safety.sh -- what a careless or hostile user must not be able to break: models
# replaced while they load, endless model files, -o pointing at the data, label inputs that
# are pipes. Each test is named after the behaviour it guarantees.
. tests/cli/lib.sh
printf 'a\tx y\nb\tz w\na\tx q\nb\tz r\n' >"$T/d.tsv"
echo '{"min_df": 1}' >"$T/c.json"

# -m /dev/zero (or anything endless) is refused from its first bytes, not read until memory ends
timeout 20 $TASNIF classify -m /dev/zero </dev/null >"$T/out" 2>"$T/err"
rc=$?; err=$(cat "$T/err")
check model_from_dev_zero_is_refused_at_once '[ $rc -eq 1 ] && echo "$err" | grep -q "not a tasnif model"'

# a model from a FIFO loads (it is read, not mapped)
mkfifo "$T/fifo"
(cat models/topic.model >"$T/fifo" &)
echo 'فاز المنتخب في المباراة' >"$T/one.txt"
run classify -m "$T/fifo" -i "$T/one.txt"
check model_from_a_fifo_loads '[ $rc -eq 0 ] && echo "$out" | grep -q "\"label\""'

# a model rewritten in place while commands load it: a clean error or a good load, never a
# signal (the loader once parsed a mapping of a file that shrank under it: SIGBUS)
cp models/topic.model "$T/live.model"
head -c 3000000 models/topic.model >"$T/half.model"
(for i in $(seq 1 200); do cp "$T/half.model" "$T/live.model"; cp models/topic.model "$T/live.model"; done) &
writer=$!
worst=0
msgs=0
for i in $(seq 1 30); do
    $TASNIF classify -m "$T/live.model" -i "$T/one.txt" >/dev/null 2>"$T/err"
    r=$?
    [ $r -gt $worst ] && worst=$r
    [ $r -eq 1 ] && ! grep -qE "changed while reading|corrupt|truncated|not a tasnif model" "$T/err" && msgs=$((msgs + 1))
done
kill $writer 2>/dev/null
wait $writer 2>/dev/null
rc=$worst
check model_replaced_while_loading_gives_an_error_not_a_crash '[ $worst -le 1 ] && [ $msgs -eq 0 ]'

# -o never replaces the training data or the config
cp "$T/d.tsv" "$T/keep.tsv"
run train -i "$T/d.tsv" -o "$T/d.tsv" -c "$T/c.json"
check train_refuses_to_overwrite_its_input '[ $rc -eq 1 ] && cmp -s "$T/d.tsv" "$T/keep.tsv" && echo "$err" | grep -q "training data"'
cp "$T/c.json" "$T/keep.json"
run train -i "$T/d.tsv" -o "$T/c.json" -c "$T/c.json"
check train_refuses_to_overwrite_its_config '[ $rc -eq 1 ] && cmp -s "$T/c.json" "$T/keep.json"'
run tune -i "$T/d.tsv" -o "$T/d.tsv" --budget 1
check tune_refuses_to_overwrite_its_input '[ $rc -eq 1 ] && cmp -s "$T/d.tsv" "$T/keep.tsv"'

# an existing file that is not a model is replaced only with --force
echo "notes I wanted to keep" >"$T/notes.txt"
run train -i "$T/d.tsv" -o "$T/notes.txt" -c "$T/c.json"
check train_refuses_to_replace_a_file_that_is_not_a_model '[ $rc -eq 1 ] && grep -q "wanted to keep" "$T/notes.txt" && echo "$err" | grep -q -- "--force"'
run train -i "$T/d.tsv" -o "$T/notes.txt" -c "$T/c.json" --force -q
check train_force_replaces_it '[ $rc -eq 0 ] && head -c 12 "$T/notes.txt" | grep -q "tasnif-model"'
run train -i "$T/d.tsv" -o "$T/notes.txt" -c "$T/c.json" -q
check train_replaces_a_model_without_force '[ $rc -eq 0 ]'

# an output that cannot be written is found before training, not after
run train -i "$T/d.tsv" -o "$T/no/such/dir/m.model" -c "$T/c.json"
check unwritable_output_fails_before_training '[ $rc -eq 1 ] && echo "$err" | grep -q "cannot create"'

# label on a pipe loses nothing: JSON lines are told apart, a text keeps its first bytes
printf '{"id":"p1","text":"نفت روسيا الاتهامات."}\n{"id":"p2","text":"اتهمت واشنطن بكين بالقرصنة."}\n' >"$T/arts.jsonl"
$TASNIF label --json <"$T/arts.jsonl" >"$T/out" 2>"$T/err"
rc=$?; out=$(cat "$T/out"); err=$(cat "$T/err")
check label_reads_json_lines_from_standard_input '[ $rc -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 2 ] && grep -q "\"id\":\"p2\"" "$T/out"'
cat "$T/arts.jsonl" | $TASNIF label --json -i /dev/stdin >"$T/out" 2>"$T/err"
rc=$?
check label_reads_json_lines_from_a_pipe_path '[ $rc -eq 0 ] && [ "$(wc -l <"$T/out")" -eq 2 ]'
{ printf '\n\n'; i=0; while [ $i -lt 300 ]; do printf 'قال الوزير إن العمل مستمر. '; i=$((i + 1)); done; } >"$T/long.txt"
$TASNIF label --json -i "$T/long.txt" >"$T/file.json" 2>/dev/null
cat "$T/long.txt" | $TASNIF label --json -i /dev/stdin >"$T/pipe.json" 2>"$T/err"
rc=$?
check label_on_a_pipe_keeps_the_whole_article '[ $rc -eq 0 ] && cmp -s "$T/file.json" "$T/pipe.json"'

# size flags: digits only, and sizes a disk could hold
run classify -m stance --max-doc-bytes 18446744073709551615 -i "$T/one.txt"
check an_overflowing_size_flag_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "max-doc-bytes"'
run classify -m stance --max-doc-bytes ' -1' -i "$T/one.txt"
check a_negative_size_flag_is_a_usage_error '[ $rc -eq 2 ]'

# rewriting a model keeps its permissions and writes through a symbolic link
$TASNIF train -q -i "$T/d.tsv" -c "$T/c.json" -o "$T/perm.model"
chmod 640 "$T/perm.model"
run train -q -i "$T/d.tsv" -c "$T/c.json" -o "$T/perm.model"
check rewriting_a_model_keeps_its_mode '[ $rc -eq 0 ] && [ "$(stat -c %a "$T/perm.model")" = 640 ]'
mkdir "$T/real"
$TASNIF train -q -i "$T/d.tsv" -c "$T/c.json" -o "$T/real/m.model"
ln -s "$T/real/m.model" "$T/link.model"
before=$(cksum <"$T/real/m.model")
run train -q -i "$T/d.tsv" -c "$T/c.json" --word-ngram-max 1 -o "$T/link.model"
check saving_through_a_symlink_keeps_the_link '[ $rc -eq 0 ] && [ -L "$T/link.model" ] && [ "$(cksum <"$T/real/m.model")" != "$before" ] && [ -z "$(ls "$T/real" | grep tmp)" ]'

# a file-size limit (ulimit -f) met while saving: the process dies of SIGXFSZ and leaves
# no temporary file behind
mkdir "$T/lim"
(ulimit -f 64; exec $TASNIF train -q -i datasets/stance/train.jsonl --min-df 1 -o "$T/lim/m.model") 2>/dev/null
rc=$?
check a_file_size_limit_leaves_no_temporary_file '[ $rc -ne 0 ] && [ -z "$(ls -A "$T/lim")" ]'

# JSON text is carried faithfully: a \u0000 escape would silently cut the text (an error, as
# a NUL byte is), and invalid UTF-8 in an id comes back replaced, as the warning says
printf '{"id":"a","text":"نص \\u0000 مقطوع"}\n' >"$T/nul.jsonl"
run classify -m stance -i "$T/nul.jsonl"
check a_json_nul_escape_is_an_error_naming_the_line '[ $rc -eq 1 ] && echo "$err" | grep -q "nul.jsonl:1: NUL character"'
printf '{"id":"x\377\376y","text":"نفت الوزارة"}\n' >"$T/badid.jsonl"
run classify -m stance -i "$T/badid.jsonl"
# (the reader replaces each bad byte here with U+FFFD, which JSON output carries as it is)
fffd=$(printf '\357\277\275')
check invalid_utf8_in_an_id_comes_back_replaced '[ $rc -eq 0 ] && echo "$out" | grep -q "\"id\":\"x${fffd}${fffd}y\"" && echo "$err" | grep -q "replaced with U+FFFD"'

# other encodings are named, not trained on: UTF-16/32 by their byte-order mark, Windows-1256
# Arabic by its letters
if command -v iconv >/dev/null; then
    printf 'sports\tفاز الفريق الوطني بالمباراة النهائية\neconomy\tارتفع سعر الدولار اليوم\n' >"$T/u8.tsv"
    iconv -f UTF-8 -t CP1256 "$T/u8.tsv" >"$T/cp.tsv"
    run train -i "$T/cp.tsv" -o "$T/cp.model"
    check a_cp1256_file_is_refused_by_name '[ $rc -eq 1 ] && echo "$err" | grep -q "cp.tsv:1: not UTF-8: this looks like Windows-1256" && [ ! -e "$T/cp.model" ]'
    iconv -f UTF-8 -t UTF-16 "$T/u8.tsv" >"$T/u16.tsv"
    run train -i "$T/u16.tsv" -o "$T/u16.model"
    check a_utf16_file_is_refused_by_name '[ $rc -eq 1 ] && echo "$err" | grep -q "is UTF-16LE, not UTF-8"'
else
    echo "skip encodings: iconv is absent"
fi

# cross-validation with a label rarer than the folds says so instead of printing zeros quietly
printf 'a\tx y z\nb\tz w q\nc\tp q r\na\tx q y\nb\tz r w\nc\tp r s\n' >"$T/rare.tsv"
run cv -i "$T/rare.tsv" --folds 3 --min-df 1
check cv_warns_about_labels_rarer_than_the_folds '[ $rc -eq 0 ] && echo "$err" | grep -q "label \"c\" has 2 examples, fewer than the 3 folds"'

# a text whose first line begins with a brace is text, not JSON lines
printf '{ملاحظة} نفت الوزارة الاتهامات\nقال الوزير إن الوضع مستقر\n' >"$T/brace.txt"
run classify -m stance -i "$T/brace.txt"
check a_text_beginning_with_a_brace_is_read_as_text '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 2 ]'

# JSON ids come back exactly as given: numbers as their source text (not through a double),
# strings as strings, even when they look like numbers
printf '{"id":1456789012345678901,"text":"فاز الفريق"}\n{"id": 1.50e3 ,"text":"ارتفع الدولار"}\n{"id":"007","text":"فاز"}\n{"meta":{"id":5},"id":-0.0,"text":"فاز"}\n' >"$T/ids.jsonl"
run classify -m topic -i "$T/ids.jsonl"
check json_ids_are_echoed_exactly_as_given \
    '[ $rc -eq 0 ] && [ "$(echo "$out" | grep -o "^{\"id\":[^,]*" | tr "\n" " ")" = "{\"id\":1456789012345678901 {\"id\":1.50e3 {\"id\":\"007\" {\"id\":-0.0 " ]'
run label -i "$T/ids.jsonl" --json
check label_echoes_numeric_ids_exactly '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -q "^{\"id\":1456789012345678901,"'

# one output line per input line: blank and whitespace-only lines, and text with nothing left
# after normalization (tatweel, diacritics), get no label and a warning; --strict refuses them
printf '\nفاز الفريق\n\n   \nـــــ\nارتفع التضخم\n' >"$T/blanks.txt"
run classify -m topic -i "$T/blanks.txt" --format text
check blank_lines_keep_output_aligned_with_input \
    '[ $rc -eq 0 ] && [ "$(echo "$out" | tr "\n" " ")" = "- sports - - - economy " ] && echo "$err" | grep -q "warning: 4 empty documents"'
run classify -m topic -i "$T/blanks.txt" -t 2
check blank_lines_keep_alignment_on_threads_too \
    '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 6 ] && [ "$(echo "$out" | grep -c "^{\"label\":null,\"prob\":0.0000")" -eq 4 ]'
run classify -m topic -i "$T/blanks.txt" --strict
check strict_refuses_an_empty_document '[ $rc -eq 1 ] && echo "$err" | grep -q "blanks.txt:1: empty document"'

# eval beyond 20 labels lists the most frequent confusions instead of the whole matrix
awk 'BEGIN { for (i = 1; i <= 25; i++) for (j = 1; j <= 3; j++) printf "l%02d\tكلمة%d نص%d عام\n", i, i, j }' >"$T/many.tsv"
run train -i "$T/many.tsv" -o "$T/many.model" -q --min-df 1
run eval -m "$T/many.model" -i "$T/many.tsv"
check eval_caps_the_confusion_matrix_beyond_20_labels \
    '[ $rc -eq 0 ] && echo "$out" | grep -q "confusion: 25 labels, too many for the matrix" && ! echo "$out" | grep -q "rows: gold"'
run eval -m "$T/many.model" -i "$T/many.tsv" --json
check eval_json_keeps_the_whole_matrix '[ $rc -eq 0 ] && [ "$(echo "$out" | sed "s/.*\"matrix\":\[//" | grep -o "\[" | wc -l)" -eq 25 ]'

# a plain text whose first line begins with __label__ is text; fastText needs the next line
# to begin so too
printf '__label__ قيل في المباراة إن الفريق فاز\nارتفع التضخم في البلاد\n\nفاز المنتخب\n' >"$T/lbl.txt"
run classify -m topic -i "$T/lbl.txt" --format text
check a_text_beginning_with_label_prefix_is_read_as_text \
    '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 4 ] && [ "$(echo "$out" | sed -n 3p)" = "-" ]'
printf '__label__sports فاز المنتخب\n__label__economy ارتفع التضخم\n' >"$T/real.ft"
run classify -m topic -i "$T/real.ft" --format text
check a_fasttext_file_is_still_read_as_fasttext '[ $rc -eq 0 ] && [ "$(echo "$out" | tr "\n" " ")" = "sports economy " ]'
printf '__label__sports فاز المنتخب\n' >"$T/one.ft"
run classify -m topic -i "$T/one.ft" --input-format auto --format text
check a_single_fasttext_line_is_fasttext '[ $rc -eq 0 ] && [ "$out" = "sports" ]'

# a model whose weights would not fit in memory is refused before any training, with its size
awk 'BEGIN { for (i = 1; i <= 200; i++) printf "l%03d\tنص رقم %d\n", i, i }' >"$T/wide.tsv"
run train -i "$T/wide.tsv" -o "$T/wide.model" --hash-buckets 268435456 --prune-weights 0 -q
check a_model_too_big_for_memory_is_refused_before_training \
    '[ $rc -eq 1 ] && echo "$err" | grep -q "268435456 features x 200 labels = 429.5 GB of weights" && [ ! -e "$T/wide.model" ]'
# pruned, the labels' weights are never all held at once: what counts is each thread's share
run train -i "$T/wide.tsv" -o "$T/wide.model" --hash-buckets 268435456 -t 64 -q
check pruned_training_too_big_for_memory_is_refused_before_training \
    '[ $rc -eq 1 ] && echo "$err" | grep -q "3 vectors of 268435456 features on each of 64 threads = 412.3 GB" && [ ! -e "$T/wide.model" ]'

# ids that cJSON takes but JSON does not write (007, 1.) come back as valid JSON; inf as a string
printf '{"id":007,"text":"فاز"}\n{"id":1.,"text":"فاز"}\n{"\\u0069d":1e999,"text":"فاز"}\n' >"$T/oddids.jsonl"
run classify -m topic -i "$T/oddids.jsonl"
check odd_numeric_ids_come_back_as_valid_json \
    '[ $rc -eq 0 ] && [ "$(echo "$out" | grep -o "^{\"id\":[^,]*" | tr "\n" " ")" = "{\"id\":7 {\"id\":1 {\"id\":\"inf\" " ]'

mkdir "$T/empty"
run label -i "$T/empty"
check label_on_a_directory_with_nothing_to_label_is_an_error '[ $rc -eq 1 ] && echo "$err" | grep -q "no files"'
# bare file names: the model and the report land in the current directory, nothing else left
mkdir "$T/here"
(cd "$T/here" && $TASNIF train -q -i ../d.tsv -o bare.model --min-df 1 </dev/null >/dev/null 2>"$T/err")
rc=$?
check a_model_saved_by_a_bare_name_lands_in_the_current_directory '[ $rc -eq 0 ] && [ "$(ls "$T/here")" = bare.model ]'
(cd "$T/here" && $TASNIF report -m bare.model -i ../d.tsv -o bare.html </dev/null >/dev/null 2>"$T/err")
rc=$?
check a_report_saved_by_a_bare_name_lands_in_the_current_directory '[ $rc -eq 0 ] && [ "$(ls "$T/here" | tr "\n" " ")" = "bare.html bare.model " ] && grep -q "</html>" "$T/here/bare.html"'
finish
