#!/bin/sh
# tests/cli/serve.sh -- `tasnif serve` on 127.0.0.1 with an ephemeral port: every endpoint,
# answers compared with the command line's, every error path, SIGHUP reload (good and bad),
# SIGTERM drain, and the abuse a server meets (oversized bodies, slow and vanishing clients,
# many connections, thousands of requests with flat memory).
. tests/cli/lib.sh
. tests/cli/serve_lib.sh
cp models/stance.model "$T/stance.model"
cp models/topic.model "$T/topic.model"
$TASNIF train -q -i tests/data/pair.tsv --min-df 1 -o "$T/pair.model" 2>/dev/null

rss() { awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0; }

start 4 -m stance="$T/stance.model" -m topic="$T/topic.model" -m pair="$T/pair.model"
check serve_starts_and_reports_its_port '[ -n "$url" ]'

req GET /healthz
check healthz_answers_ok '[ "$code" = 200 ] && echo "$body" | grep -q "\"status\":\"ok\""'
req GET /v1/models
check models_lists_names_labels_and_config '[ "$code" = 200 ] && echo "$body" | grep -q "\"name\":\"stance\"" && echo "$body" | grep -q "\"name\":\"pair\"" && echo "$body" | grep -q "\"config\""'

text='نفت موسكو الاتهامات البريطانية بالوقوف وراء الهجوم'
json "{\"model\":\"stance\",\"texts\":[\"$text\",\"فاز المنتخب بالمباراة\"],\"k\":2,\"explain\":3}"
req POST /v1/classify "$T/req.json"
printf '%s\n%s\n' "$text" 'فاز المنتخب بالمباراة' | $TASNIF classify -m "$T/stance.model" -k 2 --explain 3 >"$T/cli.jsonl"
want="{\"model\":\"stance\",\"results\":[$(paste -sd, "$T/cli.jsonl")]}"
check classify_answers_as_the_command_line '[ "$code" = 200 ] && [ "$body" = "$want" ]'
json '{"model":"stance","docs":[{"id":"a1","text":"نفت الحكومة ذلك"},{"id":7,"text":"قال الوزير"}]}'
req POST /v1/classify "$T/req.json"
check classify_docs_echo_their_ids '[ "$code" = 200 ] && echo "$body" | grep -q "{\"id\":\"a1\",\"label\"" && echo "$body" | grep -q "{\"id\":7,\"label\""'

# a blank document, or one with nothing left after normalization (tashkeel only), gets no
# label, as classify answers it -- not the bias term's label with a confident probability
for m in stance topic; do
    printf '{"model":"%s","texts":["","\\u064e\\u064e"," \\n"," \\u064e","x"],"k":3,"explain":2}' $m >"$T/req.json"
    req POST /v1/classify "$T/req.json"
    printf '\n\331\216\331\216\n \n \331\216\nx\n' | $TASNIF classify -m "$T/$m.model" -k 3 --explain 2 2>/dev/null >"$T/cli.jsonl"
    want="{\"model\":\"$m\",\"results\":[$(paste -sd, "$T/cli.jsonl")]}"
    check "an_empty_document_gets_no_label_as_classify_answers_it_$m" '[ "$code" = 200 ] && [ "$body" = "$want" ] && [ "$(grep -c "\"label\":null,\"prob\":0.0000" "$T/cli.jsonl")" = 4 ]'
done
printf '%s' "$(cat tests/data/article.txt)" >"$T/article.txt"
python3 -c 'import json,sys; print(json.dumps({"text": open(sys.argv[1]).read()}))' "$T/article.txt" >"$T/label.json" 2>/dev/null ||
    { printf '{"text":"'; sed 's/"/\\"/g' "$T/article.txt" | awk 'BEGIN{ORS="\\n"} {print}'; printf '"}'; } >"$T/label.json"
req POST /v1/label "$T/label.json"
$TASNIF label -i "$T/article.txt" --json >"$T/cli.json"
check label_answers_as_the_command_line '[ "$code" = 200 ] && [ "$body" = "$(cat "$T/cli.json")" ]'

req GET /
check the_page_is_served '[ "$code" = 200 ] && echo "$body" | grep -q "/v1/label" && ! echo "$body" | grep -qE "src=\"https?:|href=\"https?:"'

# errors: 4xx with {"error", "detail"}, and the server goes on
json '{"model":"stance","texts":['; req POST /v1/classify "$T/req.json"
check malformed_json_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "\"error\":\"bad_json\""'
printf '{"model":"stance","texts":["\377\376"]}' >"$T/req.json"; req POST /v1/classify "$T/req.json"
check invalid_utf8_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "invalid_utf8"'
json '{"model":"stance","texts":[1,2]}'; req POST /v1/classify "$T/req.json"
check wrong_types_are_400 '[ "$code" = 400 ] && echo "$body" | grep -q "texts\[0\]"'
json '{"model":"stance","texts":["x"],"k":"three"}'; req POST /v1/classify "$T/req.json"
check a_bad_k_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "must be an integer"'
json '{"model":"nope","texts":["x"]}'; req POST /v1/classify "$T/req.json"
check an_unknown_model_is_404 '[ "$code" = 404 ] && echo "$body" | grep -q "unknown_model"'
json '{"model":"pair","texts":["نص"]}'; req POST /v1/classify "$T/req.json"
check a_pair_model_without_claim_is_422 '[ "$code" = 422 ] && echo "$body" | grep -q "claim"'
json '{"model":"pair","docs":[{"text":"نص","claim":"ادعاء"}]}'; req POST /v1/classify "$T/req.json"
check a_pair_model_with_claim_answers '[ "$code" = 200 ]'
req GET /v1/classify
check a_wrong_method_is_405 '[ "$code" = 405 ]'
req GET /nowhere
check an_unknown_path_is_404 '[ "$code" = 404 ] && echo "$body" | grep -q "not_found"'
json '{"texts":["x"]}'; req POST /v1/classify "$T/req.json"
check a_missing_model_is_400 '[ "$code" = 400 ]'
req GET /healthz
check the_server_survives_the_errors '[ "$code" = 200 ]'
req GET /metrics
check metrics_count_requests_errors_and_latency '[ "$code" = 200 ] && echo "$body" | grep -q "tasnif_requests_total{path=\"/v1/classify\",code=\"4xx\"}" && echo "$body" | grep -q "tasnif_request_duration_seconds_bucket{le=\"+Inf\"}" && echo "$body" | grep -q "^tasnif_documents_total [1-9]"'
check one_access_log_line_per_request '[ "$(grep -c "^tasnif serve: [A-Z]* /" "$T/serve.log")" -eq 20 ]'

# more request errors: each field of /v1/label and /v1/classify, and each path's method
json '{"text":"نص","stance_model":7}'; req POST /v1/label "$T/req.json"
check a_label_model_name_that_is_no_string_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "stance_model.. must be a string"'
json '{"topic_model":"topic"}'; req POST /v1/label "$T/req.json"
check label_without_text_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "text.. (the article, a string) is required"'
json '{"text":"نص","min_prob":2}'; req POST /v1/label "$T/req.json"
check a_min_prob_above_1_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "min_prob"'
json '{"text":"نص","min_prob":"high"}'; req POST /v1/label "$T/req.json"
check a_min_prob_that_is_no_number_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "min_prob"'
json '{"text":"نص","topic_model":"nope"}'; req POST /v1/label "$T/req.json"
check label_with_an_unknown_model_is_404 '[ "$code" = 404 ] && echo "$body" | grep -q "no model named ..nope.."'
json '{"text":"نص","stance_model":"pair"}'; req POST /v1/label "$T/req.json"
check label_with_a_pair_model_is_422 '[ "$code" = 422 ] && echo "$body" | grep -q "pair models"'
json '{"text":"نفت الحكومة ذلك","min_prob":0.99,"stance_model":"stance","topic_model":"topic"}'; req POST /v1/label "$T/req.json"
check label_with_min_prob_answers '[ "$code" = 200 ] && echo "$body" | grep -q "\"topic\""'
json '{"text":" \n\t"}'; req POST /v1/label "$T/req.json"
check a_blank_article_is_422_as_label_refuses_it '[ "$code" = 422 ] && echo "$body" | grep -q "\"error\":\"empty_article\"" && echo "$body" | grep -q "empty article"'
json '[1,2]'; req POST /v1/label "$T/req.json"
check a_body_that_is_no_object_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "bad_json"'
json '{"model":5,"texts":["x"]}'; req POST /v1/classify "$T/req.json"
check a_model_name_that_is_no_string_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q ".model.. must be a string"'
json '{"model":"stance","texts":["x"],"k":2.5}'; req POST /v1/classify "$T/req.json"
check a_fractional_k_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q ".k.. must be an integer"'
json '{"model":"stance","texts":["x"],"explain":-1}'; req POST /v1/classify "$T/req.json"
check a_negative_explain_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q ".explain.. must be an integer"'
json '{"model":"stance","texts":["x"],"docs":[]}'; req POST /v1/classify "$T/req.json"
check texts_and_docs_together_are_400 '[ "$code" = 400 ] && echo "$body" | grep -q "give either"'
json '{"model":"stance","texts":"x"}'; req POST /v1/classify "$T/req.json"
check texts_that_are_no_array_are_400 '[ "$code" = 400 ] && echo "$body" | grep -q "give either"'
json '{"model":"pair","docs":[{"text":"نص","claim":5}]}'; req POST /v1/classify "$T/req.json"
check a_claim_that_is_no_string_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "docs\[0\]: must be an object"'
json '{"model":"stance","docs":["نص"]}'; req POST /v1/classify "$T/req.json"
check a_doc_that_is_no_object_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "docs\[0\]: must be an object"'
json '{"model":"stance","docs":[{"id":2.5,"text":"نص","claim":null}]}'; req POST /v1/classify "$T/req.json"
check a_numeric_id_comes_back_as_its_digits '[ "$code" = 200 ] && echo "$body" | grep -q "{\"id\":2.5,\"label\""'
# numeric ids come back as numbers, as classify echoes them (up to 2^53 for integers)
json '{"model":"stance","docs":[{"id":0.1,"text":"x"},{"id":9007199254740993,"text":"x"},{"id":9007199254740992,"text":"x"},{"id":-3,"text":"x"},{"id":1e3,"text":"x"}]}'
req POST /v1/classify "$T/req.json"
check numeric_ids_come_back_as_numbers '[ "$code" = 200 ] && echo "$body" | grep -q "{\"id\":0.1,\"label\"" && echo "$body" | grep -q "{\"id\":9007199254740992,\"label\".*{\"id\":9007199254740992,\"label\".*{\"id\":-3,\"label\".*{\"id\":1000,\"label\""'
json '{"model":"stance","docs":[{"id":1e400,"text":"x"}]}'; req POST /v1/classify "$T/req.json"
check an_id_too_large_for_a_double_comes_back_as_a_string '[ "$code" = 200 ] && echo "$body" | grep -q "{\"id\":\"inf\",\"label\""'
# \uzzzz and \u0000 read as U+0000 by cJSON: the text used to end there, silently
json '{"model":"stance","texts":["نفت موسكو \uzzzz الاتهامات"]}'; req POST /v1/classify "$T/req.json"
check a_bad_u_escape_is_400_not_a_cut_text '[ "$code" = 400 ] && echo "$body" | grep -q "bad_json" && echo "$body" | grep -q "without four hex digits"'
json '{"text":"نفت موسكو \u0000 الاتهامات"}'; req POST /v1/label "$T/req.json"
check a_u0000_escape_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "bad_json"'
# a raw NUL byte: cJSON would end the string there, classifying only what comes before it
printf '{"model":"stance","texts":["abc\000def"]}' >"$T/req.json"; req POST /v1/classify "$T/req.json"
check a_nul_byte_in_a_text_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "NUL byte"'
printf '{"model":"stance","texts":["x"]}\000garbage' >"$T/req.json"; req POST /v1/classify "$T/req.json"
check a_nul_byte_after_the_object_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "NUL byte"'
# cJSON stops after the first value: what follows was dropped, and the request answered
json '{"model":"stance","texts":["x"]} garbage'; req POST /v1/classify "$T/req.json"
check trailing_data_after_the_object_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "trailing data"'
json '{"model":"stance","texts":["x"]}{"model":"topic"}'; req POST /v1/classify "$T/req.json"
check a_second_object_is_400 '[ "$code" = 400 ] && echo "$body" | grep -q "trailing data"'
printf '{"model":"stance","texts":["x"]} \r\n\t\n' >"$T/req.json"; req POST /v1/classify "$T/req.json"
check trailing_whitespace_is_fine '[ "$code" = 200 ]'
json '{"model":"stance","texts":["\\u0041 \u0627 \uD83D\uDE00"]}'; req POST /v1/classify "$T/req.json"
check good_escapes_still_answer '[ "$code" = 200 ]'
for path in /healthz /v1/models /metrics /; do
    req POST $path
    check "post_to_${path}_is_405" '[ "$code" = 405 ] && echo "$body" | grep -q "GET"'
done
req GET /v1/label
check get_of_label_is_405 '[ "$code" = 405 ] && echo "$body" | grep -q "POST"'
# the path arrives percent-decoded: a %0A must not forge a line of the access log
req GET "/x%0Atasnif%20serve:%20POST%20/v1/classify%20200%20forged%5C"
check a_newline_in_the_path_cannot_forge_a_log_line '[ "$code" = 404 ] && ! grep -q "^tasnif serve: POST /v1/classify 200 forged" "$T/serve.log" && grep -qF "tasnif serve: GET /x\\x0Atasnif\\x20serve:\\x20POST\\x20/v1/classify\\x20200\\x20forged\\x5C 404 " "$T/serve.log"'
req GET /index.html
check the_page_is_also_index_html '[ "$code" = 200 ] && echo "$body" | grep -q "/v1/label"'

# an 8 MB body of 4 million values: refused before cJSON builds a node for each
hwm() { awk '/VmHWM/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0; }
{ printf '{"model":"stance","texts":['; yes '0,' | head -n 4000000 | tr -d '\n'; printf '0]}'; } >"$T/many.json"
before=$(hwm)
req POST /v1/classify "$T/many.json"
check too_many_documents_are_refused_before_parsing '[ "$code" = 413 ] && echo "$body" | grep -q "4000001 documents" && [ "$(hwm)" -lt $((before + 60000)) ]'
# SIGHUP: a good reload swaps the models, a bad one keeps them
wait_log() { # wait_log PATTERN: until the server's log has it (a reload under a sanitizer is slow)
    for i in $(seq 1 600); do grep -q "$1" "$T/serve.log" && return 0; sleep 0.1; done
    return 1
}
cp "$T/topic.model" "$T/stance.model"
kill -HUP $pid; wait_log "reloaded 3 models"
req GET /v1/models
check sighup_reloads_the_models '[ "$code" = 200 ] && grep -q "reloaded 3 models" "$T/serve.log" && [ "$(echo "$body" | grep -o "\"label\":\"sports\"" | wc -l)" -ge 2 ]'
echo "not a model" >"$T/stance.model"
kill -HUP $pid; wait_log "reload failed, keeping"
json '{"model":"stance","texts":["فاز المنتخب بالمباراة"]}'; req POST /v1/classify "$T/req.json"
check a_failed_reload_keeps_the_old_models '[ "$code" = 200 ] && grep -q "reload failed, keeping" "$T/serve.log"'

# SIGTERM: drain and exit 0
kill -TERM $pid
wait $pid
rc=$?
check sigterm_drains_and_exits_0 '[ $rc -eq 0 ] && grep -q "stopped" "$T/serve.log"'

# Abuse: a body over --max-body, slow clients, vanishing clients, many connections, many
# requests -- the server keeps answering and its memory stays flat.
cp models/stance.model "$T/stance.model"
start 4 -m stance="$T/stance.model" --max-body 65536 --max-docs 10 --timeout 2
head -c 5000000 /dev/zero | tr '\0' 'a' >"$T/big"
req POST /v1/classify "$T/big"
check a_body_over_max_body_is_413 '[ "$code" = 413 ] && echo "$body" | grep -q "body_too_large"'
# 100 MB, streamed: read and dropped, never held
code=$(head -c 100000000 /dev/zero | curl -s -o "$T/body" -w '%{http_code}' -X POST -H 'Expect:' \
       --data-binary @- "$url/v1/classify")
check a_100_mb_body_is_413_and_costs_no_memory '[ "$code" = 413 ] && [ "$(rss)" -lt 200000 ]'
# a Content-Length over --max-body is answered at once to a client that waits for
# "100 Continue": it need not send the body at all
(printf 'POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\nExpect: 100-continue\r\n\r\n'; sleep 2) |
    timeout 5 curl -s --max-time 1 telnet://127.0.0.1:$port >"$T/early" 2>/dev/null
check a_content_length_over_max_body_is_413_at_once 'head -n 1 "$T/early" | grep -q "^HTTP/1.1 413" && grep -q "body_too_large" "$T/early"'
json "{\"model\":\"stance\",\"texts\":[$(for i in $(seq 1 11); do printf '"x",'; done)\"y\"]}"; req POST /v1/classify "$T/req.json"
check too_many_documents_is_413 '[ "$code" = 413 ] && echo "$body" | grep -q "max-docs"'
# counted before parsing: commas in strings (after escaped quotes) and in other members are
# no documents
json '{"model":"stance","texts":["a,b,c,d,e,f,g,h,i,j,k,l\",[,","c\\\\"],"x":[[[[1,2,3,4,5,6,7,8,9,10,11,12]]]]}'; req POST /v1/classify "$T/req.json"
check commas_in_strings_are_no_documents '[ "$code" = 200 ] && [ "$(echo "$body" | grep -o "\"label\"" | wc -l)" = 2 ]'
if [ -z "${RUN:-}" ]; then
    json '{"model":"stance","texts":["نفت موسكو الاتهامات"]}'
    # slow clients (a byte at a time, then gone) and clients that disconnect mid-body
    kids=
    for i in 1 2 3 4 5; do
        (printf 'POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"mo'; sleep 3) |
            timeout 5 curl -s --max-time 4 telnet://127.0.0.1:$port >/dev/null 2>&1 &
        kids="$kids $!"
    done
    curl -s --max-time 1 -X POST --data-binary @"$T/big" "$url/v1/classify" -H 'Expect:' --limit-rate 100K >/dev/null 2>&1
    before=$(rss)
    # 200 concurrent connections, then 2,000 requests in a row
    for i in $(seq 1 200); do
        curl -s -o /dev/null -X POST --data-binary @"$T/req.json" "$url/v1/classify" &
        kids="$kids $!"
    done
    for k in $kids; do wait $k 2>/dev/null; done
    # 10,000 requests in a row, one client reusing its connection
    awk -v u="$url/v1/classify" 'BEGIN { for (i = 0; i < 10000; i++)
        printf "url = \"%s\"\noutput = \"/dev/null\"\n", u }' >"$T/urls.cfg"
    ok200=$(curl -s -X POST --data-binary @"$T/req.json" -w '%{http_code}\n' -K "$T/urls.cfg" | grep -c '^200$')
    bad=$((10000 - ok200))
    after=$(rss)
    echo "     RSS before ${before} kB, after 10,200 more requests ${after} kB"
    check the_server_keeps_answering_under_abuse '[ $bad -eq 0 ]'
    case "${BUILD:-build}" in
    *asan* | *tsan*) echo "skip memory_stays_flat: a sanitizer's quarantine holds freed memory" ;;
    *) check memory_stays_flat '[ "$after" -le $((before + 20000)) ]' ;;
    esac
else
    echo "skip serve load tests under $RUN"
fi
req GET /healthz
check the_server_is_still_up '[ "$code" = 200 ]'
code=$(curl -s -I -o "$T/head" -w '%{http_code}' "$url/healthz")
check head_is_answered_like_get '[ "$code" = 200 ] && grep -qi "^content-type: application/json" "$T/head"'
req GET "/$(printf '%02000d' 0)"
check a_very_long_path_is_404 '[ "$code" = 404 ] && echo "$body" | grep -q "not_found"'
json '{"text":"نص","stance_model":"nope"}'; req POST /v1/label "$T/req.json"
check label_names_an_unknown_stance_model '[ "$code" = 404 ] && echo "$body" | grep -q "no model named ..nope.."'
run serve --listen "127.0.0.1:$port" -m "$T/stance.model"
check a_port_in_use_is_named '[ $rc -eq 1 ] && echo "$err" | grep -q "^tasnif: serve: cannot listen on 127.0.0.1:$port (in use, or not allowed)$"'
kill -TERM $pid; wait $pid

# options: each refused before the server starts, with its usage error (2) or failure (1)
run serve --listen 8080
check a_listen_without_a_port_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: serve: --listen takes HOST:PORT"'
run serve --listen 127.0.0.1:70000
check a_port_above_65535_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: serve: --listen takes HOST:PORT"'
run serve --threads 0
check zero_threads_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: serve: --threads must be an integer from 1 to 256"'
run serve -m a="$T/pair.model" -m a="$T/topic.model"
check two_models_of_one_name_are_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "two models named \"a\""'
set --
for i in $(seq 1 65); do set -- "$@" -m "m$i=$T/pair.model"; done
run serve "$@"
check more_than_64_models_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "^tasnif: serve: at most 64 models$"'
run serve -m "$T/pair.model" extra
check an_extra_argument_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "unexpected argument \"extra\""'
run serve --no-such-option
check an_unknown_serve_option_is_a_usage_error '[ $rc -eq 2 ] && echo "$err" | grep -q "unknown option --no-such-option"'
run serve -m x="$T/missing.model" --listen 127.0.0.1:0
check a_missing_model_file_stops_serve '[ $rc -eq 1 ] && echo "$err" | grep -q "missing.model" && [ -z "$out" ]'
finish
