# tests/cli/accuracy.sh -- trains on shared Mawqif train and scores once on its test split.
# A floor no broken pipeline reaches: the majority class gives macro-F1 0.29 here.
. tests/cli/lib.sh
S=../shared/datasets/mawqif_stance
if [ ! -f "$S/train.tsv" ]; then
    echo "skip mawqif_accuracy: ../shared/datasets is absent"
    finish
    exit 0
fi
run train -i "$S/train.tsv" -o "$T/maw"
run eval -m "$T/maw" -i "$S/test.tsv" --json
f1=$(echo "$out" | sed -n 's/.*"macro_f1":\([0-9.]*\).*/\1/p')
echo "     mawqif_stance macro-F1 $f1"
check mawqif_macro_f1_is_above_the_floor '[ $rc -eq 0 ] && awk "BEGIN{exit !($f1 >= 0.55)}"'
finish
