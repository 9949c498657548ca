# tests/cli/serve_lib.sh -- helpers for the tests of `tasnif serve` (serve.sh, serve_errors.sh).
# Source it after lib.sh: it skips the whole file, with a message, when curl is absent.
if ! command -v curl >/dev/null; then
    echo "skip $(basename "$0" .sh): curl is absent"
    finish
    exit 0
fi

# start THREADS [options...]: the server in the background on an ephemeral port of 127.0.0.1;
# sets $pid, $port and $url ($url empty when it did not come up).
start() {
    threads=$1
    shift
    $TASNIF serve --listen 127.0.0.1:0 --threads "$threads" "$@" 2>"$T/serve.log" &
    pid=$!
    url=
    for i in $(seq 1 300); do
        port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$T/serve.log")
        [ -n "$port" ] && url="http://127.0.0.1:$port" && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.1
    done
}

# req METHOD PATH [BODY-FILE]: sets $code and $body
req() {
    if [ -n "${3:-}" ]; then
        code=$(curl -s -o "$T/body" -w '%{http_code}' -X "$1" --data-binary "@$3" "$url$2")
    else
        code=$(curl -s -o "$T/body" -w '%{http_code}' -X "$1" "$url$2")
    fi
    body=$(cat "$T/body")
}

# json TEXT: TEXT as the next request's body file, $T/req.json
json() { printf '%s' "$1" >"$T/req.json"; }
