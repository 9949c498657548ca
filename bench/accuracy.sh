#!/bin/sh
# bench/accuracy.sh [TASNIF] -- trains tasnif with its default config on every dataset in
# ../shared/datasets, scores it once on test.tsv, runs the peers (fastText, scikit-learn) on the
# same split when they are installed, and writes bench/accuracy.md. A benchmark, not a test.
set -eu
TASNIF=${1:-build/tasnif}
S=${SHARED:-../shared}
OUT=bench/accuracy.md
PEERS=${PEERS:-fasttext svc-wordchar}
[ -d "$S/datasets" ] || { echo "bench: $S/datasets is absent" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
have_peers=0
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sklearn' 2>/dev/null && command -v fasttext >/dev/null; then
    have_peers=1
fi
{
    echo "# Accuracy: tasnif against its peers"
    echo
    echo "Each system is trained on \`train.tsv\` and scored once on \`test.tsv\` of every dataset in"
    echo "\`../shared/datasets\` (pair datasets: \`label<TAB>claim<TAB>text\`; the peers read claim and"
    echo "text joined). tasnif runs with its default config; the peers as \`../shared/bench/peers.py\`"
    echo "defines them. Regenerate with \`make bench\`. Machine: $(nproc) cores; $(date -u +%Y-%m-%d)."
    echo
    printf "| dataset | tasnif accuracy | tasnif macro-F1 | tasnif train s |"
    [ $have_peers -eq 1 ] && for p in $PEERS; do printf " %s accuracy | %s macro-F1 |" "$p" "$p"; done
    echo
    printf "|---|---|---|---|"
    [ $have_peers -eq 1 ] && for p in $PEERS; do printf -- "---|---|"; done
    echo
    for d in "$S"/datasets/*/; do
        name=$(basename "$d")
        [ -f "$d/train.tsv" ] && [ -f "$d/test.tsv" ] || continue
        t0=$(date +%s.%N)
        "$TASNIF" train -q -i "$d/train.tsv" -o "$tmp/m"
        t1=$(date +%s.%N)
        r=$("$TASNIF" eval -m "$tmp/m" -i "$d/test.tsv" --json)
        acc=$(echo "$r" | sed 's/.*"accuracy":\([0-9.]*\).*/\1/')
        f1=$(echo "$r" | sed 's/.*"macro_f1":\([0-9.]*\).*/\1/')
        printf "| %s | %s | %s | %.1f |" "$name" "$acc" "$f1" "$(awk "BEGIN{print $t1 - $t0}")"
        if [ $have_peers -eq 1 ]; then
            for p in $PEERS; do
                pr=$(/usr/bin/python3 "$S/bench/peers.py" "$d/train.tsv" "$d/test.tsv" --peer "$p" 2>/dev/null | tail -1)
                pa=$(echo "$pr" | sed 's/.*"accuracy": \([0-9.]*\).*/\1/')
                pf=$(echo "$pr" | sed 's/.*"macro_f1": \([0-9.]*\).*/\1/')
                printf " %.4f | %.4f |" "$pa" "$pf"
            done
        fi
        echo
    done
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
