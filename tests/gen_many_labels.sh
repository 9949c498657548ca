#!/bin/sh
# tests/gen_many_labels.sh -- a seeded corpus of short Arabic-like documents with many labels,
# the shape that made dense weights blow up (issue 17): each label has a few words of its
# own, every document also draws on a pool of shared noise words.
#
#   sh tests/gen_many_labels.sh DOCS LABELS SEED > corpus.tsv      (label<TAB>text lines)
#
# Words are 3 to 6 letters from 20 Arabic consonants; each document holds 5 to 20 words, 2
# to 4 of them its label's (out of 6 per label), the rest from 3,000 noise words drawn with a
# Zipf-like skew. The random generator is the script's own (Park and Miller's minimal standard,
# exact in a double), so the output is the same under any awk, on any machine.
docs=${1:-10000}
labels=${2:-1000}
seed=${3:-1}
exec awk -v docs="$docs" -v labels="$labels" -v seed="$seed" '
function rnd() { state = (state * 16807) % 2147483647; return state / 2147483647 }
function irnd(n) { return int(rnd() * n) }
function word(   n, s, i) {
    n = 3 + irnd(4); s = ""
    for (i = 0; i < n; i++) s = s letter[irnd(20)]
    return s
}
BEGIN {
    split("ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق", L, " ")
    for (i = 0; i < 20; i++) letter[i] = L[i + 1]
    state = 1 + seed % 2147483646
    for (i = 0; i < 3000; i++) noise[i] = word()
    for (k = 0; k < labels; k++)
        for (j = 0; j < 6; j++) own[k, j] = word()
    for (d = 0; d < docs; d++) {
        k = d < labels ? d : irnd(labels)   # every label occurs at least once
        n = 5 + irnd(16); m = 2 + irnd(3); s = ""
        for (i = 0; i < n; i++) {
            if (i < m) w = own[k, irnd(6)]
            else { r = rnd(); w = noise[int(3000 * r * r * r)] }
            s = s (i ? " " : "") w
        }
        printf "L%04d\t%s\n", k, s
    }
}'
