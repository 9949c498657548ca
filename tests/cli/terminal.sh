# tests/cli/terminal.sh -- what changes on a terminal (under script(1)'s pseudo-terminal):
# progress lines for featurization, folds and tune candidates, cleared from stderr with a
# carriage return, and silenced by -q; label's colours, which NO_COLOR turns off.
. tests/cli/lib.sh
D=tests/data
if ! command -v script >/dev/null; then
    echo "skip terminal: script (util-linux) is absent"
    finish
    exit 0
fi
# on_tty CMD...: runs tasnif on a pseudo-terminal (stdout and stderr both); sets $rc and $out
on_tty() {
    script -qec "$TASNIF $*" /dev/null </dev/null >"$T/tty" 2>&1
    rc=$?
    out=$(tr -d '\r' <"$T/tty")
    err=
}
on_tty train -i $D/tiny.tsv -o "$T/m" --min-df 1
check train_shows_featurization_progress_on_a_terminal '[ $rc -eq 0 ] && echo "$out" | grep -q "featurize: 20/20 (100%)" && [ -s "$T/m" ]'
on_tty train -q -i $D/tiny.tsv -o "$T/q" --min-df 1
check quiet_train_shows_no_progress '[ $rc -eq 0 ] && [ -z "$out" ] && cmp -s "$T/m" "$T/q"'
on_tty cv -i $D/tiny.tsv --folds 2 --min-df 1
check cv_shows_each_fold_on_a_terminal '[ $rc -eq 0 ] && echo "$out" | grep -q "^fold 1/2: accuracy [01]\.[0-9]*, macro-F1 " && echo "$out" | grep -q "^fold 2/2: accuracy " && echo "$out" | grep -q "^per fold: "'
on_tty tune -i $D/tiny.tsv -o "$T/t" --min-df 1 --folds 2
check tune_shows_its_candidates_on_a_terminal '[ $rc -eq 0 ] && echo "$out" | grep -q "tasnif: tune: candidate 1 of ~[0-9]*: (the given config)" && [ -s "$T/t" ]'
esc=$(printf '\033')
on_tty label -i $D/article.txt
check label_colours_topic_and_stances_on_a_terminal '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -q "^topic: ${esc}\[1msecurity${esc}\[0m" && echo "$out" | grep -q "${esc}\[36mdenial"'
NO_COLOR=1
export NO_COLOR
on_tty label -i $D/article.txt
check no_color_turns_the_colours_off '[ $rc -eq 0 ] && echo "$out" | head -1 | grep -q "^topic: security (" && ! echo "$out" | grep -q "$esc"'
finish
