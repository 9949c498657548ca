#!/usr/bin/env python3
"""A model beyond n-grams for the topic model, by the same leave-one-outlet-out folds as
routes.py: fastText's supervised classifier (one-vs-all loss, word bigrams, 25 epochs), plain
or with word vectors pretrained (skipgram, 100 dimensions) on every ANT article of the fold's
two training outlets -- never the held-out outlet, never BBC or CNN -- alone and averaged with
the shipped config's probabilities at several weights.  Needs Debian's fasttext; takes about
20 minutes on 2 cores.  Results: bench/topic_routes.md.

usage: fasttext.py plain|pretrained"""
import json, os, re, subprocess, sys, tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "training"))
import news_topic as nt  # noqa: E402
import topic_experiments as te  # noqa: E402
import routes  # noqa: E402

DIAC = re.compile("[\u064B-\u0652\u0640]")


def norm(t):
    t = DIAC.sub("", t)
    t = re.sub("[إأآ]", "ا", t).replace("ى", "ي").replace("ة", "ه")
    t = re.sub(r"[0-9٠-٩]+", " 0 ", t)
    return " ".join(re.findall(r"\w+", t.lower()))


def ft(*args):
    subprocess.run(["fasttext"] + list(args), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def main(mode):
    real, wr, outlets = routes.data()
    ant = nt.read_ant(nt.ant_dir())
    G, F, T = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for o in outlets:
            tr = wr + [r for r in real if r["outlet"] != o]
            tst = [r for r in real if r["outlet"] == o]
            pre = []
            if mode == "pretrained":
                with open(os.path.join(tmp, "unl.txt"), "w") as f:
                    for a in ant:
                        if a[1] in outlets and a[1] != o:
                            f.write(norm(a[4].decode("utf-8")) + "\n")
                ft("skipgram", "-input", os.path.join(tmp, "unl.txt"), "-output",
                   os.path.join(tmp, "sg"), "-dim", "100", "-thread", "2", "-epoch", "5",
                   "-minCount", "3")
                pre = ["-pretrainedVectors", os.path.join(tmp, "sg.vec"), "-dim", "100"]
            with open(os.path.join(tmp, "tr.txt"), "w") as f:
                for r in tr:
                    f.write(" ".join("__label__" + lab for lab in r["labels"]) + " " +
                            norm(r["text"]) + "\n")
            ft("supervised", "-input", os.path.join(tmp, "tr.txt"), "-output",
               os.path.join(tmp, "m"), "-epoch", "25", "-lr", "0.5", "-wordNgrams", "2",
               "-loss", "ova", "-thread", "2", "-minCount", "2", *pre)
            with open(os.path.join(tmp, "te.txt"), "w") as f:
                f.writelines(norm(r["text"]) + "\n" for r in tst)
            out = subprocess.run(["fasttext", "predict-prob", os.path.join(tmp, "m.bin"),
                                  os.path.join(tmp, "te.txt"), "7"], stdout=subprocess.PIPE,
                                 check=True).stdout.decode().splitlines()
            for line in out:
                p = line.split()
                F.append({p[i][9:]: float(p[i + 1]) for i in range(0, len(p), 2)})
            te.train(routes.TASNIF, tr, [], os.path.join(tmp, "t.model"), True)
            inp = "".join(json.dumps({"text": r["text"]}, ensure_ascii=False) + "\n"
                          for r in tst)
            out = subprocess.run([routes.TASNIF, "classify", "-m", os.path.join(tmp, "t.model"),
                                  "--input-format", "jsonl", "-k", "7"], input=inp.encode(),
                                 stdout=subprocess.PIPE, check=True).stdout.decode()
            T += [{x["label"]: x["prob"] for x in json.loads(line)["top"]}
                  for line in out.splitlines()]
            G += [r["labels"][0] for r in tst]
    for a in (1.0, 0.8, 0.7, 0.6, 0.5, 0.4, 0.0):
        pred = []
        for t, f in zip(T, F):
            s = {k: a * t.get(k, 0) + (1 - a) * f.get(k, 0) for k in te.TOPICS}
            pred.append(max(s, key=s.get))
        acc, f1 = te.scores(G, pred)
        print("tasnif weight %.1f  accuracy %.4f  macro-F1 %.4f" % (a, acc, f1), flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in ("plain", "pretrained"):
        print(__doc__)
        sys.exit(2)
    main(sys.argv[1])
