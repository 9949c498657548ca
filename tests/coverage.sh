#!/bin/sh
# tests/coverage.sh BUILD -- branch and line coverage of src/ from a --coverage build after
# the suite has run in it (`make coverage`): gcov's counts per file and in total.
B=${1:-build-cov}
T=$(mktemp -d /tmp/tsn_cov.XXXXXX)
trap 'rm -rf "$T"' EXIT
for f in src/*.c src/cli/*.c; do
    o=$B/$(echo "$f" | sed 's|^src/||; s|\.c$|.o|')
    [ -f "${o%.o}.gcda" ] || { echo "$f 0 0 0 0 (not run)"; continue; }
    (cd "$T" && gcov -b -n -o "$OLDPWD/$(dirname "$o")" "$OLDPWD/$f" 2>/dev/null) |
        awk -v f="$f" '
            /^File / { keep = index($0, "/" f "'"'"'") > 0 || $0 ~ ("'"'"'" f "'"'"'") }
            keep && /^Lines executed:/ { split($2, a, "[:%]"); lp = a[2]; lt = $4 }
            keep && /^Taken at least once:/ { split($4, b, "[:%]"); bp = b[2]; bt = $6 }
            END { printf "%s %d %d %d %d\n", f, lp * lt / 100 + 0.5, lt, bp * bt / 100 + 0.5, bt }'
done | awk '
    { printf "%-28s lines %5.1f%% of %5d   branches %5.1f%% of %5d\n", $1, $3 ? 100 * $2 / $3 : 0, $3, $5 ? 100 * $4 / $5 : 0, $5
      l += $2; lt += $3; b += $4; bt += $5 }
    END { printf "\nsrc/ total: lines %.1f%% (%d of %d), branches taken %.1f%% (%d of %d)\n", 100 * l / lt, l, lt, 100 * b / bt, b, bt }'
