#!/bin/sh
# tests/cli/serve_errors.sh -- the request errors of `tasnif serve` that serve.sh leaves out:
# \u escapes that would cut a string (cut short, \u0000, a NUL byte inside), null and
# out-of-range members, documents of the wrong shape, label fields of the wrong type; the
# options refused before it starts (a bad size, a host too long or not IPv4); SIGINT, and a
# stop that waits for an idle connection to close.
. tests/cli/lib.sh
. tests/cli/serve_lib.sh
$TASNIF train -q -i tests/data/tiny.tsv --min-df 1 -o "$T/m" </dev/null 2>/dev/null
$TASNIF train -q -i tests/data/pair.tsv --min-df 1 -o "$T/pair" </dev/null 2>/dev/null

# bad400 NAME DETAIL-ERE: the last request was a 400 whose body matches
bad400() { check "$1" '[ "$code" = 400 ] && echo "$body" | grep -qE -e "$2"'; }

start 2 -m news="$T/m" -m pair="$T/pair" -m topic="$T/m"
check serve_starts '[ -n "$url" ]'

json '{"model":"news","texts":["a\u0000b"]}'; req POST /v1/classify "$T/req.json"
bad400 a_u0000_escape_is_400 '"error":"bad_json","detail":"a \\\\u escape without four hex digits'
json '{"model":"news","texts":["\u12"]}'; req POST /v1/classify "$T/req.json"
bad400 a_u_escape_with_two_digits_is_400 '"error":"bad_json"'
json '{"model":"news","texts":["x"]} \u1'; req POST /v1/classify "$T/req.json"
bad400 a_u_escape_cut_by_the_end_of_the_body_is_400 '"error":"bad_json"'
printf '{"model":"news","texts":["\\u00\0001"]}' >"$T/req.json"; req POST /v1/classify "$T/req.json"
bad400 a_nul_byte_inside_a_u_escape_is_400 '"error":"bad_json","detail":"a \\\\u escape'
json '{"model":"news","texts":["\\u0041 \u0628"]}'; req POST /v1/classify "$T/req.json"
check an_escaped_backslash_before_u_is_no_escape '[ "$code" = 200 ] && echo "$body" | grep -q "^{\"model\":\"news\",\"results\":\[{\"label\":"'

json '{"model":null,"texts":["x"]}'; req POST /v1/classify "$T/req.json"
bad400 a_null_model_is_a_missing_one '"model\\" \(a served model.s name\) is required'
json '{"model":"news","texts":["x"],"k":1001}'; req POST /v1/classify "$T/req.json"
bad400 a_k_above_1000_is_400 '"k\\" must be an integer from 0 to 1000'
json '{"model":"news","docs":[{"text":5}]}'; req POST /v1/classify "$T/req.json"
bad400 a_doc_whose_text_is_no_string_is_400 'docs\[0\]: must be an object with a string \\"text\\"'
json '{"model":"news","docs":["just a string"]}'; req POST /v1/classify "$T/req.json"
bad400 a_doc_that_is_no_object_is_400 'docs\[0\]: must be an object'
json '{"model":"pair","docs":[{"text":"نص","claim":7}]}'; req POST /v1/classify "$T/req.json"
bad400 a_claim_that_is_no_string_is_400 'docs\[0\]: must be an object with a string'
json '{"model":"pair","docs":[{"text":"نص","claim":null}]}'; req POST /v1/classify "$T/req.json"
check a_null_claim_to_a_pair_model_is_422 '[ "$code" = 422 ] && echo "$body" | grep -q "claim_required"'
json '{"model":"news","docs":[{"text":"فاز الفريق","claim":null,"id":2.5}]}'; req POST /v1/classify "$T/req.json"
check a_number_id_is_echoed_as_given '[ "$code" = 200 ] && echo "$body" | grep -q "^{\"model\":\"news\",\"results\":\[{\"id\":2.5,\"label\":\"sports\""'

json '{"text":5}'; req POST /v1/label "$T/req.json"
bad400 a_label_text_that_is_no_string_is_400 '"text\\" must be a string'
json '{"text":"نص","topic_model":[]}'; req POST /v1/label "$T/req.json"
bad400 a_topic_model_that_is_no_string_is_400 '"topic_model\\" must be a string'
json '{"text":"نص","min_prob":-0.5,"stance_model":"news"}'; req POST /v1/label "$T/req.json"
bad400 a_negative_min_prob_is_400 'min_prob\\" must be a number from 0 to 1'
json '{"text":"فاز الفريق. وارتفعت الأسعار.","stance_model":"news","topic_model":"topic"}'; req POST /v1/label "$T/req.json"
check label_with_two_served_single_text_models_answers '[ "$code" = 200 ] && echo "$body" | grep -q "^{\"topic\":{\"label\":" && echo "$body" | grep -q "\"summary\":{\"economy\":[0-9]*,\"sports\":[0-9]*}}$"'

# a stop waits for an open idle connection (closed by --timeout) before it ends
if command -v python3 >/dev/null && command -v env >/dev/null && env --default-signal=INT true 2>/dev/null; then
    kill -TERM $pid; wait $pid
    env --default-signal=INT $TASNIF serve --listen 127.0.0.1:0 --threads 1 --timeout 1 -m news="$T/m" 2>"$T/serve.log" &
    pid=$!
    for i in $(seq 1 300); do
        port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$T/serve.log")
        [ -n "$port" ] && break
        sleep 0.1
    done
    python3 -c 'import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
s.recv(4096)
open(sys.argv[2], "w").close()
time.sleep(2.5)' "$port" "$T/connected" &
    client=$!
    for i in $(seq 1 100); do [ -e "$T/connected" ] && break; sleep 0.1; done
    kill -INT $pid
    wait $pid
    rc=$?
    wait $client 2>/dev/null
    check sigint_drains_and_exits_0_after_the_idle_connection_closes '[ $rc -eq 0 ] && [ -e "$T/connected" ] && grep -q "SIGINT: finishing the requests in flight" "$T/serve.log" && grep -q "stopped" "$T/serve.log"'
else
    kill -TERM $pid; wait $pid
    echo "skip sigint_drains_and_exits_0_after_the_idle_connection_closes: no python3 or env --default-signal"
fi

# options refused before the server starts
run serve --max-body lots
check a_max_body_that_is_no_number_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: serve: --max-body must be an integer from 1 to 4294967296$"'
run serve --timeout 86401
check a_timeout_above_a_day_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: serve: --timeout must be an integer from 1 to 86400$"'
run serve --max-docs 1000001
check too_many_max_docs_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: serve: --max-docs must be an integer from 1 to 1000000$"'
run serve --listen "$(printf '%0300d' 0):8080"
check a_host_of_300_bytes_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: serve: --listen takes HOST:PORT"'
run serve --listen 127.0.0.1:port
check a_port_that_is_no_number_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: serve: --listen takes HOST:PORT"'
run serve --listen localhost:0 -m news="$T/m"
check a_host_that_is_no_ipv4_address_is_refused '[ $rc -eq 1 ] && [ "$err" = "tasnif: serve: --listen: \"localhost\" is not an IPv4 address" ]'
run serve -m ab="$T/m" -m cd="$T/m" -m ab="$T/pair"
check a_repeated_name_after_another_of_its_length_is_refused '[ $rc -eq 2 ] && echo "$err" | grep -q "two models named \"ab\""'
finish
