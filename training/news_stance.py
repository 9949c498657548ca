#!/usr/bin/env python3
"""news_stance.py -- the real-news stance corpus (datasets/news_stance/), kept as stand-off
annotations over the ANT multi-source corpus (../shared/datasets/ant_multisource, or $ANT_DIR).

  news_stance.py rebuild [--out DIR]      sentences + labels -> DIR/{train,test}.jsonl
  news_stance.py pool TASNIF OUT.tsv      split every article with `tasnif label --json`
  news_stance.py sample POOL.tsv OUTDIR   draw the annotation sample (seeded, see README)
  news_stance.py sample4 POOL.tsv OUTDIR [DRAW]  a later draw (4, 5): training outlets, beside what is annotated
  news_stance.py batches OUTDIR N DOUBLE [SECOND]  items -> N annotator batches + second readings
  news_stance.py assemble ITEMS LABELDIR [--append]   labels -> annotations.tsv
  news_stance.py agreement                Cohen's kappa and the confusion between annotators

The repository keeps, for each sentence, the ANT article id and the byte offsets of the
sentence in the article's UTF-8 text (the `text` column of ANT's converted TSV); `rebuild`
slices the sentences back out of a local copy. Nothing of the articles' text is stored here.
"""
import hashlib
import json
import os
import random
import re
import subprocess
import sys

import ant
from ant import ant_dir, articles, date_of

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(ROOT, "datasets", "news_stance")
TEST_OUTLETS = ("CNN", "France24")  # whole outlets held out for the test split
NEWS_SECTIONS = ("internationalNews", "middleEast")


def read_ant(d):
    """article id -> (outlet, section, ant split, text bytes)."""
    return {aid: (outlet, sec, split, text) for aid, outlet, sec, split, text in articles(d)}


def check_ant(d):
    ant.check_ant(d, "news_stance")


def rebuild(args):
    out = args[args.index("--out") + 1] if "--out" in args else os.path.join(ROOT, "build",
                                                                             "news_stance")
    d = ant_dir()
    check_ant(d)
    arts = read_ant(d)
    os.makedirs(out, exist_ok=True)
    files = {s: open(os.path.join(out, s + ".jsonl"), "w", encoding="utf-8")
             for s in ("train", "test")}
    n = {"train": 0, "test": 0}
    with open(os.path.join(DATA, "annotations.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for ln, line in enumerate(f, 2):
            r = dict(zip(header, line.rstrip("\n").split("\t")))
            art = arts.get(r["article"])
            if art is None:
                sys.exit("news_stance: annotations.tsv:%d: article %s is not in %s"
                         % (ln, r["article"], d))
            text = art[3]
            a, b = int(r["start"]), int(r["end"])
            sent = text[a:b].decode("utf-8")
            if hashlib.sha1(text[a:b]).hexdigest()[:10] != r["sha1"]:
                sys.exit("news_stance: annotations.tsv:%d: the sentence of %s at %d-%d differs "
                         "from the one annotated (another version of the corpus?)"
                         % (ln, r["article"], a, b))
            rec = {"label": r["label"], "text": sent, "id": r["item"], "article": r["article"],
                   "outlet": art[0], "date": date_of(r["article"]), "sampling": r["sampling"]}
            files[r["split"]].write(json.dumps(rec, ensure_ascii=False) + "\n")
            n[r["split"]] += 1
    for f in files.values():
        f.close()
    print("news_stance: %d train, %d test sentences -> %s" % (n["train"], n["test"], out))


def pool(args):
    tasnif, out = args[0], args[1]
    d = ant_dir()
    check_ant(d)
    arts = read_ant(d)
    inp = "\n".join(json.dumps({"id": k, "text": v[3].decode()}, ensure_ascii=False)
                    for k, v in arts.items()) + "\n"
    r = subprocess.run([tasnif, "label", "--input-format", "jsonl", "--json"], input=inp.encode(),
                       stdout=subprocess.PIPE, check=True)
    with open(out, "w", encoding="utf-8") as o:
        o.write("article\toutlet\tsection\tant_split\tstart\tend\tguess\tprob\n")
        for line in r.stdout.decode().splitlines():
            j = json.loads(line)
            a = arts[j["id"]]
            for s in j["sentences"]:
                o.write("%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n" % (
                    j["id"], a[0], a[1], a[2], s["start"], s["end"], s["stance"], s["prob"]))


# Broad cue lists, used only to pick sentences worth reading for the rare classes; the label of
# every sentence is an annotator's decision. Matched on text without tashkeel, alef-folded.
DENIAL_CUES = re.compile(
    r"نف(ى|ت|وا)|ينف(ي|ون)|تنفي|نفي|رفض.{0,25}(اتهام|مزاعم|ادعاء|تقارير|اتهامات)|مزاعم|ادعاء"
    r"|عار(يه|ي)? (تماما )?عن الصح|لا اساس|اساس له|لا علاقه|لا صله|لا دخل|مفبرك|فبرك|افتراء"
    r"|اكاذيب|كاذب|تنصل|دحض|شائعات|مسيس|لا يمت|ضحيه|تضليل|مختلق")
ATTRIB_CUES = re.compile(
    r"اتهم|يتهم|تتهم|اتهام|متهم|حمل.{0,20}مسؤولي|تحميل|مسؤوليه|وراء|تبن(ى|ت|ي)|ضلوع|تورط|نسب"
    r"|ارتكب|شنت|شنها|شنه|نفذ|مدبر|مشتبه|بتهمه|ادان|اطلق.{0,20}من|استهدف|قصف|هاجم|على يد"
    r"|من قبل|مرتبط|تابع(ه)? ل|اغتيال|قتلت|قتله|خطف")
ACCUSATION_WORDS = re.compile(r"اتهام|اتهم|مزاعم|ادعاء|تورط|مسؤولي|علاقه|صله|ضلوع|وراء")
TASHKEEL = re.compile("[\u064B-\u0652\u0640]")


def fold(t):
    t = TASHKEEL.sub("", t)
    return t.translate(str.maketrans("أإآٱىة", "اااايه"))


def trigrams(t):
    w = re.findall(r"\w+", fold(t))
    return {" ".join(w[i:i + 3]) for i in range(max(1, len(w) - 2))}


class Draw:
    """A seeded draw: takes candidates in shuffled order, at most `cap` per article, never a
    near-duplicate (word-trigram Jaccard >= 0.5, or the same folded text) of a sentence taken or
    remembered before."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.chosen, self.per_article, self.seen_exact = [], {}, set()
        self.index, self.sets = {}, []  # trigram -> ids of remembered sentences holding it

    def remember(self, text, article=None):
        self.seen_exact.add(fold(text))
        tri = trigrams(text)
        for t in tri:
            self.index.setdefault(t, []).append(len(self.sets))
        self.sets.append(tri)
        if article is not None:
            self.per_article[article] = self.per_article.get(article, 0) + 1

    def near_dup(self, r):
        if fold(r["text"]) in self.seen_exact:
            return True
        tri = trigrams(r["text"])
        shared = {}
        for t in tri:
            for k in self.index.get(t, ()):
                shared[k] = shared.get(k, 0) + 1
        return any(c * 2 >= len(tri | self.sets[k]) for k, c in shared.items())

    def take(self, cands, n, how, cap):
        """Takes up to n of cands, each marked with its sampling `how` (or how(r))."""
        self.rng.shuffle(cands)
        k = 0
        for r in cands:
            if k == n:
                break
            if r.get("taken") or self.per_article.get(r["article"], 0) >= cap or \
                    self.near_dup(r):
                continue
            r["taken"] = True
            r["sampling"] = how(r) if callable(how) else how
            self.remember(r["text"], r["article"])
            self.chosen.append(r)
            k += 1
        return k


def sample(args):
    """Draws the annotation sample from a pool (see `pool`), seeded; writes OUTDIR/items.tsv."""
    pool_path, outdir = args[0], args[1]
    d = ant_dir()
    check_ant(d)
    arts = read_ant(d)
    rows = []
    with open(pool_path, encoding="utf-8") as f:
        f.readline()
        for line in f:
            aid, outlet, sec, asplit, a, b, guess, prob = line.rstrip("\n").split("\t")
            a, b = int(a), int(b)
            text = arts[aid][3][a:b].decode("utf-8")
            nw = len(text.split())
            if nw < 3 or nw > 120:
                continue
            rows.append({"article": aid, "outlet": outlet, "section": sec, "ant_split": asplit,
                         "start": a, "end": b, "guess": guess, "prob": float(prob), "text": text,
                         "split": "test" if outlet in TEST_OUTLETS else "train"})
    draw = Draw(20261202)
    rng, chosen, take = draw.rng, draw.chosen, draw.take
    plan = {"train": (1550, 300, 1000, 850), "test": (640, 110, 450, 400)}
    for split, (n_news, n_other, n_den, n_att) in plan.items():
        part = [r for r in rows if r["split"] == split]
        take([r for r in part if r["section"] in NEWS_SECTIONS], n_news, "random-news", 99)
        take([r for r in part if r["section"] not in NEWS_SECTIONS], n_other, "random-other", 99)

        def mined(r, cls, cues):
            c = bool(cues.search(fold(r["text"])))
            m = r["guess"] == cls
            return c or m, ("cue+model" if c and m else "cue" if c else "model") + "-" + cls

        for cls, cues, n in (("denial", DENIAL_CUES, n_den), ("attribution", ATTRIB_CUES, n_att)):
            cands = [r for r in part if mined(r, cls, cues)[0]]
            take(cands, n, lambda r, cls=cls, cues=cues: mined(r, cls, cues)[1], 3)
    rng.shuffle(chosen)
    # Second draw, after the first batches showed denial at ~5 % of the sample: sentences where
    # a denial cue meets an accusation word, or the old model says denial at >= 0.7.
    first = len(chosen)
    for split, n in (("train", 500), ("test", 200)):
        part = [r for r in rows if r["split"] == split and not r.get("taken")]

        def strong(r):
            t = fold(r["text"])
            return bool(DENIAL_CUES.search(t) and ACCUSATION_WORDS.search(t))

        cands = [r for r in part if strong(r) or (r["guess"] == "denial" and r["prob"] >= 0.7)]
        take(cands, n, lambda r: "cue2-denial" if strong(r) else "model2-denial", 3)
    second = chosen[first:]
    rng.shuffle(second)
    chosen[first:] = second
    # Third draw, training outlets only, when cross-validation showed the rare classes short of
    # examples (292 denials): more of each mined kind, and more random news.
    first = len(chosen)
    part = [r for r in rows if r["split"] == "train" and not r.get("taken")]
    strong_d = [r for r in part if (DENIAL_CUES.search(fold(r["text"])) and
                                    ACCUSATION_WORDS.search(fold(r["text"]))) or
                (r["guess"] == "denial" and r["prob"] >= 0.6)]
    take(strong_d, 1200, lambda r: "cue3-denial" if DENIAL_CUES.search(fold(r["text"]))
         else "model3-denial", 3)
    part = [r for r in part if not r.get("taken")]
    take([r for r in part if ATTRIB_CUES.search(fold(r["text"])) or r["guess"] == "attribution"],
         800, lambda r: "mined3-attribution", 3)
    take([r for r in part if r["section"] in NEWS_SECTIONS], 400, "random3-news", 99)
    third = chosen[first:]
    rng.shuffle(third)
    chosen[first:] = third
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "items.tsv"), "w", encoding="utf-8") as o:
        o.write("item\tarticle\toutlet\tsection\tant_split\tstart\tend\tsampling\tsplit\tsha1\n")
        for i, r in enumerate(chosen, 1):
            r["item"] = "ns%05d" % i
            sha = hashlib.sha1(r["text"].encode()).hexdigest()[:10]
            o.write("\t".join(str(x) for x in (r["item"], r["article"], r["outlet"], r["section"],
                                                r["ant_split"], r["start"], r["end"],
                                                r["sampling"], r["split"], sha)) + "\n")
    print("news_stance: %d items -> %s" % (len(chosen), outdir))


def read_pool(pool_path, arts):
    """The pool's sentences of 3 to 120 words, with their text and the previous sentence's."""
    rows, prev = [], None
    with open(pool_path, encoding="utf-8") as f:
        f.readline()
        for line in f:
            aid, outlet, sec, asplit, a, b, guess, prob = line.rstrip("\n").split("\t")
            a, b = int(a), int(b)
            text = arts[aid][3][a:b].decode("utf-8")
            before = prev[1] if prev is not None and prev[0] == aid else ""
            prev = (aid, text)
            nw = len(text.split())
            if nw < 3 or nw > 120:
                continue
            rows.append({"article": aid, "outlet": outlet, "section": sec, "ant_split": asplit,
                         "start": a, "end": b, "guess": guess, "prob": float(prob), "text": text,
                         "context": before,
                         "split": "test" if outlet in TEST_OUTLETS else "train"})
    return rows


def annotated():
    """The rows of annotations.tsv."""
    return ant.read_table(os.path.join(DATA, "annotations.tsv"))


# Later draws, training outlets only: (seed, attribution-cue sentences the model did not call
# attribution, its attributions below prob 0.9, denial candidates, random news sentences).
LATER_DRAWS = {4: (20261203, 700, 400, 400, 500), 5: (20261204, 1000, 600, 600, 800),
               6: (20261205, 1000, 600, 600, 800)}


def sample4(args):
    """A later draw (`sample4 POOL OUTDIR [DRAW]`, DRAW 4, 5 or 6, default 4; training outlets
    only, the test split untouched): sentences not yet annotated and no near-duplicate of one
    that is, chosen where the shipped model was weakest -- attribution recall (0.55 by
    cross-validation before the fourth draw). The pool is split and guessed by the model shipped
    at the time (`pool`); its guesses only choose what to read."""
    pool_path, outdir = args[0], args[1]
    draw = int(args[2]) if len(args) > 2 else 4
    seed, n_cue, n_model, n_den, n_random = LATER_DRAWS[draw]
    d = ant_dir()
    check_ant(d)
    arts = read_ant(d)
    rows = [r for r in read_pool(pool_path, arts) if r["split"] == "train"]
    done = annotated()
    spans = {}
    for r in done:
        spans.setdefault(r["article"], []).append((int(r["start"]), int(r["end"])))
    rows = [r for r in rows if not any(a < r["end"] and r["start"] < b
                                       for a, b in spans.get(r["article"], ()))]
    sampler = Draw(seed)
    for r in done:
        sampler.remember(arts[r["article"]][3][int(r["start"]):int(r["end"])].decode("utf-8"),
                         r["article"])
    take, chosen = sampler.take, sampler.chosen
    cue_a = [r for r in rows if ATTRIB_CUES.search(fold(r["text"]))]
    take([r for r in cue_a if r["guess"] != "attribution"], n_cue, "cue%d-attribution" % draw, 4)
    take([r for r in rows if r["guess"] == "attribution" and r["prob"] < 0.9], n_model,
         "model%d-attribution" % draw, 4)
    take([r for r in rows if r["guess"] == "denial" or DENIAL_CUES.search(fold(r["text"]))],
         n_den, "mined%d-denial" % draw, 4)
    take([r for r in rows if r["section"] in NEWS_SECTIONS], n_random, "random%d-news" % draw, 99)
    sampler.rng.shuffle(chosen)
    first = 1 + max(int(r["item"][2:]) for r in done)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "items.tsv"), "w", encoding="utf-8") as o:
        o.write("item\tarticle\toutlet\tsection\tant_split\tstart\tend\tsampling\tsplit\tsha1\n")
        for i, r in enumerate(chosen, first):
            sha = hashlib.sha1(r["text"].encode()).hexdigest()[:10]
            o.write("\t".join(str(x) for x in ("ns%05d" % i, r["article"], r["outlet"],
                                                r["section"], r["ant_split"], r["start"],
                                                r["end"], r["sampling"], r["split"], sha)) + "\n")
    with open(os.path.join(outdir, "context.tsv"), "w", encoding="utf-8") as o:
        for i, r in enumerate(chosen, first):
            o.write("ns%05d\t%s\t%s\n" % (i, r["context"].replace("\t", " ").replace("\n", " "),
                                          r["text"].replace("\t", " ").replace("\n", " ")))
    print("news_stance: %d items -> %s" % (len(chosen), outdir))


def batches(args):
    """OUTDIR/items.tsv + context.tsv -> OUTDIR/batch-<letter>.tsv: N first readings in turn,
    then a second, independent reading of every DOUBLE-th item (the share labelled twice) in
    SECOND batches (default 1) of the letters that follow. Each batch line: item, previous
    sentence, sentence -- no sampling and no model guess."""
    outdir, n, every = args[0], int(args[1]), int(args[2])
    n2 = int(args[3]) if len(args) > 3 else 1
    with open(os.path.join(outdir, "context.tsv"), encoding="utf-8") as f:
        lines = [line.rstrip("\n").split("\t") for line in f]
    second = [p for i, p in enumerate(lines) if i % every == every // 2]

    def write(parts, k0):
        size = (len(parts[0]) + parts[1] - 1) // parts[1]
        for k in range(parts[1]):
            name = "batch-%s.tsv" % chr(ord("a") + k0 + k)
            with open(os.path.join(outdir, name), "w", encoding="utf-8") as o:
                o.write("".join("\t".join(p) + "\n" for p in parts[0][k * size:(k + 1) * size]))
        return size

    size = write((lines, n), 0)
    write((second, n2), n)
    print("news_stance: %d batches of up to %d, a second reading of %d in %d" % (
        n, size, len(second), n2))


LABELS = ("attribution", "denial", "other")


def assemble(args):
    """items.tsv + LABELDIR/*.tsv (one file per annotator batch) + adjudication.tsv ->
    datasets/news_stance/annotations.tsv; with --append, the rows already there are kept and
    the new items follow them (a later draw)."""
    items_path, labdir = args[0], args[1]
    kept = annotated() if "--append" in args[2:] else []
    votes = {}
    for name in sorted(os.listdir(labdir)):
        if not name.endswith(".tsv"):
            continue
        who = name[:-4].lower()
        with open(os.path.join(labdir, name), encoding="utf-8") as f:
            for ln, line in enumerate(f, 1):
                p = line.rstrip("\n").split("\t")
                if len(p) < 2 or p[1] not in LABELS:
                    sys.exit("news_stance: %s:%d: expected ITEM<TAB>LABEL" % (name, ln))
                votes.setdefault(p[0], []).append((who, p[1]))
    adj = {}
    adj_path = os.path.join(DATA, "adjudication.tsv")
    if os.path.exists(adj_path):
        with open(adj_path, encoding="utf-8") as f:
            f.readline()
            for line in f:
                p = line.rstrip("\n").split("\t")
                adj[p[0]] = p[1]
    out, missing, open_cases = [], [], []
    with open(items_path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(header, line.rstrip("\n").split("\t")))
            v = votes.get(r["item"])
            if not v:
                missing.append(r["item"])
                continue
            labs = {l for _, l in v}
            if len(labs) == 1:
                r["label"], r["adjudicated"] = v[0][1], "no"
            elif r["item"] in adj:
                r["label"], r["adjudicated"] = adj[r["item"]], "yes"
            else:
                open_cases.append((r, v))
                continue
            r["annotators"] = ",".join("%s:%s" % x for x in v)
            r["date"] = date_of(r["article"])
            out.append(r)
    if open_cases:
        arts = read_ant(ant_dir())
        for r, v in open_cases:
            text = arts[r["article"]][3][int(r["start"]):int(r["end"])].decode()
            sys.stderr.write("### %s %s\n%s\n\n" % (r["item"], " ".join("%s:%s" % x for x in v),
                                                    text))
        sys.exit("news_stance: %d disagreements without a decision in adjudication.tsv"
                 % len(open_cases))
    cols = ("item", "article", "outlet", "date", "section", "ant_split", "start", "end", "sha1",
            "sampling", "split", "label", "annotators", "adjudicated")
    with open(os.path.join(DATA, "annotations.tsv"), "w", encoding="utf-8") as o:
        o.write("\t".join(cols) + "\n")
        for r in kept + out:
            o.write("\t".join(r[c] for c in cols) + "\n")
    print("news_stance: %d annotated items (%d not annotated yet)" % (len(kept) + len(out),
                                                                     len(missing)))


def kappa(pairs):
    return ant.kappa(pairs, LABELS)


def agreement(args):
    """Cohen's kappa and the confusion between first and second annotators."""
    pairs = []
    with open(os.path.join(DATA, "annotations.tsv"), encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            r = dict(zip(header, line.rstrip("\n").split("\t")))
            v = [x.split(":")[1] for x in r["annotators"].split(",")]
            if len(v) == 2:
                pairs.append((v[0], v[1]))
    k, po = kappa(pairs)
    print("doubly annotated: %d; observed agreement %.4f; Cohen's kappa %.4f" % (len(pairs), po, k))
    print("| first \\ second | " + " | ".join(LABELS) + " |")
    print("|---|---|---|---|")
    for a in LABELS:
        print("| %s | " % a + " | ".join(str(sum(1 for x in pairs if x == (a, b))) for b in LABELS)
              + " |")


if __name__ == "__main__":
    cmds = {"rebuild": rebuild, "pool": pool, "sample": sample, "sample4": sample4,
            "batches": batches, "assemble": assemble, "agreement": agreement}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit(__doc__)
    cmds[sys.argv[1]](sys.argv[2:])
