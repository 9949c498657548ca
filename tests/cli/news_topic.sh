#!/bin/sh
# tests/cli/news_topic.sh -- the real-news topic corpus (datasets/news_topic): the stand-off
# labels' counts, topics, split by outlet, double reading and adjudication; with a local copy
# of ANT, the rebuilt articles (SHA-1 checked) and no article text repeated across the splits.
. tests/cli/lib.sh
A=datasets/news_topic/annotations.tsv

field() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$A"; }

n=$(awk 'END { print NR - 1 }' "$A")
check "at least 2,400 annotated articles ($n)" [ "$n" -ge 2400 ]
for t in politics economy sports technology health culture security; do
    c=$(field topics | cut -d, -f1 | grep -c "^$t\$")
    check "at least 150 articles of $t ($c)" [ "$c" -ge 150 ]
done
check "every topic is one of the seven, a second one different" \
    [ "$(field topics | awk -F, '{ if (NF > 2 || $1 == $2) { print; next } for (i = 1; i <= NF; i++) if ($i !~ /^(politics|economy|sports|technology|health|culture|security)$/) print }' | wc -l)" -eq 0 ]
check "item ids and articles are unique" \
    '[ "$(field item | sort | uniq -d | wc -l)" -eq 0 ] && [ "$(field article | sort | uniq -d | wc -l)" -eq 0 ]'
ntest=$(field split | grep -c '^test$')
check "at least 700 test articles ($ntest)" [ "$ntest" -ge 700 ]
both=$(awk -F'\t' 'NR > 1 { s[$3] = s[$3] " " $9 } END { for (o in s) if (s[o] ~ /train/ && s[o] ~ /test/) print o }' "$A")
check "no outlet in both splits" [ -z "$both" ]
dbl=$(field annotators | grep -c ',')
check "at least 25 % read twice ($dbl of $n)" [ $((dbl * 4)) -ge "$n" ]
undecided=$(awk -F'\t' 'NR > 1 { split($11, v, ","); if (length(v) == 2) { split(v[1], a, "[:+]"); split(v[2], b, "[:+]"); if (a[2] != b[2] && $12 != "yes") print $1 } }' "$A")
check "every disagreement on the primary topic is adjudicated" [ -z "$undecided" ]
check "every record names its article, outlet and date" \
    [ "$(awk -F'\t' 'NR > 1 && ($2 == "" || $3 == "" || $4 !~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/)' "$A" | wc -l)" -eq 0 ]
check "the adjudicated items are in the guidelines' settled cases or adjudication.tsv" \
    [ "$(awk -F'\t' 'NR > 1 && $12 == "yes" { print $1 }' "$A" | while read -r i; do grep -q "^$i	" datasets/news_topic/adjudication.tsv || echo "$i"; done | wc -l)" -eq 0 ]

if command -v python3 >/dev/null && python3 training/news_topic.py rebuild --out "$T/nt" >"$T/log" 2>&1; then
    check "the articles rebuild from ANT" [ "$(cat "$T/nt/train.tsv" "$T/nt/test.tsv" | wc -l)" -eq "$n" ]
    check "the multi-label files carry the second topics" \
        [ "$(cut -f1 "$T/nt/train.multi.tsv" "$T/nt/test.multi.tsv" | grep -c ,)" -eq "$(field topics | grep -c ,)" ]
    same=$(cut -f2 "$T/nt/train.tsv" | cut -c1-300 | sort -u > "$T/a"; cut -f2 "$T/nt/test.tsv" | cut -c1-300 | sort -u > "$T/b"; comm -12 "$T/a" "$T/b" | wc -l)
    check "no test article's opening repeats a training article's ($same)" [ "$same" -eq 0 ]
else
    echo "skip news_topic rebuild: no python3 or no local ANT copy ($(tail -1 "$T/log" 2>/dev/null))"
fi
finish
