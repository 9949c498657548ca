# tests/cli/man.sh -- the manual pages keep up with the program and the library.
# Every command `tasnif --help` lists has a subsection in man/tasnif.1, and every option
# (--long and -x) that `tasnif <command> --help` lists is documented in that command's
# subsection or in OPTIONS (the pipeline and training options); every function declared in
# include/tasnif.h is in man/libtasnif.3; both pages render without warnings.
# MAN1 and MAN3 name other pages to check (the test of this test uses a damaged copy).
. tests/cli/lib.sh
MAN1=${MAN1:-man/tasnif.1}
MAN3=${MAN3:-man/libtasnif.3}
HEADER=include/tasnif.h

# plain FILE: the troff source with its escapes undone where they hide words: \- is a hyphen,
# font changes (\fB \fI \fR \fP \f(xx \f[xx]) and the zero-width \& \% \: vanish, \(dq is ".
plain() {
    sed -e 's/\\-/-/g' -e 's/\\f\[[^]]*\]//g' -e 's/\\f([A-Za-z0-9][A-Za-z0-9]//g' \
        -e 's/\\f[A-Za-z0-9]//g' -e 's/\\[&%:]//g' -e 's/\\(dq/"/g' "$1"
}

# options TEXT: every option a help text names (--long or -x), one a line.
options() {
    printf '%s\n' "$1" | grep -oE '(^|[][ ,(|])--?[A-Za-z][A-Za-z0-9-]*' | sed 's/^[^-]*//' |
        sort -u
}

# documented TEXT: every whole option (--long or -x) and tasnif_ identifier that a page's
# text names, one a line: --fold-alef-maqsura does not document --fold-alef.
documented() {
    printf '%s\n' "$1" | grep -oE '(^|[^A-Za-z0-9_-])(--?[A-Za-z][A-Za-z0-9-]*|tasnif_[a-z_]*)' |
        sed 's/^[^-t]*//' | sort -u
}

# missing WANTED DOCFILE: the words of WANTED (one a line) that are not lines of DOCFILE.
missing() {
    printf '%s\n' "$1" | grep -v '^$' | grep -Fxv -f "$2" | tr '\n' ' '
}

rc=0 out='' err=''
check the_manual_pages_exist '[ -f "$MAN1" ] && [ -f "$MAN3" ]'
page1=$(plain "$MAN1" 2>/dev/null)
page3=$(plain "$MAN3" 2>/dev/null)
# OPTIONS: from `.SH OPTIONS` to the next .SH.
documented "$(printf '%s\n' "$page1" | awk '/^\.SH/ { on = ($0 ~ /^\.SH[ "]*OPTIONS"?[ ]*$/) } on')" \
    >"$T/doc.options"
documented "$page1" >"$T/doc.page1"
documented "$page3" >"$T/doc.page3"

run --help
commands=$(printf '%s\n' "$out" | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
top_opts=$(options "$out")
check help_lists_the_commands '[ $rc -eq 0 ] && [ $(echo "$commands" | wc -w) -ge 8 ]'

lacking=$(missing "$top_opts" "$T/doc.page1")
out="missing from $MAN1: $lacking"
check man_page_documents_the_top_level_options '[ -n "$top_opts" ] && [ -z "$lacking" ]'

lacking=
for c in $commands; do
    printf '%s\n' "$page1" | grep -Eq "^\\.SS[ \"]*(tasnif )?$c\"?[ ]*\$" || lacking="$lacking $c"
done
out="no .SS subsection in $MAN1:$lacking"
check man_page_has_a_subsection_for_every_command '[ -z "$lacking" ]'

for c in $commands; do
    run "$c" --help
    helprc=$rc
    opts=$(options "$out")
    # The command's subsection, from `.SS <command>` to the next .SS or .SH, and OPTIONS.
    printf '%s\n' "$page1" | awk -v c="$c" '
        /^\.S[HS]/ { on = ($0 ~ ("^\\.SS[ \"]*(tasnif )?" c "\"?[ ]*$")) } on' >"$T/section"
    documented "$(cat "$T/section")" | cat - "$T/doc.options" >"$T/doc.section"
    lacking=$(missing "$opts" "$T/doc.section")
    out="missing from $c in $MAN1: $lacking"
    check "man_page_documents_every_option_of_$c" '[ $helprc -eq 0 ] && [ -n "$opts" ] && [ -z "$lacking" ]'
done

funcs=$(grep -o 'tasnif_[a-z_]*(' "$HEADER" | tr -d '(' | sort -u)
lacking=$(missing "$funcs" "$T/doc.page3")
out="missing from $MAN3: $lacking"
check library_page_documents_every_function_of_the_header '[ -n "$funcs" ] && [ -z "$lacking" ]'

# SYNOPSIS: every function with its prototype, name(...
printf '%s\n' "$page3" | awk '/^\.SH/ { on = ($0 ~ /^\.SH[ "]*SYNOPSIS/) } on' |
    grep -o '[ *]tasnif_[a-z_]*(' | tr -d ' *(' | sort -u >"$T/doc.synopsis"
lacking=$(missing "$funcs" "$T/doc.synopsis")
out="no prototype in the SYNOPSIS of $MAN3: $lacking"
check library_page_synopsis_has_every_prototype '[ -z "$lacking" ]'

# Rendering: man(1) formats each page with no warnings (a misspelt macro, a bad escape).
if command -v man >/dev/null 2>&1; then
    for p in "$MAN1" "$MAN3"; do
        name=$(basename "$p" | tr . _)
        warn=$(MANWIDTH=80 man -l --warnings "$p" 2>&1 >/dev/null)
        text=$(MANWIDTH=80 man -l "$p" 2>/dev/null)
        out=$(echo "$text" | head -3)
        err=$warn
        check "man_renders_${name}_without_warnings" '[ -z "$warn" ] && echo "$text" | grep -q "^NAME" && echo "$text" | grep -q "^SEE ALSO"'
    done
else
    echo "skip man_renders_the_pages_without_warnings (man is not installed)"
fi
if command -v groff >/dev/null 2>&1; then
    for p in "$MAN1" "$MAN3"; do
        name=$(basename "$p" | tr . _)
        err=$(groff -man -ww -z "$p" 2>&1)
        out=''
        check "groff_finds_no_problem_in_$name" '[ -z "$err" ]'
    done
else
    echo "skip groff_finds_no_problem_in_the_pages (groff is not installed)"
fi
finish
