#!/bin/sh
# bench/accuracy.sh [TASNIF] -- `make bench-accuracy`: on every dataset in ../shared/datasets,
# trains tasnif with its default config and with `tasnif tune` (cross-validation on train
# only), and every peer of ../shared/bench/peers.py, scores each once on test.tsv, then runs
# the ablations (cross-validation on train only), and writes bench/accuracy.md.
# A benchmark, not a test. Environment: SHARED (../shared), PEERS (the peers to run),
# ABLATION (1: run the ablations, 0: skip them, only: append them to the existing file),
# ABLATION_SETS (the datasets ablated), ROWS (a file of rows measured before, one per dataset
# as this script writes them in $T/rows, to format instead of measuring; CHOSEN likewise).
set -eu
TASNIF=${1:-build/tasnif}
S=${SHARED:-../shared}
OUT=bench/accuracy.md
PEERS=${PEERS:-fasttext svc-word svc-wordchar lr-wordchar}
ABLATION=${ABLATION:-1}
ABLATION_SETS=${ABLATION_SETS:-ant_multisource arsarcasm_v2_sentiment mawqif_stance ans_stance}
[ -d "$S/datasets" ] || { echo "bench: $S/datasets is absent" >&2; exit 1; }
if ! { [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import sklearn' 2>/dev/null &&
    command -v fasttext >/dev/null; }; then
    echo "bench: the peers need fasttext and python3-sklearn (make bench-deps)" >&2
    exit 1
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# score MODEL TEST: "accuracy macro_f1" of a tasnif model on a test file.
score() {
    "$TASNIF" eval -m "$1" -i "$2" --json |
        sed 's/.*"accuracy":\([0-9.]*\),"macro_f1":\([0-9.]*\).*/\1 \2/'
}

# One line per dataset in $T/rows: name, then accuracy and macro-F1 of each system.
: > "$T/rows"
[ "$ABLATION" = only ] && cp "$OUT" "$OUT.tmp"
if [ -n "${ROWS:-}" ]; then
    cp "$ROWS" "$T/rows"
    cp "${CHOSEN:-/dev/null}" "$T/chosen"
fi
for d in "$S"/datasets/*/; do
    [ "$ABLATION" = only ] || [ -n "${ROWS:-}" ] && break
    name=$(basename "$d")
    [ -f "$d/train.tsv" ] && [ -f "$d/test.tsv" ] || continue
    echo "bench: $name" >&2
    t0=$(date +%s.%N)
    "$TASNIF" train -q -i "$d/train.tsv" -o "$T/default.model"
    t1=$(date +%s.%N)
    "$TASNIF" tune -q -i "$d/train.tsv" -o "$T/tuned.model" > "$T/$name.tune"
    t2=$(date +%s.%N)
    row="$name $(score "$T/default.model" "$d/test.tsv") $(score "$T/tuned.model" "$d/test.tsv")"
    for p in $PEERS; do
        r=$(/usr/bin/python3 "$S/bench/peers.py" "$d/train.tsv" "$d/test.tsv" --peer "$p" \
            2>/dev/null | tail -1)
        row="$row $(echo "$r" | sed 's/.*"accuracy": \([0-9.]*\).*"macro_f1": \([0-9.]*\).*/\1 \2/')"
    done
    echo "$row $(awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.1f %.0f", b - a, c - b }')" \
        >> "$T/rows"
    # what tune chose, as the changes marked best
    grep '\*$' "$T/$name.tune" | sed 's/^ *[0-9]*  //; s/  *[0-9.]* ± .*//' | tail -n +2 |
        paste -sd';' - | sed "s/^/$name: /" >> "$T/chosen"
done

# table METRIC_OFFSET TITLE: one markdown table (offset 0: accuracy, 1: macro-F1).
table() {
    printf "| dataset | tasnif default | tasnif tune |"
    for p in $PEERS; do printf " %s |" "$p"; done
    printf " best peer | default − best peer | tune − best peer |\n|---|---|---|"
    for p in $PEERS; do printf -- "---|"; done
    printf -- "---|---|---|\n"
    awk -v off="$1" -v np="$(echo $PEERS | wc -w)" '{
        def = $(2 + off); tun = $(4 + off); best = -1
        line = sprintf("| %s | %s | %s |", $1, def, tun)
        for (i = 0; i < np; i++) {
            v = $(6 + 2 * i + off)
            if (v == "NA") { line = line " — |"; continue } # a peer that was not run
            line = line sprintf(" %.4f |", v)
            if (v + 0 > best) best = v + 0
        }
        printf "%s %.4f | %+.4f | %+.4f |\n", line, best, def - best, tun - best
    }' "$T/rows"
}

[ "$ABLATION" = only ] || {
    echo "# Accuracy: tasnif against its peers"
    echo
    echo "Each system is trained on \`train.tsv\` and scored once on \`test.tsv\` of every dataset in"
    echo "\`../shared/datasets\` (pair datasets: \`label<TAB>claim<TAB>text\`; the peers read claim and"
    echo "text joined). *tasnif default*: the default config; *tasnif tune*: \`tasnif tune\`"
    echo "(3-fold cross-validation on train only, macro-F1). The peers as"
    echo "\`../shared/bench/peers.py\` defines them. Regenerate with \`make bench-accuracy\` (about 40"
    echo "minutes on 2 cores). Machine: $(nproc) processors; $(date -u +%Y-%m-%d)."
    echo
    echo "## Accuracy"
    echo
    table 0
    echo
    echo "## Macro-F1"
    echo
    table 1
    echo
    echo "A dash marks a peer that was not run to the end. fastText's scores vary from run to run"
    echo "(it trains with threads); on ant_multisource we have seen 0.79 to 0.86 accuracy."
    echo
    echo "Training time of tasnif (seconds, default / tune including its search):"
    awk '{ printf "%s %s / %s; ", $1, $(NF - 1), $NF }' "$T/rows" | sed 's/; $/./'
    echo
    echo
    echo "What \`tune\` kept beyond the given config, per dataset:"
    echo
    sed 's/^/- /' "$T/chosen"
} > "$OUT.tmp"

if [ "$ABLATION" != 0 ]; then
    # ablate DATASET FOLDS NAME FLAGS...: one cross-validated row of the ablation table.
    ablate() {
        ds=$1 folds=$2 label=$3
        shift 3
        r=$("$TASNIF" cv -q -i "$S/datasets/$ds/train.tsv" --folds "$folds" --json "$@" |
            sed 's/.*"accuracy":{"mean":\([0-9.]*\),.*"macro_f1":{"mean":\([0-9.]*\),.*/\1 \2/')
        echo "| $ds | $label | $r |" | sed 's/ \([0-9.]*\) \([0-9.]*\) |$/ \1 | \2 |/'
    }
    {
        echo
        echo "## Ablations"
        echo
        echo "Cross-validation on train only (5 folds; 3 for ant_multisource), the default config"
        echo "with one change. *units*: word n-grams over Snowball stems plus surface unigrams"
        echo "(\`both\`, the default), stems or surface forms alone, or clitic-split forms (\`light\`);"
        echo "*stop words none*: the list off; *pair/claim features*: the claim-text relation"
        echo "features and the claim's own n-grams forced on or off (\`auto\` decides from the data)."
        echo
        echo "| dataset | variant | accuracy | macro-F1 |"
        echo "|---|---|---|---|"
        for ds in $ABLATION_SETS; do
            [ -f "$S/datasets/$ds/train.tsv" ] || continue
            k=5
            [ "$ds" = ant_multisource ] && k=3
            echo "bench: ablations on $ds" >&2
            ablate $ds $k "default"
            ablate $ds $k "units stem" --units stem
            ablate $ds $k "units surface" --units surface
            ablate $ds $k "units light (clitic splitting)" --units light
            ablate $ds $k "stop words none" --stopwords none
            ablate $ds $k "character n-grams off" --char-ngram-max 0
            case $ds in
            mawqif_stance | ans_stance)
                ablate $ds $k "pair features on, claim features on" --pair-features true \
                    --claim-features true
                ablate $ds $k "pair features off, claim features on" --pair-features false \
                    --claim-features true
                ablate $ds $k "pair features on, claim features off" --pair-features true \
                    --claim-features false
                ;;
            esac
        done
    } >> "$OUT.tmp"
fi
mv "$OUT.tmp" "$OUT"
cat "$OUT"
