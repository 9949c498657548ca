#!/usr/bin/env python3
"""Learning curve of the shipped stance config on real sentences, by the leave-one-training-
outlet-out folds of cv.py: each fold keeps a share of its real training sentences (whole
articles, fixed seeds), trains with the written train split, and scores the held-out outlet.
Tells whether more annotated real sentences would still pay.  Never reads test.jsonl.
usage: curve.py [SHARE...]   (default 0.25 0.5 0.75 1)"""
import os, random, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cv  # noqa
shares = [float(s) for s in sys.argv[1:]] or [0.25, 0.5, 0.75, 1.0]
tmp = tempfile.mkdtemp()
m = os.path.join(tmp, "m.model")
for share in shares:
    rows = []
    for seed in ((0, 1, 2) if share < 1 else (0,)):
        gold, probs = [], []
        for o, tr, te in cv.folds(cv.real, cv.written):
            arts = sorted({r["article"] for r in tr})
            random.Random(seed).shuffle(arts)
            keep = set(arts[:round(share * len(arts))])
            cv.train(cv.written + [r for r in tr if r["article"] in keep], [], m)
            probs += cv.classify(m, te)
            gold += [r["label"] for r in te]
        pred = [cv.LABELS[max(range(3), key=lambda k: p[k])] for p in probs]
        rows.append(cv.scores(gold, pred))
    n = len(rows)
    print("| %.2f | %.3f | %.3f | %.3f | %.3f | %.3f | %d |" % (
        share, sum(r[0] for r in rows) / n, sum(r[1] for r in rows) / n,
        sum(r[2]["attribution"][2] for r in rows) / n, sum(r[2]["denial"][2] for r in rows) / n,
        sum(r[2]["other"][2] for r in rows) / n, n), flush=True)
