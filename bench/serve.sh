#!/bin/sh
# bench/serve.sh TASNIF -- `tasnif serve` under load with wrk: requests/s and p50/p99 latency
# for POST /v1/classify with one short text and with 32 texts per request, at 1, 8 and 64
# concurrent connections (2 wrk threads, 10 s each after a warm-up), and the command line's
# own throughput on the same texts, for the documents/s comparison. Writes bench/serve.md.
set -eu
TASNIF=${1:-build/tasnif}
command -v wrk >/dev/null || { echo "bench-serve: wrk is absent (apt-get install wrk)"; exit 1; }
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$TASNIF" serve --listen 127.0.0.1:0 2>"$tmp/log" &
pid=$!
for i in $(seq 1 100); do
    port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$tmp/log")
    [ -n "$port" ] && break
    sleep 0.1
done
url="http://127.0.0.1:$port/v1/classify"
# 32 short sentences of the written stance test split, one of them for the single-text case
head -32 datasets/stance/test.jsonl | sed 's/.*"text": *"\([^"]*\)".*/\1/' >"$tmp/texts.txt"
one=$(head -1 "$tmp/texts.txt")
batch=$(awk 'BEGIN{ORS=""} {printf "%s\"%s\"", (NR > 1 ? "," : ""), $0}' "$tmp/texts.txt")
for kind in one batch; do
    if [ $kind = one ]; then body="{\"model\":\"stance\",\"texts\":[\"$one\"]}"; else body="{\"model\":\"stance\",\"texts\":[$batch]}"; fi
    printf 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[%s]]\n' "$body" >"$tmp/$kind.lua"
done
run() { # run KIND CONNECTIONS -> "req/s p50 p99 non-2xx"
    t=$(( $2 < 2 ? $2 : 2 )) # wrk wants no more threads than connections
    wrk -t$t -c"$2" -d3s -s "$tmp/$1.lua" "$url" >/dev/null 2>&1 # warm-up
    wrk -t$t -c"$2" -d10s --latency -s "$tmp/$1.lua" "$url" >"$tmp/out" 2>&1
    rps=$(awk '/Requests\/sec/ {print $2}' "$tmp/out")
    p50=$(awk '$1 == "50%" {print $2}' "$tmp/out")
    p99=$(awk '$1 == "99%" {print $2}' "$tmp/out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$tmp/out")
    echo "$rps $p50 $p99 ${non2xx:-0}"
}
{
    echo "# tasnif serve under load"
    echo
    echo "\`make bench-serve\` on $(nproc) processors, $(date -u +%Y-%m-%d): \`tasnif serve\` (shipped"
    echo "models, one worker thread per processor, access log to a file) against wrk (2 threads),"
    echo "10 s per row after a 3 s warm-up; POST /v1/classify with the stance model."
    echo
    echo "| request | connections | requests/s | documents/s | p50 | p99 | non-2xx |"
    echo "|---|---|---|---|---|---|---|"
    for kind in one batch; do
        for c in 1 8 64; do
            set -- $(run $kind $c)
            docs=$(awk -v r="$1" -v k=$kind 'BEGIN { printf "%.0f", r * (k == "one" ? 1 : 32) }')
            echo "| $( [ $kind = one ] && echo "1 short text" || echo "32 texts" ) | $c | $1 | $docs | $2 | $3 | $4 |"
        done
    done
    # the command line on the same texts, many times over, model loading included
    awk '{for (i = 0; i < 1000; i++) print}' "$tmp/texts.txt" >"$tmp/many.txt"
    n=$(wc -l <"$tmp/many.txt")
    t0=$(date +%s.%N)
    "$TASNIF" classify -m stance -i "$tmp/many.txt" >/dev/null
    t1=$(date +%s.%N)
    cli=$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')
    echo
    echo "The command line on the same 32 texts repeated to $n lines (\`tasnif classify -m stance\`,"
    echo "all processors, model loading included): **$cli documents/s**."
} >bench/serve.md.tmp
mv bench/serve.md.tmp bench/serve.md
cat bench/serve.md
