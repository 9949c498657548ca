#!/usr/bin/env python3
"""news_topic.py -- the real-news topic corpus (datasets/news_topic/), kept as stand-off labels
over the ANT multi-source corpus (../shared/datasets/ant_multisource, or $ANT_DIR).

  news_topic.py rebuild [--out DIR]          articles + labels -> DIR/{train,test}.tsv (primary
                                             topic) and DIR/{train,test}.multi.tsv (all topics)
  news_topic.py hints TASNIF DIR             the shipped topic model's guess for every article
  news_topic.py sample HINTDIR OUTDIR        draw the annotation sample (seeded, see README)
  news_topic.py more HINTDIR OUTDIR [DRAW]   a later draw (2, 3), training outlets only
  news_topic.py batches OUTDIR N [FIRST]     the annotators' batches (25 % of items read twice),
                                             of the items from FIRST on (default: all)
  news_topic.py assemble ITEMS LABELDIR [--append]  labels + adjudication -> annotations.tsv
  news_topic.py agreement                    Cohen's kappa on the doubly read items

The repository keeps, for each article, its ANT id, outlet, date and a SHA-1 prefix of its text
(the `text` column of ANT's converted TSV) with the topics the annotators gave; `rebuild` takes
the articles back out of a local copy. Nothing of the articles' text is stored here.
"""
import hashlib
import json
import os
import random
import subprocess
import sys

import ant
from ant import ant_dir, articles, date_of, kappa, read_table

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "datasets", "news_topic")
TEST_OUTLETS = ("BBC", "CNN")  # whole outlets held out for the test split
TOPICS = ("politics", "economy", "sports", "technology", "health", "culture", "security")
SHOWN = 2000  # characters of each article shown to the annotators (see GUIDELINES.md)
SEED = 20261203


def check_ant(d):
    ant.check_ant(d, "news_topic")


def read_ant(d):
    """[(article id, outlet, section, ant split, text bytes)] in file order."""
    return list(articles(d))


def sha(text):
    return hashlib.sha1(text).hexdigest()[:10]


def shown(text):
    """What the annotators read: the first SHOWN characters, cut at a word boundary."""
    t = text.decode("utf-8")
    if len(t) <= SHOWN:
        return t
    cut = t.rfind(" ", 0, SHOWN)
    return t[:cut if cut > SHOWN // 2 else SHOWN] + " […]"


def rebuild(args):
    out = args[args.index("--out") + 1] if "--out" in args else os.path.join(ROOT, "build",
                                                                             "news_topic")
    d = ant_dir()
    check_ant(d)
    arts = {a[0]: a for a in read_ant(d)}
    os.makedirs(out, exist_ok=True)
    files = {}
    for s in ("train", "test"):
        files[s] = open(os.path.join(out, s + ".tsv"), "w", encoding="utf-8")
        files[s + ".multi"] = open(os.path.join(out, s + ".multi.tsv"), "w", encoding="utf-8")
    n = {"train": 0, "test": 0}
    path = os.path.join(DATA, "annotations.tsv")
    for ln, r in enumerate(read_table(path), 2):
        art = arts.get(r["article"])
        if art is None:
            sys.exit("news_topic: %s:%d: article %s is not in %s" % (path, ln, r["article"], d))
        if sha(art[4]) != r["sha1"]:
            sys.exit("news_topic: %s:%d: the text of %s differs from the one annotated (another "
                     "version of the corpus?)" % (path, ln, r["article"]))
        text = art[4].decode("utf-8").replace("\t", " ")
        labels = r["topics"].split(",")
        files[r["split"]].write("%s\t%s\n" % (labels[0], text))
        files[r["split"] + ".multi"].write("%s\t%s\n" % (",".join(labels), text))
        n[r["split"]] += 1
    for f in files.values():
        f.close()
    print("news_topic: %d train, %d test articles -> %s" % (n["train"], n["test"], out))


def hints(args):
    """The shipped topic model's first guess for every ANT article, to pick what to read."""
    tasnif, out = args[0], args[1]
    d = ant_dir()
    check_ant(d)
    arts = read_ant(d)
    inp = "".join(a[4].decode("utf-8").replace("\n", " ") + "\n" for a in arts)
    r = subprocess.run([tasnif, "classify", "-m", "topic", "--format", "jsonl"],
                       input=inp.encode(), stdout=subprocess.PIPE, check=True)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "hints.tsv"), "w", encoding="utf-8") as o:
        for a, line in zip(arts, r.stdout.decode().splitlines()):
            o.write("%s\t%s\n" % (a[0], json.loads(line)["label"]))


def sample(args):
    """Draws the articles to annotate, seeded: per split, a uniform random part (the outlets'
    real mix) and a part stratified by the shipped model's guess (so that the rarer topics are
    read often enough). The guess picks what to read, never the label."""
    hintdir, outdir = args[0], args[1]
    d = ant_dir()
    check_ant(d)
    guess = dict(line.rstrip("\n").split("\t") for line in
                 open(os.path.join(hintdir, "hints.tsv"), encoding="utf-8"))
    rng = random.Random(SEED)
    seen, cands = set(), {"train": [], "test": []}
    for aid, outlet, sec, asplit, text in read_ant(d):
        key = text[:300]
        if key in seen or len(text) < 200:  # duplicates (same lead) and stubs are not drawn
            continue
        seen.add(key)
        split = "test" if outlet in TEST_OUTLETS else "train"
        cands[split].append({"article": aid, "outlet": outlet, "section": sec,
                             "ant_split": asplit, "sha1": sha(text), "split": split,
                             "guess": guess[aid]})
    plan = {"train": (720, 140), "test": (360, 65)}  # random, then per guessed topic
    chosen = []
    for split, (n_random, n_per_topic) in plan.items():
        part = cands[split]
        rng.shuffle(part)
        for r in part[:n_random]:
            r["sampling"], r["taken"] = "random", True
            chosen.append(r)
        for t in TOPICS:
            pool = [r for r in part if not r.get("taken") and r["guess"] == t]
            for r in pool[:n_per_topic]:
                r["sampling"], r["taken"] = "guess-" + t, True
                chosen.append(r)
    rng.shuffle(chosen)
    os.makedirs(outdir, exist_ok=True)
    cols = ("item", "article", "outlet", "section", "ant_split", "sha1", "sampling", "split")
    with open(os.path.join(outdir, "items.tsv"), "w", encoding="utf-8") as o:
        o.write("\t".join(cols) + "\n")
        for i, r in enumerate(chosen, 1):
            r["item"] = "nt%05d" % i
            o.write("\t".join(r[c] for c in cols) + "\n")
    print("news_topic: %d items -> %s" % (len(chosen), outdir))


# Later draws, training outlets only: (seed, random articles, articles per guessed topic).
MORE_DRAWS = {2: (SEED + 2, 700, 143), 3: (SEED + 3, 600, 86)}


def more(args):
    """`more HINTDIR OUTDIR [DRAW]` (DRAW 2 or 3, default 2): a later draw, made when
    cross-validation on the training outlets showed accuracy still rising with the amount of
    real data: more articles of the training outlets only (the test
    split is not touched), drawn as the first draw was, none of them already drawn; appended to
    OUTDIR/items.tsv with the next item ids."""
    hintdir, outdir = args[0], args[1]
    draw = int(args[2]) if len(args) > 2 else 2
    seed, n_random, n_guess = MORE_DRAWS[draw]
    d = ant_dir()
    check_ant(d)
    guess = dict(line.rstrip("\n").split("\t") for line in
                 open(os.path.join(hintdir, "hints.tsv"), encoding="utf-8"))
    items = read_table(os.path.join(outdir, "items.tsv"))
    drawn = {r["article"] for r in items}
    rng = random.Random(seed)
    seen, part = set(), []
    for aid, outlet, sec, asplit, text in read_ant(d):
        key = text[:300]
        if key in seen or len(text) < 200:
            continue
        seen.add(key)
        if outlet in TEST_OUTLETS or aid in drawn:
            continue
        part.append({"article": aid, "outlet": outlet, "section": sec, "ant_split": asplit,
                     "sha1": sha(text), "split": "train", "guess": guess[aid]})
    rng.shuffle(part)
    chosen = []
    for r in part[:n_random]:
        r["sampling"], r["taken"] = "random%d" % draw, True
        chosen.append(r)
    for t in TOPICS:
        for r in [r for r in part if not r.get("taken") and r["guess"] == t][:n_guess]:
            r["sampling"], r["taken"] = "guess%d-%s" % (draw, t), True
            chosen.append(r)
    rng.shuffle(chosen)
    cols = ("item", "article", "outlet", "section", "ant_split", "sha1", "sampling", "split")
    with open(os.path.join(outdir, "items.tsv"), "a", encoding="utf-8") as o:
        for i, r in enumerate(chosen, len(items) + 1):
            r["item"] = "nt%05d" % i
            o.write("\t".join(r[c] for c in cols) + "\n")
    print("news_topic: %d more items -> %s" % (len(chosen), outdir))


def batches(args):
    """OUTDIR/batches/bNN.tsv: ITEM<TAB>article as shown. Every item is read once; a seeded 25 %
    a second time, in a different batch (so by a different annotator)."""
    outdir, nb = args[0], int(args[1])
    first = args[2] if len(args) > 2 else ""
    d = ant_dir()
    arts = {a[0]: a for a in read_ant(d)}
    items = [r for r in read_table(os.path.join(outdir, "items.tsv")) if r["item"] >= first]
    rng = random.Random(SEED + 1 + (len(args) > 2))
    double = set(r["item"] for r in rng.sample(items, (len(items) + 3) // 4))
    reads = [(r, 1) for r in items] + [(r, 2) for r in items if r["item"] in double]
    rng.shuffle(reads)
    out = [[] for _ in range(nb)]
    where = {}
    for r, k in reads:
        order = sorted(range(nb), key=lambda b: len(out[b]))
        b = next(b for b in order if where.get(r["item"]) != b)
        where[r["item"]] = b
        out[b].append(r)
    os.makedirs(os.path.join(outdir, "batches"), exist_ok=True)
    start = 1
    while first and os.path.exists(os.path.join(outdir, "batches", "b%02d.tsv" % start)):
        start += 1  # a later draw's batches follow the earlier ones'
    for b, rows in enumerate(out, start):
        with open(os.path.join(outdir, "batches", "b%02d.tsv" % b), "w", encoding="utf-8") as o:
            for r in rows:
                text = shown(arts[r["article"]][4]).replace("\t", " ").replace("\n", " ")
                o.write("%s\t%s\n" % (r["item"], text))
    with open(os.path.join(outdir, "double.txt"), "a" if first else "w") as o:
        o.write("\n".join(sorted(double)) + "\n")
    print("news_topic: %d readings in %d batches (%d items twice)" % (len(reads), nb, len(double)))


def parse_vote(name, ln, line):
    p = line.rstrip("\n").split("\t")
    if len(p) != 3 or p[1] not in TOPICS or (p[2] != "-" and (p[2] not in TOPICS or p[2] == p[1])):
        sys.exit("news_topic: %s:%d: expected ITEM<TAB>PRIMARY<TAB>SECOND|-" % (name, ln))
    return p[0], (p[1], None if p[2] == "-" else p[2])


def assemble(args):
    """items.tsv + LABELDIR/*.tsv (one file per annotator batch) + adjudication.tsv ->
    datasets/news_topic/annotations.tsv. Two readings agree when their primary topics agree; a
    second topic is kept when both readers gave it (or the one reader of a single reading).
    Disagreements on the primary topic need a decision in adjudication.tsv. With --append the
    rows already in annotations.tsv are kept (a later draw's labels beside the earlier ones)."""
    items_path, labdir = args[0], args[1]
    kept = read_table(os.path.join(DATA, "annotations.tsv")) if "--append" in args[2:] else []
    have = {r["item"] for r in kept}
    votes = {}
    for name in sorted(os.listdir(labdir)):
        if name.endswith(".tsv"):
            who = name[:-4].lower()
            with open(os.path.join(labdir, name), encoding="utf-8") as f:
                for ln, line in enumerate(f, 1):
                    item, v = parse_vote(name, ln, line)
                    votes.setdefault(item, []).append((who, v))
    adj = {}
    adj_path = os.path.join(DATA, "adjudication.tsv")
    if os.path.exists(adj_path):
        for r in read_table(adj_path):
            adj[r["item"]] = r["topics"].split(",")
    out, missing, open_cases = [], 0, []
    for r in read_table(items_path):
        if r["item"] in have:
            continue
        v = votes.get(r["item"])
        if not v:
            missing += 1
            continue
        prim = {x[1][0] for x in v}
        if r["item"] in adj:
            topics, r["adjudicated"] = adj[r["item"]], "yes"
        elif len(prim) == 1:
            seconds = {x[1][1] for x in v}
            second = seconds.pop() if len(seconds) == 1 else None
            topics = [v[0][1][0]] + ([second] if second else [])
            r["adjudicated"] = "no"
        else:
            open_cases.append((r, v))
            continue
        r["topics"] = ",".join(topics)
        r["annotators"] = ",".join("%s:%s" % (w, x[0] + ("+" + x[1] if x[1] else ""))
                                   for w, x in v)
        r["date"] = date_of(r["article"])
        out.append(r)
    if open_cases:
        arts = {a[0]: a for a in read_ant(ant_dir())}
        for r, v in open_cases:
            sys.stderr.write("### %s %s\n%s\n\n" % (
                r["item"], " ".join("%s:%s/%s" % (w, x[0], x[1] or "-") for w, x in v),
                shown(arts[r["article"]][4])))
        sys.exit("news_topic: %d disagreements without a decision in adjudication.tsv"
                 % len(open_cases))
    cols = ("item", "article", "outlet", "date", "section", "ant_split", "sha1", "sampling",
            "split", "topics", "annotators", "adjudicated")
    with open(os.path.join(DATA, "annotations.tsv"), "w", encoding="utf-8") as o:
        o.write("\t".join(cols) + "\n")
        for r in sorted(kept + out, key=lambda r: r["item"]):
            o.write("\t".join(r[c] for c in cols) + "\n")
    print("news_topic: %d annotated articles (%d not annotated yet)" % (len(kept) + len(out),
                                                                      missing))


def agreement(args):
    """Cohen's kappa on the primary topic, and agreement on whether there is a second topic."""
    pairs, second = [], []
    for r in read_table(os.path.join(DATA, "annotations.tsv")):
        v = [x.split(":")[1].split("+") for x in r["annotators"].split(",")]
        if len(v) == 2:
            pairs.append((v[0][0], v[1][0]))
            second.append((len(v[0]) > 1, len(v[1]) > 1))
    k, po = kappa(pairs, TOPICS)
    print("doubly read: %d; primary topic: observed agreement %.4f, Cohen's kappa %.4f"
          % (len(pairs), po, k))
    k2, po2 = kappa(second, (True, False))
    print("has a second topic: observed agreement %.4f, Cohen's kappa %.4f" % (po2, k2))
    print("| first \\ second | " + " | ".join(TOPICS) + " |")
    print("|---" * (len(TOPICS) + 1) + "|")
    for a in TOPICS:
        print("| %s | " % a + " | ".join(str(sum(1 for x in pairs if x == (a, b))) for b in TOPICS)
              + " |")


if __name__ == "__main__":
    cmds = {"rebuild": rebuild, "hints": hints, "sample": sample, "more": more, "batches": batches,
            "assemble": assemble, "agreement": agreement}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](sys.argv[2:])
