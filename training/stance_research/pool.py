#!/usr/bin/env python3
# Run from the repository root. Unlabeled sentences of the training outlets (tasnif's splitter), minus the annotated ones.
import json, subprocess, sys, random
sys.path.insert(0, "training")
import news_stance
arts = news_stance.read_ant(news_stance.ant_dir())
ann = set()
for l in open("datasets/news_stance/annotations.tsv", encoding="utf-8"):
    f = l.rstrip("\n").split("\t")
    if f[0] != "item":
        ann.add((f[1], int(f[6])))
ids = [a for a, v in arts.items() if v[0] in ("Alarabia", "BBC", "SkyNews")]
inp = "".join(json.dumps({"id": a, "text": arts[a][3].decode()}, ensure_ascii=False) + "\n" for a in ids)
out = subprocess.run(["build/tasnif", "label", "--json", "--input-format", "jsonl"],
                     input=inp.encode(), stdout=subprocess.PIPE, check=True).stdout.decode()
n = 0
with open("build/research/pool.jsonl", "w", encoding="utf-8") as o:
    for line in out.splitlines():
        j = json.loads(line)
        a = arts[j["id"]]
        for s in j["sentences"]:
            if (j["id"], s["start"]) in ann:
                continue
            w = len(s["text"].split())
            if 3 <= w <= 120:
                o.write(json.dumps({"id": "%s:%d" % (j["id"], s["start"]), "article": j["id"],
                                    "outlet": a[0], "section": a[1], "text": s["text"]},
                                   ensure_ascii=False) + "\n"); n += 1
print(n, "pool sentences")
