#!/bin/sh
# tests/cli/browser.sh -- a real browser (Debian's chromium, headless) against `tasnif serve`'s
# page and a `tasnif report`: the page, given an article, highlights exactly the attribution
# and denial sentences the API reports; the report's SVG charts are in the rendered DOM.
# Skips when chromium, curl or python3 is absent, or under valgrind.
. tests/cli/lib.sh
CHROME=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROME" ] || ! command -v curl >/dev/null || ! command -v python3 >/dev/null || [ -n "${RUN:-}" ]; then
    echo "skip browser: needs chromium, curl and python3 (and no valgrind)"
    finish
    exit 0
fi
browse() { # browse URL OUT: the DOM after the page's scripts ran
    timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --user-data-dir="$T/chrome" --virtual-time-budget=8000 --dump-dom "$1" >"$2" 2>/dev/null
}
$TASNIF serve --listen 127.0.0.1:0 --threads 2 2>"$T/serve.log" &
pid=$!
url=
for i in $(seq 1 300); do
    port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$T/serve.log")
    [ -n "$port" ] && url="http://127.0.0.1:$port" && break
    sleep 0.1
done
python3 - tests/data/article.txt "$url" >"$T/page.url" <<'PY'
import sys, urllib.parse
print(sys.argv[2] + "/#text=" + urllib.parse.quote(open(sys.argv[1], encoding="utf-8").read()))
PY
python3 -c 'import json,sys; print(json.dumps({"text": open(sys.argv[1], encoding="utf-8").read()}))' \
    tests/data/article.txt >"$T/label.json"
curl -s -X POST --data-binary @"$T/label.json" "$url/v1/label" >"$T/api.json"
browse "$(cat "$T/page.url")" "$T/page.html"
"$CHROME" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$T/chrome" \
    --virtual-time-budget=8000 --window-size=420,1600 --screenshot="$T/page.png" \
    "$(cat "$T/page.url")" >/dev/null 2>&1
[ -n "${TASNIF_SCREENSHOTS:-}" ] && cp "$T/page.png" "$TASNIF_SCREENSHOTS/page.png"
verdict=$(python3 - "$T/page.html" "$T/api.json" <<'PY'
import html.parser, json, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.spans = []; self.cur = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "span" and a.get("data-stance") in ("attribution", "denial"):
            self.cur = [a["data-stance"], ""]  # the article's sentences, not the legend
    def handle_data(self, d):
        if self.cur is not None: self.cur[1] += d
    def handle_endtag(self, tag):
        if tag == "span" and self.cur is not None:
            self.spans.append(tuple(self.cur)); self.cur = None
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
api = json.load(open(sys.argv[2], encoding="utf-8"))
want = [(s["stance"], s["text"]) for s in api["sentences"] if s["stance"] in ("attribution", "denial")]
print("same" if p.spans == want and want else "differ: page %r api %r" % (p.spans, want))
PY
)
echo "     $verdict" | cut -c1-300; check the_page_highlights_exactly_the_attribution_and_denial_sentences '[ "$verdict" = same ]'
check the_page_shows_the_topic 'grep -q "id=\"topic\">security" "$T/page.html"'
check the_page_renders_right_to_left 'grep -q "dir=\"rtl\"" "$T/page.html" && [ -s "$T/page.png" ]'
kill -TERM $pid; wait $pid

# a report, rendered
$TASNIF report -m stance -i tests/data/tiny-test.tsv -o "$T/r.html" 2>/dev/null ||
    $TASNIF report -m models/stance.model -i datasets/stance/test.jsonl -o "$T/r.html"
browse "file://$T/r.html" "$T/r.dom"
svgs=$(grep -o "<svg" "$T/r.dom" | wc -l)
check the_report_renders_its_svg_charts '[ "$svgs" -ge 4 ] && grep -q "<rect" "$T/r.dom" && grep -qE "<polyline|<path" "$T/r.dom"'
finish
