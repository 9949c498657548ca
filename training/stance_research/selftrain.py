#!/usr/bin/env python3
"""Self-training on unlabeled sentences of the fold's own training outlets (never the held-out
outlet, never CNN/France24): the fold's shipped-config model labels a sample of the pool, the
confident guesses (prob >= T, at most N per label) join the training data, the model is retrained
and scores the held-out outlet.  usage: selftrain.py T NATTR NDEN NOTHER [SAMPLE]"""
import json, os, random, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cv  # noqa
T, NA, ND, NO = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
S = int(sys.argv[5]) if len(sys.argv) > 5 else 60000
pool = cv.load(os.path.join(cv.R, "pool.jsonl"))
if os.environ.get("SECTIONS"):  # e.g. SECTIONS=internationalNews,middleEast
    pool = [r for r in pool if r["section"] in os.environ["SECTIONS"].split(",")]
random.Random(0).shuffle(pool)
tmp = tempfile.mkdtemp()
m = os.path.join(tmp, "m.model")
ids, gold, probs = [], [], []
for o, tr, te in cv.folds(cv.real, cv.written):
    cv.train(cv.written + tr, [], m)
    cand = [r for r in pool if r["outlet"] != o][:S]
    P = cv.classify(m, cand)
    add = []
    for k, (lab, n) in enumerate(zip(cv.LABELS, (NA, ND, NO))):
        c = [(p[k], r) for p, r in zip(P, cand) if p[k] >= T]
        c.sort(key=lambda x: -x[0])
        add += [dict(r, label=lab) for _, r in c[:n]]
        print(o, lab, len(c), "confident,", min(n, len(c)), "added", file=sys.stderr)
    cv.train(cv.written + tr + add, [], m)
    probs += cv.classify(m, te)
    gold += [r["label"] for r in te]
    ids += [r["id"] for r in te]
name = "selftrain-T%g-%d-%d-%d" % (T, NA, ND, NO) + (
    "-" + os.environ["SECTIONS"].replace(",", "+") if os.environ.get("SECTIONS") else "")
json.dump({"ids": ids, "gold": gold, "probs": probs}, open(os.path.join(cv.R, "oof", name + ".json"), "w"))
pred = [cv.LABELS[max(range(3), key=lambda k: p[k])] for p in probs]
line = cv.fmt(name, gold, pred)
open(os.path.join(cv.R, "results.md"), "a").write(line + "\n")
print(line)
