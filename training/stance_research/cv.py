#!/usr/bin/env python3
"""Leave-one-training-outlet-out CV (the folds of training/stance_experiments.py) for research
variants of the stance model: written train split + real sentences of two training outlets,
scored on the third; predictions pooled over the 3 folds.  Never reads test.jsonl.
Run from the repository root, after training/news_stance.py rebuild (and, for the variants
that need them, context.py, unlabeled.py + clusters.py).
usage: cv.py VARIANT...   (see VARIANTS below); appends rows to build/research/results.tsv and
saves pooled out-of-fold probabilities to build/research/oof/VARIANT.json."""
import json, os, re, subprocess, sys, tempfile
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "training"))
import keyword_rule  # noqa
R = os.path.join(ROOT, "build", "research")
TASNIF = os.path.join(ROOT, "build", "tasnif")
LABELS = ("attribution", "denial", "other")
BASE = ["-c", os.path.join(ROOT, "training", "stance.json")]


def load(p):
    return [json.loads(l) for l in open(p, encoding="utf-8") if l.strip()]


written = load(os.path.join(ROOT, "datasets", "stance", "train.jsonl"))
real = load(os.path.join(ROOT, "build", "news_stance", "train.jsonl"))
for i, r in enumerate(written):
    r["id"] = "w%05d" % i
CTX = (json.load(open(os.path.join(R, "context.json"), encoding="utf-8"))
       if os.path.exists(os.path.join(R, "context.json")) else {})
_tok = {}


def tokens(recs):
    """tasnif's own tokens (surface, stem) of each record's text, cached by id."""
    todo = [r for r in recs if r["id"] not in _tok]
    if todo:
        inp = "".join(r["text"].replace("\n", " ") + "\n" for r in todo)
        out = subprocess.run([TASNIF, "tokens", "-m", os.path.join(ROOT, "models", "stance.model")],
                             input=inp.encode(), stdout=subprocess.PIPE, check=True).stdout.decode()
        lines = out.split("\n")
        for r, l in zip(todo, lines):
            _tok[r["id"]] = [tuple(t.rsplit("/", 1)) for t in l.split()]
    return [_tok[r["id"]] for r in recs]


CONS = "bcdfghjklmnpqrtvwxz"


def code(prefix, k):
    s = ""
    for _ in range(3):
        s += CONS[k % 19]
        k //= 19
    return prefix + s


_cl = {}


def clusters(unit, W, K):
    key = (unit, W)
    if key not in _cl:
        _cl[key] = json.load(open(os.path.join(R, "clusters_%s_%d.json" % key), encoding="utf-8"))
    c = _cl[key]
    lab = c["clusters"][str(K)]
    return {w: lab[i] for i, w in enumerate(c["vocab"])}


def add_clusters(unit, W, Ks, seq=True):
    """Append each token's cluster code (one sequence per granularity: bigrams of codes come
    from tasnif's word bigrams) to the text."""
    maps = [(clusters(unit, W, K), "zq" + CONS[j]) for j, K in enumerate(Ks)]

    def f(recs):
        out = []
        for r, toks in zip(recs, tokens(recs)):
            extra = []
            for m, pre in maps:
                codes = [code(pre, m[t[0] if unit == "surf" else t[1]]) for t in toks
                         if (t[0] if unit == "surf" else t[1]) in m]
                extra.append(" ".join(codes))
            out.append(dict(r, text=r["text"] + " . " + " . ".join(extra)))
        return out
    return f


def with_prev(recs):
    return [dict(r, claim=CTX[r["id"]]["prev"] if r["id"] in CTX else "") for r in recs]


def with_next(recs):
    return [dict(r, claim=CTX[r["id"]]["next"] if r["id"] in CTX else "") for r in recs]


def with_prev_rule(recs):
    """Only the keyword rule's verdict on the previous sentence, as a one-token claim."""
    return [dict(r, claim=("zqprev" + keyword_rule.rule(CTX[r["id"]]["prev"])[:3]
                           if r["id"] in CTX and CTX[r["id"]]["prev"] else "zqprevnone"))
            for r in recs]


def with_prev_lead(recs):
    """Only the first 4 words of the previous sentence."""
    return [dict(r, claim=" ".join(CTX[r["id"]]["prev"].split()[:4]) if r["id"] in CTX else "")
            for r in recs]


def with_empty(recs):
    return [dict(r, claim="") for r in recs]


def ident(recs):
    return recs


QUOTE = re.compile(r"«[^»]{1,400}»|\"[^\"]{1,400}\"|“[^”]{1,400}”")
WORD = re.compile(r"\w+")


def cue_features(windows, quotes):
    """Issue 12's last two feature ideas, as tokens appended to the text: the words within a
    window after (4) and before (2) each accusation / denial cue of the keyword rule
    (zqwa<word>, zqwd<word>), and quotation marks: each word inside a quotation (zqqi<word>)
    and whether each cue sits inside or outside one (zqwdqin, zqwaqout, ...)."""
    def f(recs):
        out = []
        for r in recs:
            t = keyword_rule.fold(r["text"])
            spans = [m.span() for m in QUOTE.finditer(t)]
            extra = []
            for pre, rx in (("zqwd", keyword_rule.DENIAL), ("zqwa", keyword_rule.ATTRIB)):
                for m in rx.finditer(t):
                    if windows:
                        after = WORD.findall(t[m.end():])[:4]
                        before = WORD.findall(t[:m.start()])[-2:]
                        extra += [pre + w for w in after + before]
                    if quotes:
                        inside = any(a <= m.start() < b for a, b in spans)
                        extra.append(pre + "q" + ("in" if inside else "out"))
            if quotes:
                for a, b in spans:
                    extra += ["zqqi" + w for w in WORD.findall(t[a:b])]
            out.append(dict(r, text=r["text"] + " . " + " ".join(extra)) if extra else r)
        return out
    return f


VARIANTS = {
    "baseline": (ident, []),
    "cue-windows": (lambda: cue_features(True, False), []),
    "quotes": (lambda: cue_features(False, True), []),
    "cue-windows+quotes": (lambda: cue_features(True, True), []),
    "cl-surf2-256": (lambda: add_clusters("surf", 2, [256]), []),
    "cl-surf2-1024": (lambda: add_clusters("surf", 2, [1024]), []),
    "cl-surf2-4096": (lambda: add_clusters("surf", 2, [4096]), []),
    "cl-surf2-all": (lambda: add_clusters("surf", 2, [256, 1024, 4096]), []),
    "cl-stem2-1024": (lambda: add_clusters("stem", 2, [1024]), []),
    "cl-stem2-all": (lambda: add_clusters("stem", 2, [256, 1024, 4096]), []),
    "cl-surf5-1024": (lambda: add_clusters("surf", 5, [1024]), []),
    "cl-surf5-all": (lambda: add_clusters("surf", 5, [256, 1024, 4096]), []),
    "prev": (with_prev, ["--claim-features", "true", "--pair-features", "false"]),
    "prev-rule": (with_prev_rule, ["--claim-features", "true", "--pair-features", "false"]),
    "prev-lead": (with_prev_lead, ["--claim-features", "true", "--pair-features", "false"]),
    "claim-empty": (with_empty, ["--claim-features", "true", "--pair-features", "false"]),
    "next": (with_next, ["--claim-features", "true", "--pair-features", "false"]),
    "char0": (ident, ["--char-ngram-max", "0"]),
    "char3-6": (ident, ["--char-ngram-min", "3", "--char-ngram-max", "6"]),
    "char1-4": (ident, ["--char-ngram-min", "1", "--char-ngram-max", "4"]),
    "word1-3": (ident, ["--word-ngram-max", "3"]),
    "units-stem": (ident, ["--units", "stem"]),
    "units-surface": (ident, ["--units", "surface"]),
    "units-light": (ident, ["--units", "light"]),
    "mindf1": (ident, ["--min-df", "1"]),
    "C0.5": (ident, ["--C", "0.5"]),
    "noWritten": (ident, []),
}


def write(path, recs):
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            j = {"label": r["label"], "text": r["text"]}
            if "claim" in r:
                j["claim"] = r["claim"]
            f.write(json.dumps(j, ensure_ascii=False) + "\n")


def train(recs, flags, out):
    fd, path = tempfile.mkstemp(suffix=".jsonl")
    os.close(fd)
    write(path, recs)
    subprocess.run([TASNIF, "train", "-q", "-t", "1", "-i", path, "-o", out] + BASE + flags,
                   check=True)
    os.unlink(path)


def classify(model, recs):
    inp = "".join(json.dumps({k: r[k] for k in ("text", "claim") if k in r}, ensure_ascii=False)
                  + "\n" for r in recs)
    o = subprocess.run([TASNIF, "classify", "-t", "1", "-m", model, "--input-format", "jsonl",
                        "-k", "3"], input=inp.encode(), stdout=subprocess.PIPE, check=True)
    res = []
    for j in map(json.loads, o.stdout.decode().splitlines()):
        p = {t["label"]: t["prob"] for t in j["top"]}
        res.append([p.get(l, 0.0) for l in LABELS])
    return res


def scores(gold, pred):
    acc, f1, per = keyword_rule.scores(gold, pred)
    return acc, f1, per


def fmt(name, gold, pred):
    acc, f1, per = scores(gold, pred)
    return "| %s | %.3f | %.3f | %.3f | %.3f | %.3f |" % (
        name, acc, f1, per["attribution"][2], per["denial"][2], per["other"][2])


def folds(recs_real, recs_written):
    outlets = sorted({r["outlet"] for r in recs_real})
    for o in outlets:
        yield o, [r for r in recs_real if r["outlet"] != o], [r for r in recs_real if r["outlet"] == o]


def run(name, tf, flags):
    tmp = tempfile.mkdtemp()
    model = os.path.join(tmp, "m.model")
    W = tf(written)
    Rl = tf(real)
    ids, gold, probs = [], [], []
    for o, tr, te in folds(Rl, W):
        train(([] if name == "noWritten" else W) + tr, flags, model)
        probs += classify(model, te)
        gold += [r["label"] for r in te]
        ids += [r["id"] for r in te]
    os.makedirs(os.path.join(R, "oof"), exist_ok=True)
    json.dump({"ids": ids, "gold": gold, "probs": probs},
              open(os.path.join(R, "oof", name + ".json"), "w"))
    pred = [LABELS[max(range(3), key=lambda k: p[k])] for p in probs]
    line = fmt(name, gold, pred)
    with open(os.path.join(R, "results.md"), "a", encoding="utf-8") as f:
        f.write(line + "\n")
    print(line, flush=True)


if __name__ == "__main__":
    for v in sys.argv[1:]:
        tf, flags = VARIANTS[v]
        if tf not in (ident, with_prev, with_next, with_prev_rule, with_prev_lead, with_empty):
            tf = tf()
        run(v, tf, flags)
