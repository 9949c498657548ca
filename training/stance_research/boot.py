"""Paired bootstrap (resampling sentences, 1000 draws) of macro-F1(variant) - macro-F1(baseline)
on the pooled out-of-fold predictions saved by cv.py."""
import json, os, sys
import numpy as np
R = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "build", "research")
L = ("attribution", "denial", "other")


def f1(g, p):
    s = 0
    for k in range(3):
        tp = np.sum((g == k) & (p == k)); fp = np.sum((g != k) & (p == k)); fn = np.sum((g == k) & (p != k))
        s += 2 * tp / (2 * tp + fp + fn) if tp else 0
    return s / 3


def load(n):
    j = json.load(open(os.path.join(R, "oof", n + ".json")))
    return (np.array([L.index(x) for x in j["gold"]]), np.array(j["probs"]).argmax(1), j["ids"])


g, pb, ids = load("baseline")
rng = np.random.default_rng(0)
B = [rng.integers(0, len(g), len(g)) for _ in range(1000)]
for n in sys.argv[1:]:
    g2, pv, ids2 = load(n)
    assert ids == ids2
    d = np.array([f1(g[b], pv[b]) - f1(g[b], pb[b]) for b in B])
    print("| %s | %+.3f | [%+.3f, %+.3f] |" % (n, f1(g, pv) - f1(g, pb), *np.percentile(d, [2.5, 97.5])))
