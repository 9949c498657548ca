#!/usr/bin/python3
"""bench/speed.py [TASNIF] -- `make bench-speed`: tasnif against fastText on ant_multisource,
on this machine, both systems on the same files with THREADS threads; writes bench/speed.md.
A benchmark, not a test: run it on an idle machine.

What it measures:
  1. Training: `tasnif train -v -t THREADS` against `fasttext supervised -wordNgrams 2
     -epoch 10 -thread THREADS` on train.tsv (the same articles, in fastText's format for
     fastText): wall time, CPU-seconds, peak RSS; then both models' accuracy on test.tsv.
  2. Classification of test.tsv's texts (one file, read by both): `tasnif classify -t THREADS`
     against `fasttext predict`, model loading included; model loading alone (the same
     commands on an empty file); prediction = total - loading. Throughput on wall time and
     per CPU-second, and the tasnif / fastText ratios.
  3. Featurization stage by stage on 1 and THREADS threads (bench/stages.c, built next to
     TASNIF as `stages`): ICU normalization, + word breaks, + stems, + n-grams, and all of it
     with the dictionary, as `train` does it; the last as a share of the second.
  4. Scaling: `tasnif train -v` on 25, 50 and 100 % of train.tsv (a fixed shuffle): wall
     time, s per MB, peak RSS and the `featurize` time `train -v` reports.

How: every timed command gets one discarded warm-up run, then RUNS runs, tasnif and fastText
alternating, each under GNU time (`/usr/bin/time -f '%e %U %S %M'`: wall, user, sys, peak
RSS). Just before each run the files it reads (program, model, input) are read through, so
both systems start with them in the page cache. Figures are medians over the runs (CPU =
user + sys of each run, summed over threads); ratios are ratios of medians. The machine
(processors, CPU model, load average) is printed first, with a warning when the 1-minute
load average is above 0.5.

Environment: SHARED (../shared), TRAIN and TEST (default SHARED/datasets/ant_multisource/
{train,test}.tsv; label<TAB>text), RUNS (3), THREADS (the processors available), OUT
(bench/speed.md), STAGES (the stages program; default: next to TASNIF).
Skips, exit status 0, when the corpus, fasttext or GNU time is missing.
"""

import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"
LOAD_LIMIT = 0.5


def say(msg):
    print("bench-speed: " + msg, file=sys.stderr, flush=True)


def env_int(name, default):
    v = os.environ.get(name, "")
    if v == "":
        return default
    if not v.isdigit() or int(v) < 1:
        sys.exit("bench-speed: %s must be a positive integer, not %r" % (name, v))
    return int(v)


# ---- The machine ----


def machine():
    """Processors, CPU model, memory, kernel: one line for the report."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = ", %.1f GiB RAM" % (int(line.split()[1]) / 2**20)
    except OSError:
        pass
    return "%d processors (%s)%s, %s %s" % (
        len(os.sched_getaffinity(0)), model, mem, platform.system(), platform.machine())


# ---- Timing ----


class Runs:
    """The kept runs of one command: each (wall s, cpu s, peak RSS kB); for `tasnif train -v`
    (featurize=True) also the featurize time each run reports."""

    def __init__(self, name, argv, featurize=False):
        self.name, self.argv, self.v = name, argv, []
        self.featurize, self.feat = featurize, []

    def wall(self):
        return statistics.median(r[0] for r in self.v)

    def cpu(self):
        return statistics.median(r[1] for r in self.v)

    def rss_mb(self):
        return statistics.median(r[2] for r in self.v) / 1024

    def feat_s(self):
        return statistics.median(self.feat)


def warm(paths):
    """Reads each file through, so that the page cache holds it."""
    for p in paths:
        with open(p, "rb") as f:
            while f.read(1 << 20):
                pass


def timed(argv, out, err, tmp):
    """Runs argv under GNU time, stdout to out, stderr to err; (wall, cpu, rss_kb)."""
    tfile = os.path.join(tmp, "time")
    with open(out, "wb") as o, open(err, "wb") as e:
        rc = subprocess.call([GNU_TIME, "-f", "%e %U %S %M", "-o", tfile] + argv,
                             stdout=o, stderr=e)
    if rc != 0:
        with open(err, "rb") as e:
            sys.stderr.write(e.read().decode(errors="replace"))
        sys.exit("bench-speed: failed (exit status %d): %s" % (rc, " ".join(argv)))
    with open(tfile) as f:
        wall, user, sys_, rss = f.read().split()[-4:]  # the last line: ours
    return float(wall), float(user) + float(sys_), int(rss)


def alternate(cmds, runs, tmp, label):
    """cmds: (Runs, files to warm). One discarded warm-up round, then `runs` rounds; in each
    round every command once, in the order given. The last run's stdout and stderr stay in
    tmp/NAME.out and tmp/NAME.err."""
    for rnd in range(runs + 1):
        say("%s: %s" % (label, "warm-up" if rnd == 0 else "run %d of %d" % (rnd, runs)))
        for r, files in cmds:
            warm(files)
            err = os.path.join(tmp, r.name + ".err")
            res = timed(r.argv, os.path.join(tmp, r.name + ".out"), err, tmp)
            if rnd > 0:
                r.v.append(res)
                if r.featurize:
                    r.feat.append(featurize_s(err))


def featurize_s(err_file):
    """The `featurize N s` time of a `train -v` run's standard error."""
    with open(err_file) as f:
        for line in f:
            if "featurize " in line and " s, fit " in line:
                return float(line.split("featurize ", 1)[1].split(" s", 1)[0])
    return float("nan")


# ---- Inputs ----


def read_tsv(path):
    """(label, text) pairs of a label<TAB>text file, as bytes; tabs in the text become spaces."""
    with open(path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\r\n")
            if line:
                label, _, text = line.partition(b"\t")
                yield label, text.replace(b"\t", b" ")


def write_fasttext(pairs, path):
    with open(path, "wb") as f:
        for label, text in pairs:
            f.write(b"__label__" + label + b" " + text + b"\n")


# ---- The report ----


def ratio(a, b):
    """a / b, or "-" unless both are positive (a difference of medians may not be)."""
    return "%.2f" % (a / b) if a > 0 and b > 0 else "-"


def plural(n, one, many):
    return "%d %s" % (n, one if n == 1 else many)


def f2(x):
    return "%.2f" % x


def report_lines(c):
    """The Markdown report, from the figures in dict c."""
    tn, fp, tl, fl = c["tn_cls"], c["ft_cls"], c["tn_load"], c["ft_load"]
    tt, ft = c["tn_train"], c["ft_train"]
    mb, docs, threads = c["test_mb"], c["test_docs"], c["threads"]
    # prediction = total - loading, on the medians
    tp_w, fp_w = tn.wall() - tl.wall(), fp.wall() - fl.wall()
    tp_c, fp_c = tn.cpu() - tl.cpu(), fp.cpu() - fl.cpu()

    def per(x, s):
        return "%.2f" % (x / s) if s > 0 else "-"

    s1, sn = c["share"]
    L = []
    L += ["# Speed and memory: tasnif against fastText", ""]
    L += ["`make bench-speed` (bench/speed.py) on %s (%d training articles, %.1f MB; %d test "
          "articles, %.2f MB of text), %d threads for both systems. Machine: %s; 1-minute load "
          "average %.2f at the start, %.2f at the end; %s."
          % (c["corpus"], c["train_docs"], c["train_mb"], docs, mb, threads, c["machine"],
             c["load0"], c["load1"], c["date"]), ""]
    if c["load0"] > LOAD_LIMIT:
        L += ["**Warning: the machine was busy (load average %.2f > %.1f at the start); these "
              "figures are not trustworthy.**" % (c["load0"], LOAD_LIMIT), ""]
    L += ["Every command had one discarded warm-up run, then %s alternating tasnif and "
          "fastText, each under GNU time; just before each run the files it reads (program, "
          "model, input) were read through, so both start with them in the page cache. "
          "Figures are medians of the runs; CPU is user + sys seconds, summed over threads; "
          "ratios are ratios of medians. Each run is listed at the end."
          % plural(c["runs"], "run", "runs"), ""]
    L += ["In short (a throughput ratio above 1: tasnif is faster):", ""]
    L += ["- classify, model loading included: %s s against %s s for `fasttext predict` (wall); "
          "tasnif's throughput is %s times fastText's on wall time, %s times per CPU-second "
          "(%s against %s CPU s)."
          % (f2(tn.wall()), f2(fp.wall()), ratio(fp.wall(), tn.wall()),
             ratio(fp.cpu(), tn.cpu()), f2(tn.cpu()), f2(fp.cpu()))]
    L += ["- model loading alone: %s s against %s s; prediction (total - loading): %s s "
          "against %s s, a throughput ratio of %s on wall time, %s per CPU-second."
          % (f2(tl.wall()), f2(fl.wall()), f2(tp_w), f2(fp_w), ratio(fp_w, tp_w),
             ratio(fp_c, tp_c))]
    L += ["- train: %s s against %s s (wall), %.0f MB against %.0f MB peak RSS; accuracy on "
          "the test set %.4f against %.4f."
          % (f2(tt.wall()), f2(ft.wall()), tt.rss_mb(), ft.rss_mb(), c["tn_acc"], c["ft_acc"])]
    L += ["- featurization, dictionary included, runs at %s of the throughput of ICU "
          "normalization + word breaks alone on 1 thread, %s on %d threads." % (s1, sn, threads)]
    L += [""]
    if tp_w <= 0 or fp_w <= 0:
        L += ["A prediction time at or below zero means that loading's spread exceeds the "
              "prediction: more runs (RUNS) or a larger test set are needed.", ""]

    L += ["## Classification", ""]
    L += ["`tasnif classify -t %d -m MODEL -i test.txt` against `fasttext predict MODEL.bin "
          "test.txt`: the same file of %d texts, each system with the model trained below "
          "(fastText's `predict` runs on one thread). Model loading alone is the same command "
          "on an empty file; prediction is the total less the loading." % (threads, docs), ""]
    L += ["| | tasnif | fastText | tasnif / fastText |", "|---|---|---|---|"]
    L += ["| total (loading included): wall s | %s | %s | %s |" % (f2(tn.wall()), f2(fp.wall()),
                                                                 ratio(tn.wall(), fp.wall()))]
    L += ["| total: CPU s | %s | %s | %s |" % (f2(tn.cpu()), f2(fp.cpu()),
                                               ratio(tn.cpu(), fp.cpu()))]
    L += ["| model loading: wall s | %s | %s | %s |" % (f2(tl.wall()), f2(fl.wall()),
                                                        ratio(tl.wall(), fl.wall()))]
    L += ["| model loading: CPU s | %s | %s | %s |" % (f2(tl.cpu()), f2(fl.cpu()),
                                                       ratio(tl.cpu(), fl.cpu()))]
    L += ["| prediction (total - loading): wall s | %s | %s | %s |" % (f2(tp_w), f2(fp_w),
                                                                       ratio(tp_w, fp_w))]
    L += ["| prediction: CPU s | %s | %s | %s |" % (f2(tp_c), f2(fp_c), ratio(tp_c, fp_c))]
    L += ["| peak RSS MB | %.0f | %.0f | %s |" % (tn.rss_mb(), fp.rss_mb(),
                                                  ratio(tn.rss_mb(), fp.rss_mb()))]
    L += ["| model file MB | %.0f | %.0f | %s |" % (c["tn_model_mb"], c["ft_model_mb"],
                                                    ratio(c["tn_model_mb"], c["ft_model_mb"]))]
    L += ["| throughput, total: MB/s (docs/s) | %s (%.0f) | %s (%.0f) | %s |"
          % (per(mb, tn.wall()), docs / tn.wall(), per(mb, fp.wall()), docs / fp.wall(),
             ratio(fp.wall(), tn.wall()))]
    L += ["| throughput, total: MB per CPU s | %s | %s | %s |"
          % (per(mb, tn.cpu()), per(mb, fp.cpu()), ratio(fp.cpu(), tn.cpu()))]
    L += ["| throughput, prediction alone: MB/s | %s | %s | %s |"
          % (per(mb, tp_w), per(mb, fp_w), ratio(fp_w, tp_w))]
    L += ["| throughput, prediction alone: MB per CPU s | %s | %s | %s |"
          % (per(mb, tp_c), per(mb, fp_c), ratio(fp_c, tp_c))]
    L += [""]

    L += ["## Training", ""]
    L += ["`tasnif train -v -t %d` (its default config) against `fasttext supervised "
          "-wordNgrams 2 -epoch 10 -thread %d -verbose 0`, on the same %d articles; accuracy "
          "of the last model of each on test.tsv (`tasnif eval`, `fasttext test` P@1)."
          % (threads, threads, c["train_docs"]), ""]
    L += ["| | tasnif | fastText | tasnif / fastText |", "|---|---|---|---|"]
    L += ["| wall s | %s | %s | %s |" % (f2(tt.wall()), f2(ft.wall()), ratio(tt.wall(), ft.wall()))]
    L += ["| CPU s | %s | %s | %s |" % (f2(tt.cpu()), f2(ft.cpu()), ratio(tt.cpu(), ft.cpu()))]
    L += ["| peak RSS MB | %.0f | %.0f | %s |" % (tt.rss_mb(), ft.rss_mb(),
                                                  ratio(tt.rss_mb(), ft.rss_mb()))]
    L += ["| throughput MB/s | %s | %s | %s |" % (per(c["train_mb"], tt.wall()),
                                                  per(c["train_mb"], ft.wall()),
                                                  ratio(ft.wall(), tt.wall()))]
    L += ["| accuracy on test.tsv | %.4f | %.4f | |" % (c["tn_acc"], c["ft_acc"])]
    L += [""]
    L += ["tasnif's featurization (the `featurize` time of `train -v`) took %.2f s of its "
          "training (median)." % tt.feat_s(), ""]

    L += ["## Featurization stage by stage", ""]
    L += ["`stages` (bench/stages.c) on the texts of train.tsv in memory: each prefix of the "
          "pipeline, then all of featurization as `train` does it, dictionary included (every "
          "pass in a fresh process, as each `train` run); one warm-up pass of "
          "each, then %s, each running every stage in turn on 1 and %d threads, medians; the "
          "last row is the median over the repetitions of the fifth row's pass divided by the "
          "second's, the two timed one after the other."
          % (plural(c["runs"], "repetition", "repetitions"), threads), ""]
    L += c["stages"]
    L += [""]

    L += ["## Scaling", ""]
    L += ["`tasnif train -v -t %d` on a fixed shuffle of train.tsv (100 %%: the training runs "
          "above); featurize is the `featurize` time `train -v` reports (reading the file "
          "excluded), its MB/s over the file's bytes." % threads, ""]
    L += ["| share | articles | MB | train wall s | s per MB | peak RSS MB | featurize s | "
          "featurize MB/s |", "|---|---|---|---|---|---|---|---|"]
    for pct, n, nbytes, r in c["scaling"]:
        m, feat = nbytes / 1e6, r.feat_s()
        L += ["| %d %% | %d | %.1f | %.2f | %.3f | %.0f | %.2f | %.1f |"
              % (pct, n, m, r.wall(), r.wall() / m, r.rss_mb(), feat, m / feat if feat > 0 else 0)]
    L += [""]

    L += ["## Runs", ""]
    L += ["Each kept run (warm-up runs not shown): wall s / CPU s / peak RSS MB. `$T` is the "
          "temporary directory.", ""]
    L += ["| command | runs |", "|---|---|"]
    for r in c["all_runs"]:
        cmd = " ".join(r.argv).replace(c["tmp"], "$T").replace(os.getcwd() + "/", "")
        L += ["| `%s` | %s |" % (cmd, "; ".join("%.2f / %.2f / %.0f" % (w, u, k / 1024)
                                                for w, u, k in r.v))]
    L += ["", "Where the time goes (a callgrind profile): [profile.md](profile.md)."]
    return L


# ---- Main ----


def main():
    tasnif = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/tasnif")
    stages = os.environ.get("STAGES") or os.path.join(os.path.dirname(tasnif), "stages")
    shared = os.environ.get("SHARED", "../shared")
    corpus_dir = os.path.join(shared, "datasets", "ant_multisource")
    train = os.environ.get("TRAIN") or os.path.join(corpus_dir, "train.tsv")
    test = os.environ.get("TEST") or os.path.join(corpus_dir, "test.tsv")
    runs = env_int("RUNS", 3)
    threads = env_int("THREADS", len(os.sched_getaffinity(0)))
    out = os.environ.get("OUT", "bench/speed.md")

    for p in (train, test):
        if not os.path.isfile(p):
            say("skipped: %s is absent" % p)
            return 0
    fasttext = shutil.which("fasttext")
    if fasttext is None:
        say("skipped: fasttext is missing (make bench-deps)")
        return 0
    if not os.access(GNU_TIME, os.X_OK):
        say("skipped: GNU time is missing (make bench-deps)")
        return 0
    for p in (tasnif, stages):
        if not os.access(p, os.X_OK):
            sys.exit("bench-speed: %s is missing (`make bench-speed` builds it)" % p)

    load0 = os.getloadavg()[0]
    print("machine: %s" % machine())
    print("load average at start (1, 5, 15 min): %.2f %.2f %.2f" % os.getloadavg())
    if load0 > LOAD_LIMIT:
        print("WARNING: the 1-minute load average is %.2f, above %.1f: something else is "
              "running, and these figures will not be trustworthy" % (load0, LOAD_LIMIT))
    print("train %s, test %s; %d threads, %s after a warm-up"
          % (train, test, threads, plural(runs, "run", "runs")), flush=True)

    tmp = tempfile.mkdtemp(prefix="bench-speed.")
    try:
        return measure(tasnif, stages, fasttext, train, test, runs, threads, out, tmp, load0)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def measure(tasnif, stages, fasttext, train, test, runs, threads, out, tmp, load0):
    def T(name):
        return os.path.join(tmp, name)

    train_pairs = list(read_tsv(train))
    test_pairs = list(read_tsv(test))
    write_fasttext(train_pairs, T("train.ft"))
    write_fasttext(test_pairs, T("test.ft"))
    with open(T("test.txt"), "wb") as f:  # what both systems classify
        f.writelines(text + b"\n" for _, text in test_pairs)
    open(T("empty.txt"), "wb").close()
    test_mb = os.path.getsize(T("test.txt")) / 1e6
    t = str(threads)

    # 1. Training, alternating; the last models serve classification.
    tn_model, ft_model = T("tasnif.model"), T("ft.bin")
    tn_train = Runs("tasnif_train", [tasnif, "train", "-v", "-t", t, "-i", train, "-o", tn_model],
                    featurize=True)
    ft_train = Runs("ft_train", [fasttext, "supervised", "-input", T("train.ft"), "-output",
                                 T("ft"), "-wordNgrams", "2", "-epoch", "10", "-thread", t,
                                 "-verbose", "0"])
    alternate([(tn_train, [tasnif, train]), (ft_train, [fasttext, T("train.ft")])], runs, tmp,
              "train")

    # 2. Classification and model loading, alternating.
    tn_cls = Runs("tasnif_classify", [tasnif, "classify", "-t", t, "-m", tn_model, "-i",
                                      T("test.txt")])
    ft_cls = Runs("ft_predict", [fasttext, "predict", ft_model, T("test.txt")])
    tn_load = Runs("tasnif_load", [tasnif, "classify", "-t", t, "-m", tn_model, "-i",
                                   T("empty.txt")])
    ft_load = Runs("ft_load", [fasttext, "predict", ft_model, T("empty.txt")])
    alternate([(tn_cls, [tasnif, tn_model, T("test.txt")]),
               (ft_cls, [fasttext, ft_model, T("test.txt")]),
               (tn_load, [tasnif, tn_model]),
               (ft_load, [fasttext, ft_model])], runs, tmp, "classify")
    for name, n in (("tasnif_classify", len(test_pairs)), ("ft_predict", len(test_pairs))):
        with open(T(name + ".out"), "rb") as f:
            got = sum(1 for _ in f)
        if got != n:
            sys.exit("bench-speed: %s gave %d lines for %d texts" % (name, got, n))

    # Accuracy of the last models.
    ev = subprocess.run([tasnif, "eval", "-m", tn_model, "-i", test, "--json"],
                        stdout=subprocess.PIPE, check=True)
    tn_acc = json.loads(ev.stdout)["accuracy"]
    ev = subprocess.run([fasttext, "test", ft_model, T("test.ft")], stdout=subprocess.PIPE,
                        check=True)
    ft_acc = next(float(l.split()[1]) for l in ev.stdout.decode().splitlines()
                  if l.startswith("P@1"))

    # 3. Stage by stage (its own warm-up and alternation).
    say("stages")
    st = subprocess.run([stages, train, t, str(runs)], stdout=subprocess.PIPE, check=True)
    stage_rows = st.stdout.decode().strip().splitlines()
    share = tuple(x.strip() for x in stage_rows[-1].strip("|").split("|")[1:3])

    # 4. Scaling: 25 % and 50 % of a fixed shuffle; 100 % is the training above.
    shuffled = list(range(len(train_pairs)))
    random.Random(7).shuffle(shuffled)
    parts, cmds = [], []
    for pct in (25, 50):
        n = len(train_pairs) * pct // 100
        path = T("part%d.tsv" % pct)
        with open(path, "wb") as f:
            f.writelines(train_pairs[i][0] + b"\t" + train_pairs[i][1] + b"\n"
                         for i in shuffled[:n])
        r = Runs("tasnif_train_%d" % pct, [tasnif, "train", "-v", "-t", t, "-i", path, "-o",
                                            T("part.model")], featurize=True)
        parts.append((pct, n, os.path.getsize(path), r))
        cmds.append((r, [tasnif, path]))
    alternate(cmds, runs, tmp, "scaling")
    scaling = parts + [(100, len(train_pairs), os.path.getsize(train), tn_train)]

    corpus = "`%s`" % os.path.basename(os.path.dirname(os.path.abspath(train)))
    if "TRAIN" in os.environ or "TEST" in os.environ:
        corpus = "`%s` and `%s`" % (train, test)
    c = dict(corpus=corpus,
             train_docs=len(train_pairs), train_mb=os.path.getsize(train) / 1e6,
             test_docs=len(test_pairs), test_mb=test_mb, threads=threads, runs=runs,
             machine=machine(), load0=load0, load1=os.getloadavg()[0],
             date=time.strftime("%Y-%m-%d", time.gmtime()), tmp=tmp,
             tn_cls=tn_cls, ft_cls=ft_cls, tn_load=tn_load, ft_load=ft_load,
             tn_train=tn_train, ft_train=ft_train, tn_acc=tn_acc, ft_acc=ft_acc,
             tn_model_mb=os.path.getsize(tn_model) / 1e6,
             ft_model_mb=os.path.getsize(ft_model) / 1e6,
             stages=stage_rows, share=share, scaling=scaling,
             all_runs=[tn_train, ft_train, tn_cls, ft_cls, tn_load, ft_load] +
             [p[3] for p in parts])
    text = "\n".join(report_lines(c)) + "\n"
    with open(out + ".tmp", "w") as f:
        f.write(text)
    os.replace(out + ".tmp", out)
    print()
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
