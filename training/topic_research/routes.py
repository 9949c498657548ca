#!/usr/bin/env python3
"""Research routes for the topic model, by the leave-one-outlet-out cross-validation of
training/topic_experiments.py (train on the written train split + two training outlets' real
articles, score the third; pooled primary accuracy / macro-F1 and label-set micro-F1 / subset
accuracy). Never reads the test outlets (BBC, CNN).  Run from anywhere, after building tasnif.

usage: routes.py ROUTE...
  base          the shipped config (training/topic.json)
  leadN         the article's first N characters repeated in front of it (train and score)
  truncN        the article cut to its first N characters
  CX            the SVM's C set to X
  cmdX          char_max_df X
  st_T_N        self-training: the fold's model labels 20,000 unannotated articles of the
                fold's own training outlets; up to N per topic at prob >= T join the data
Results: bench/topic_routes.md."""
import json, os, random, sys, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "training"))
import news_topic as nt  # noqa: E402
import topic_experiments as te  # noqa: E402

TASNIF = os.path.join(ROOT, "build", "tasnif")
OUT = os.path.join(ROOT, "build", "topic_research")


def data():
    real = [r for r in te.real_articles() if r["split"] == "train"]
    return real, te.written("train"), sorted({r["outlet"] for r in real})


def pool():
    """Unannotated ANT articles (>= 200 bytes, one per distinct first 300 bytes)."""
    ann = {r["article"] for r in nt.read_table(os.path.join(nt.DATA, "annotations.tsv"))}
    seen, out = set(), []
    for aid, outlet, _sec, _sp, text in nt.read_ant(nt.ant_dir()):
        if aid in ann or len(text) < 200 or text[:300] in seen:
            continue
        seen.add(text[:300])
        out.append({"text": text.decode("utf-8").replace("\t", " "), "outlet": outlet})
    return out


def run(name, real, wr, outlets, extra=None, flags=(), xform=None):
    gold, pred, gs, ps = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        m = os.path.join(tmp, "m.model")
        for o in outlets:
            tr = wr + [r for r in real if r["outlet"] != o]
            if extra:
                tr = tr + extra(o, tr, m)
            tst = [r for r in real if r["outlet"] == o]
            if xform:
                tr = [dict(r, text=xform(r["text"])) for r in tr]
            te.train(TASNIF, tr, list(flags), m, True)
            out = te.classify(TASNIF, m, [dict(r, text=xform(r["text"])) for r in tst]
                              if xform else tst)
            gold += [r["labels"][0] for r in tst]
            pred += [p[0] for p in out]
            gs += [r["labels"] for r in tst]
            ps += [p[2] for p in out]
    acc, f1 = te.scores(gold, pred)
    mf1, sub = te.multi_scores(gs, ps)
    print("%-14s accuracy %.4f  macro-F1 %.4f | micro-F1 %.4f  subset %.4f"
          % (name, acc, f1, mf1, sub), flush=True)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "oof_%s.json" % name), "w") as f:
        json.dump({"gold": gold, "pred": pred}, f)


def selftrain(threshold, per_topic, outlets):
    unl = []

    def extra(o, tr, m):
        if not unl:
            unl.extend(pool())
        te.train(TASNIF, tr, [], m, True)
        cand = [p for p in unl if p["outlet"] in outlets and p["outlet"] != o]
        random.Random(7).shuffle(cand)
        cand = cand[:20000]
        by = {}
        for p, (lab, prob, _given) in zip(cand, te.classify(TASNIF, m, cand)):
            if prob >= threshold:
                by.setdefault(lab, []).append((prob, p["text"]))
        add = []
        for lab in sorted(by):
            by[lab].sort(key=lambda x: -x[0])
            add += [{"labels": [lab], "text": t} for _, t in by[lab][:per_topic]]
        return add
    return extra


def main(routes):
    real, wr, outlets = data()
    for w in routes:
        if w == "base":
            run(w, real, wr, outlets)
        elif w.startswith("st_"):
            _, t, n = w.split("_")
            run(w, real, wr, outlets, extra=selftrain(float(t), int(n), outlets))
        elif w.startswith("lead"):
            k = int(w[4:])
            run(w, real, wr, outlets, xform=lambda s, k=k: s[:k] + " " + s)
        elif w.startswith("trunc"):
            k = int(w[5:])
            run(w, real, wr, outlets, xform=lambda s, k=k: s[:k])
        elif w.startswith("cmd"):
            run(w, real, wr, outlets, flags=["--char-max-df", w[3:]])
        elif w.startswith("C"):
            run(w, real, wr, outlets, flags=["--C", w[1:]])
        else:
            sys.exit("routes.py: unknown route %r (see --help)" % w)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 else 2)
    main(sys.argv[1:])
