# tests/cli/bad.sh -- the bad-input catalog: runs every case of tests/bad/catalog.tsv.
#
# The catalog (its header describes the format) names each case, the exit status and the
# stderr pattern a demanding user expects, and tasnif's command line. This script makes the
# inputs that are large or derived (a 50 MB line, damaged models, directory datasets) in $T,
# trains $M, then runs every case as `$TASNIF <command>` with stdin from /dev/null and prints
# one ok/FAIL line named after it. A case passes when all of these hold:
#   - the exit status is the catalog's;
#   - some line of stderr matches the catalog's ERE (awk's ~: POSIX extended regex);
#   - diagnostics: a stderr line starting "tasnif: " is a diagnostic, unless it starts
#     "tasnif: CMD: warning: " -- a warning, never counted. Exit 0: stderr holds warnings
#     only. Exit 1: exactly one diagnostic, and it starts "tasnif: CMD: " (CMD: the command
#     run); nothing else but warnings. Exit 2: exactly one diagnostic; the usage lines after
#     it are free;
#   - no sanitizer or valgrind report (==PID== lines, "runtime error:") on stderr;
#   - on failure (exit 1 or 2): stdout is empty and $OUT does not exist;
#   - nothing is left in $OUT's directory but $OUT, nor any file named *tmp* in $T
#     (src/modelsave.c writes MODEL.tmp.XXXXXX beside MODEL, then renames it).
# Cases naming /dev/full or /dev/null as an argument (-o /dev/full) could, run as root,
# replace the device node with a renamed temporary file. Where /dev is writable they run in
# a private mount namespace (unshare -m) on a scratch /dev, and fail if a device there was
# replaced or a temporary file left; without unshare they are skipped, never run on the real
# /dev. Inputs made here are removed with $T; the 50 MB ones as soon as the cases are done.
LC_ALL=C
export LC_ALL
. tests/cli/lib.sh
BAD=tests/bad
M=$T/m
OUT=$T/out/model
tab=$(printf '\t')

# ---- The model and the derived inputs.

$TASNIF train -i tests/data/tiny.tsv -o "$M" --min-df 1 </dev/null >/dev/null 2>"$T/stderr"
if [ ! -s "$M" ]; then
    rc=x out='' err=$(cat "$T/stderr")
    bad cannot_train_the_model_M
    finish
    exit 1
fi

# One 50 MB line: in a TSV (line 2) and alone in a text file (line 1).
big=52428800
{ printf 'sports\tفاز الفريق بالمباراة\neconomy\t'; head -c $big /dev/zero | tr '\0' a; echo; } \
    >"$T/huge.tsv"
{ head -c $big /dev/zero | tr '\0' a; echo; } >"$T/huge.txt"

# Damaged models: cut in half; one byte in the middle flipped; a newer format version;
# the magic line alone; bytes appended after the checksum.
size=$(wc -c <"$M")
half=$((size / 2))
head -c $half "$M" >"$T/trunc.model"
cp "$M" "$T/flip.model"
byte=$(od -An -tu1 -j $half -N1 "$M" | tr -d ' ')
printf "\\$(printf %03o $((byte ^ 1)))" |
    dd of="$T/flip.model" bs=1 seek=$half conv=notrunc 2>/dev/null
{ echo 'tasnif-model 999'; tail -n +2 "$M"; } >"$T/future.model"
head -n 1 "$M" >"$T/magic.model"
{ cat "$M"; echo 'ملاحظة أضيفت بعد النموذج'; } >"$T/junk.model"

# Directory datasets, DIR/<label>/<file>, each with one twist.
dataset() {
    mkdir -p "$1/sports" "$1/economy"
    printf 'فاز الفريق بالكأس بعد مباراة صعبة\n' >"$1/sports/a.txt"
    printf 'The striker scored twice in the final\n' >"$1/sports/b.txt"
    printf 'ارتفعت أسعار الذهب في السوق المحلية\n' >"$1/economy/c.txt"
}
dataset "$T/dir-dangling"
ln -s "$T/nowhere" "$T/dir-dangling/economy/d.txt"
dataset "$T/dir-unreadable"
if [ "$(id -u)" -ne 0 ]; then
    printf 'هبط سعر النفط\n' >"$T/dir-unreadable/economy/d.txt"
    chmod 000 "$T/dir-unreadable/economy/d.txt"
else
    ln -s d.txt "$T/dir-unreadable/economy/d.txt" # root reads anything: a symlink loop
fi
dataset "$T/dir-emptylabel"
mkdir "$T/dir-emptylabel/weather"
dataset "$T/dir-toplevel"
printf 'ملاحظات عن البيانات\n' >"$T/dir-toplevel/notes.txt"
dataset "$T/dir-nested"
mkdir "$T/dir-nested/sports/more"
printf 'سجل الحارس هدفا نادرا\n' >"$T/dir-nested/sports/more/e.txt"
dataset "$T/dir-emptydoc"
: >"$T/dir-emptydoc/economy/d.txt"
dataset "$T/dir-labeltab"
mkdir "$T/dir-labeltab/spo${tab}rts"
cp "$T/dir-labeltab/sports/a.txt" "$T/dir-labeltab/spo${tab}rts/"
dataset "$T/dir-labelnl"
mkdir "$T/dir-labelnl/spo
rts"
cp "$T/dir-labelnl/sports/a.txt" "$T/dir-labelnl/spo
rts/"
dataset "$T/dir-utf8"
cp "$BAD/06-invalid-utf8.txt" "$T/dir-utf8/economy/d.txt"
mkdir "$T/articles" "$T/isdir" "$T/out"
printf 'نفت الوزارة الخبر. وقال المتحدث إن التقرير غير دقيق.\n' >"$T/articles/a.txt"
ln -s "$T/nowhere" "$T/articles/b.txt"

# ---- Running a case.

tsn() {
    $TASNIF "$@"
}

# tsn on a scratch /dev in a private mount namespace; reports on stderr a device replaced
# or a temporary file left there.
tsn_private_dev() {
    unshare -m sh -c '
        mount -t tmpfs -o mode=755 tasnif-bad /dev &&
            mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 &&
            mknod -m 666 /dev/full c 1 7 && mknod -m 666 /dev/urandom c 1 9 || exit 125
        "$@"
        rc=$?
        for d in /dev/null /dev/full; do
            [ -c $d ] || echo "bad.sh: $d is no longer a device: tasnif replaced it" >&2
        done
        ls -A /dev | grep tmp >&2 && echo "bad.sh: temporary files left in /dev" >&2
        exit $rc' sh $TASNIF "$@"
}

# Sets $dev_runner, how to run a command naming a device: tsn, tsn_private_dev, or none.
pick_device_runner() {
    if [ -n "$dev_runner" ]; then
        return
    elif [ ! -w /dev ]; then
        dev_runner=tsn
    elif unshare -m sh -c 'mount -t tmpfs tasnif-bad /dev' </dev/null >/dev/null 2>&1; then
        dev_runner=tsn_private_dev
    else
        dev_runner=none
    fi
}

# Sets $left to the files a case left in $T or in $OUT's directory, $OUT itself aside.
leftovers() {
    left=
    for f in "$T"/*tmp* "$T"/.*tmp* "$T"/out/* "$T"/out/.[!.]*; do
        [ -e "$f" ] || [ -L "$f" ] || continue
        [ "$f" = "$OUT" ] || left="$left ${f#"$T"/}"
    done
}

# check_case NAME CODE PATTERN COMMAND: runs one case and prints its ok/FAIL line. Processes
# are slow to start on some machines, so the checks are shell built-ins and one awk.
check_case() {
    name=$1 code=$2 pat=$3 cmd=$4
    runner=tsn
    case " $cmd " in
    *" /dev/full "* | *" /dev/null "*)
        pick_device_runner
        runner=$dev_runner
        if [ "$runner" = none ]; then
            echo "skip $name: /dev is writable and unshare -m is not available"
            return
        fi
        ;;
    esac
    leftovers
    if [ -n "$left" ] || [ -e "$OUT" ] || [ -L "$OUT" ]; then
        rm -rf "$T/out" "$T"/*tmp* "$T"/.*tmp*
        mkdir "$T/out"
    fi
    set -f
    eval "$runner $cmd" >"$T/stdout" 2>"$T/stderr" </dev/null
    rc=$?
    set +f
    why=$(PAT=$pat CODE=$code CMD=${cmd%% *} awk '
        $0 ~ ENVIRON["PAT"] { matched = 1 }
        /^==[0-9]+==|runtime error:/ { sanitizer = 1 }
        /^tasnif: [a-z]+: warning: / { next }
        /^tasnif: / {
            diag++
            if (index($0, "tasnif: " ENVIRON["CMD"] ": ") != 1)
                prefix = 1
            next
        }
        { other++ }
        END {
            code = ENVIRON["CODE"]
            if (NR == 0 && "" ~ ENVIRON["PAT"])
                matched = 1
            if (!matched)
                printf "; no stderr line matches /%s/", ENVIRON["PAT"]
            if (code == 0 && diag + other > 0)
                printf "; stderr holds more than warnings"
            if (code != 0 && diag != 1)
                printf "; %d diagnostic lines, expected one", diag
            if (code == 1 && other > 0)
                printf "; %d stderr lines that are not diagnostics", other
            if (code == 1 && prefix)
                printf "; a diagnostic does not start \"tasnif: %s: \"", ENVIRON["CMD"]
            if (sanitizer)
                printf "; sanitizer or valgrind report"
        }' "$T/stderr")
    [ "$rc" = "$code" ] || why="; exit status $rc, expected $code$why"
    if [ "$code" != 0 ]; then
        [ -s "$T/stdout" ] && why="$why; stdout is not empty on failure"
        [ -e "$OUT" ] || [ -L "$OUT" ] && why="$why; \$OUT exists after a failure"
    fi
    leftovers
    [ -z "$left" ] || why="$why; files left behind:$left"
    if [ -z "$why" ]; then
        ok "$name"
    else
        out=$(cat "$T/stdout")
        err=$(cat "$T/stderr")
        bad "$name"
        echo "     why: ${why#; }"
        echo "     cmd: $cmd"
    fi
    if [ ! -c /dev/full ] || [ ! -c /dev/null ]; then
        echo "FAIL $name replaced /dev/full or /dev/null on this machine: stopping"
        fail=$((fail + 1))
        finish
        exit 1
    fi
}

# ---- The catalog: continuation lines joined, comments skipped, fields checked.

names=" "
while IFS= read -r line || [ -n "$line" ]; do
    while :; do
        case $line in
        *\\) ;;
        *) break ;;
        esac
        read -r more || :
        line=${line%\\}$more
    done
    case $line in
    '' | '#'*) continue ;;
    esac
    name=${line%%"$tab"*}
    rest=${line#*"$tab"}
    code=${rest%%"$tab"*}
    rest=${rest#*"$tab"}
    pat=${rest%%"$tab"*}
    cmd=${rest#*"$tab"}
    case $line in
    *"$tab"*"$tab"*"$tab"*) ;;
    *) code=malformed ;;
    esac
    case "$code:$names" in
    [012]:*" $name "*) rc=x out='' err="catalog: duplicate case name" && bad "$name" ;;
    [012]:*) check_case "$name" "$code" "$pat" "$cmd" ;;
    *) rc=x out='' err="catalog: malformed line: $line" && bad "${name:-catalog}" ;;
    esac
    names="$names$name "
done <"$BAD/catalog.tsv"
rm -f "$T/huge.tsv" "$T/huge.txt"
finish
