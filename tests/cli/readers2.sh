# tests/cli/readers2.sh -- inputs and model files through the command line at their edges:
# a fastText file whose second line is blank, a model read from a pipe, a model's description
# written to a full disk, and label directories holding what is not a document.
. tests/cli/lib.sh
D=tests/data
$TASNIF train -q -i $D/tiny.tsv -o "$T/m" --min-df 1 </dev/null 2>/dev/null
sports='فاز الفريق بالمباراة النهائية'
economy='ارتفع سعر صرف الدولار'

# ---- fastText to classify: blank lines are skipped wherever they are (the second line's
# blank used to be refused as "expected __label__X text")
printf '__label__sports %s\n\n__label__economy %s\n\n__label__economy %s\n' "$sports" "$economy" "$economy" >"$T/blank2.ft"
run classify -m "$T/m" -i "$T/blank2.ft"
check a_fasttext_file_whose_second_line_is_blank_classifies '[ $rc -eq 0 ] && [ "$(echo "$out" | wc -l)" -eq 3 ] && [ "$(echo "$out" | sed -n 1p | cut -c1-18)" = "{\"label\":\"sports\"," ] && [ "$(echo "$out" | sed -n 2p | cut -c1-19)" = "{\"label\":\"economy\"," ]'
printf '__label__sports %s\n\nno label here\n' "$sports" >"$T/blank3.ft"
run classify -m "$T/m" -i "$T/blank3.ft" --input-format fasttext
check a_line_after_a_blank_second_line_keeps_its_number '[ $rc -eq 1 ] && echo "$err" | grep -q "blank3.ft:3: expected __label__X text$"'

# ---- a model read from a pipe is the same model
run info -m "$T/m" --json
want=$out
$TASNIF info -m /dev/stdin --json <"$T/m" >"$T/out" 2>"$T/err"
rc=$?
out=$(cat "$T/out")
check a_model_read_from_a_pipe_describes_the_same '[ $rc -eq 0 ] && [ "$out" = "$want" ]'
cat "$T/m" "$T/m" | $TASNIF info -m /dev/stdin >"$T/out" 2>"$T/err"
rc=$?
err=$(cat "$T/err")
out=$(cat "$T/out")
check two_models_back_to_back_in_a_pipe_are_refused_as_corrupt '[ $rc -eq 1 ] && [ -z "$out" ] && echo "$err" | grep -q "^tasnif: info: /dev/stdin: checksum mismatch: the model file is corrupt$"'

# ---- a description that cannot be written is an error, not a silent success
if [ -w /dev/full ]; then
    for fmt in --json ""; do
        $TASNIF info -m "$T/m" $fmt -k 2 >/dev/full 2>"$T/err"
        rc=$?
        err=$(cat "$T/err")
        check "info${fmt:+_json}_to_a_full_disk_fails" '[ $rc -eq 1 ] && echo "$err" | grep -q "No space left on device"'
    done
else
    echo "skip info_to_a_full_disk_fails (no /dev/full)"
fi

# ---- label directories: what is not a document is named
mkdir -p "$T/ds/sports" "$T/ds/economy" "$T/ds/empty"
for i in 1 2 3 4 5; do
    printf '%s %s\n' "$sports" "$i" >"$T/ds/sports/$i.txt"
    printf '%s %s\n' "$economy" "$i" >"$T/ds/economy/$i.txt"
done
printf 'notes\n' >"$T/ds/README"
run train -i "$T/ds" -o "$T/dm" --min-df 1
check a_label_directory_dataset_trains_and_names_what_it_ignored '[ $rc -eq 0 ] && [ -s "$T/dm" ] && echo "$err" | grep -q "README"'
mkdir "$T/ds/sports/sub"
run train -i "$T/ds" -o "$T/dm2" --min-df 1
check a_directory_among_the_documents_is_a_read_error '[ $rc -eq 1 ] && echo "$err" | grep -q "ds/sports/sub: read error: Is a directory$" && [ ! -e "$T/dm2" ]'
rmdir "$T/ds/sports/sub"
ln -s "$T/nowhere" "$T/ds/gone"
run train -i "$T/ds" -o "$T/dm2" --min-df 1
check a_link_to_nowhere_among_the_labels_is_named '[ $rc -eq 1 ] && echo "$err" | grep -q "ds/gone: No such file or directory$"'
rm "$T/ds/gone"
run train -i "$T/ds" --input-format tsv -o "$T/dm2" --min-df 1
check a_directory_read_as_tsv_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "ds: is a directory$"'
run train -i "$D/tiny.tsv" --input-format dir -o "$T/dm2" --min-df 1
check a_file_read_as_a_directory_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "tiny.tsv: not a directory$"'
finish
