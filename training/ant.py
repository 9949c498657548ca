"""ant.py -- the local copy of the ANT multi-source corpus, as the real-news corpora
(news_stance.py, news_topic.py) read it, and what their annotation tools share.

The corpus is ../shared/datasets/ant_multisource (or $ANT_DIR): train.tsv / test.tsv
(`section<TAB>text`, conversion rule in ../shared/datasets/convert_shared.py) with their
.meta.tsv sidecars (`outlet<TAB>article id`, line for line; the id ends with the date).
"""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def ant_dir():
    d = os.environ.get("ANT_DIR") or os.path.join(ROOT, "..", "shared", "datasets",
                                                   "ant_multisource")
    return os.path.normpath(d)


def check_ant(d, who):
    """Exits 77 (skip) with a message naming `who` when the corpus is not at d."""
    if not os.path.exists(os.path.join(d, "train.meta.tsv")):
        sys.stderr.write("%s: the ANT corpus is not at %s (set ANT_DIR to a local copy "
                         "of ../shared/datasets/ant_multisource with its .meta.tsv files)\n"
                         % (who, d))
        sys.exit(77)


def articles(d):
    """(article id, outlet, section, ant split, text bytes) of every article, in file order."""
    for split in ("train", "test"):
        tsv, meta = os.path.join(d, split + ".tsv"), os.path.join(d, split + ".meta.tsv")
        with open(tsv, "rb") as ft, open(meta, "rb") as fm:
            for lt, lm in zip(ft, fm):
                sec, text = lt.rstrip(b"\n").split(b"\t", 1)
                outlet, aid = lm.rstrip(b"\n").decode().split("\t")
                yield aid, outlet, sec.decode(), split, text


def date_of(aid):
    return aid.rsplit("-", 1)[1]


def read_table(path):
    """The rows of a TSV file with a header line, as dicts."""
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        return [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f]


def kappa(pairs, labels):
    """Cohen's kappa and the observed agreement of (first, second) label pairs."""
    n = len(pairs)
    po = sum(a == b for a, b in pairs) / n
    pe = sum(sum(a == l for a, _ in pairs) * sum(b == l for _, b in pairs) for l in labels) / n / n
    return (po - pe) / (1 - pe), po
