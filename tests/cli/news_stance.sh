#!/bin/sh
# tests/cli/news_stance.sh -- the real-news stance corpus (datasets/news_stance): the stand-off
# annotations' counts, labels, split by outlet and article, double annotation and
# adjudication; with a local copy of ANT, the rebuilt sentences and near-duplicates.
. tests/cli/lib.sh
A=datasets/news_stance/annotations.tsv

# awk over the annotations (header skipped); prints what the condition counts
field() { awk -F'\t' -v c="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$A"; }

n=$(awk 'END { print NR - 1 }' "$A")
check "at least 5,000 annotated sentences ($n)" [ "$n" -ge 5000 ]
att=$(field label | grep -c '^attribution$')
den=$(field label | grep -c '^denial$')
check "at least 900 attribution ($att) and 450 denial ($den)" '[ "$att" -ge 900 ] && [ "$den" -ge 450 ]'
check "every label is attribution, denial or other" \
    [ "$(field label | grep -cvE '^(attribution|denial|other)$')" -eq 0 ]
check "item ids are unique" [ "$(field item | sort | uniq -d | wc -l)" -eq 0 ]
check "offsets are a non-empty byte range" \
    [ "$(awk -F'\t' 'NR > 1 && !($7 + 0 < $8 + 0)' "$A" | wc -l)" -eq 0 ]
ntest=$(field split | grep -c '^test$')
check "at least 1,200 test sentences ($ntest)" [ "$ntest" -ge 1200 ]
both=$(awk -F'\t' 'NR > 1 { s[$3] = s[$3] " " $11 } END { for (o in s) if (s[o] ~ /train/ && s[o] ~ /test/) print o }' "$A")
check "no outlet in both splits" [ -z "$both" ]
arts=$(awk -F'\t' 'NR > 1 { s[$2] = s[$2] " " $11 } END { for (a in s) if (s[a] ~ /train/ && s[a] ~ /test/) print a }' "$A")
check "no article in both splits" [ -z "$arts" ]
dbl=$(field annotators | grep -c ',')
check "at least 25 % annotated twice ($dbl of $n)" [ $((dbl * 4)) -ge "$n" ]
undecided=$(awk -F'\t' 'NR > 1 { split($13, v, ","); if (length(v) == 2) { split(v[1], a, ":"); split(v[2], b, ":"); if (a[2] != b[2] && $14 != "yes") print $1 } }' "$A")
check "every disagreement is adjudicated" [ -z "$undecided" ]
check "every record names its article, outlet and date" \
    [ "$(awk -F'\t' 'NR > 1 && ($2 == "" || $3 == "" || $4 !~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/)' "$A" | wc -l)" -eq 0 ]

# With a local copy of ANT: the sentences rebuild exactly (sha1 checked) and no two are
# near-duplicates (word-trigram Jaccard >= 0.5), so no sentence is tested on its own copy.
if command -v python3 >/dev/null && python3 training/news_stance.py rebuild --out "$T/ns" >"$T/log" 2>&1; then
    check "the sentences rebuild from ANT" [ "$(cat "$T/ns/train.jsonl" "$T/ns/test.jsonl" | wc -l)" -eq "$n" ]
    dup=$(python3 - "$T/ns" <<'PY'
import json, re, sys, collections
recs = [json.loads(l) for s in ("train", "test") for l in open(sys.argv[1] + "/" + s + ".jsonl")]
tri = []
for r in recs:
    w = re.findall(r"\w+", r["text"])
    tri.append({" ".join(w[i:i + 3]) for i in range(max(1, len(w) - 2))})
index = collections.defaultdict(list)
bad = 0
for i, t in enumerate(tri):
    seen = set()
    for g in t:
        for j in index[g]:
            if j not in seen:
                seen.add(j)
                if len(t & tri[j]) * 2 >= len(t | tri[j]):
                    bad += 1
        index[g].append(i)
print(bad)
PY
)
    check "no near-duplicate sentences ($dup)" [ "$dup" = 0 ]
else
    echo "skip news_stance rebuild: no python3 or no local ANT copy ($(tail -1 "$T/log" 2>/dev/null))"
fi
finish
