# tests/cli/limits.sh -- size limits give one clear message and can be raised; a 1 MB single
# "word" and a 2 MB line of words pass through every command (over-long tokens are debris and
# are dropped, so nothing downstream sees them).
. tests/cli/lib.sh
D=tests/data
run train -i $D/tiny.tsv -o "$T/m" --min-df 1
awk 'BEGIN { s = "ب"; while (length(s) < 1000000) s = s s; print substr(s, 1, 1000000) }' \
    > "$T/word.txt"
awk 'BEGIN { for (i = 0; i < 200000; i++) printf "كلمة%d ", i % 5000; print "" }' > "$T/line.txt"
check inputs_are_large '[ $(wc -c < "$T/word.txt") -ge 1000000 ] && [ $(wc -c < "$T/line.txt") -ge 2000000 ]'

for f in word line; do
    run classify -m "$T/m" -i "$T/$f.txt"
    check "classify_handles_the_${f}" '[ $rc -eq 0 ] && [ $(echo "$out" | wc -l) -eq 1 ]'
    run label --topic-model "$T/m" --stance-model "$T/m" -i "$T/$f.txt" --json
    check "label_handles_the_${f}" '[ $rc -eq 0 ]'
    run tokens -i "$T/$f.txt"
    check "tokens_handles_the_${f}" '[ $rc -eq 0 ]'
    { printf 'a\t'; cat "$T/$f.txt"; cat $D/tiny.tsv; } > "$T/$f.tsv"
    run train -i "$T/$f.tsv" -o "$T/m_$f" --min-df 1
    check "train_handles_the_${f}" '[ $rc -eq 0 ] && [ -s "$T/m_$f" ]'
done
run tokens -i "$T/word.txt"
check an_over_long_token_is_dropped '[ -z "$(echo "$out" | tr -d "[:space:]")" ]'

run classify -m "$T/m" -i "$T/line.txt" --max-doc-bytes 1000
check a_line_over_the_limit_names_file_and_line \
    '[ $rc -eq 1 ] && echo "$err" | grep -q "line.txt:1: line longer than the limit of 1000 bytes (--max-doc-bytes)"'
run classify -m "$T/m" -i "$T/line.txt" --max-doc-bytes 3000000
check the_limit_can_be_raised '[ $rc -eq 0 ]'
# A file without line breaks is refused once the limit is passed, not read whole first.
head -c 40000000 /dev/zero | tr '\0' 'x' > "$T/flat.txt"
run classify -m "$T/m" -i "$T/flat.txt" --format jsonl
check a_40_MB_line_is_refused '[ $rc -eq 1 ] && echo "$err" | grep -q "flat.txt:1: line longer than the limit of 16777216 bytes"'
run label --topic-model "$T/m" --stance-model "$T/m" -i "$T/flat.txt" --max-doc-bytes 1000000
check label_refuses_an_article_over_the_limit '[ $rc -eq 1 ] && echo "$err" | grep -q "larger than the limit"'
rm -f "$T/flat.txt"
finish
