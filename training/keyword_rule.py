#!/usr/bin/env python3
"""keyword_rule.py -- the keyword baseline for sentence stance, written once from
datasets/news_stance/GUIDELINES.md before the real test split was labelled, and never changed
after: a denial cue makes `denial`, else an accusation cue makes `attribution`, else `other`.

  keyword_rule.py FILE.jsonl [...]   score the rule on labelled sentences ({"label", "text"})

It is the floor a learned model has to clear: it sees words, not meaning.
"""
import json
import re
import sys

TASHKEEL = re.compile("[\u064B-\u0652\u0640]")
DENIAL = re.compile(
    r"\b(و|ف)?(نفى|نفت|نفوا|ينفي|تنفي|ينفون|نفي)\b|(رفض|ترفض|يرفض).{0,40}(الاتهام|المزاعم|الادعاء)"
    r"|عار(يه)? عن الصحه|لا اساس له|لا علاقه ل|لا صله ل|باطله|كاذبه|(انكر|ينكر|تنكر)"
    r"|(مفبرك|ملفق|افتراء|اكاذيب|مسيس|تضليل)|ضحيه"
    r"|(الاتهام|المزاعم|الادعاء).{0,60}(دوافع سياسيه|دليل|ادله|غير مسؤول)"
    r"|(وصف|وصفت|اعتبر|اعتبرت).{0,40}(الاتهام|المزاعم|الادعاء)")
ATTRIB = re.compile(
    r"\b(و|ف)?(اتهم|اتهمت|يتهم|تتهم|اتهموا|يتهمون)\b|\b(و|ف)?(حمل|حملت|يحمل|تحمل)\S* .{0,30}المسؤوليه"
    r"|(يقف|تقف|يقفون|الوقوف) وراء|مسؤوليته عن|مسؤوليتها عن|(تبنى|تبنت|يتبنى)|ارتكبت|ارتكبها|ارتكبه"
    r"|بتهمه|متهم(ه|ين|ون)? ب|نسب|ضلوع|تورط|(المسؤول|مسؤوله|مسؤولون) عن|على يد"
    r"|(شنها|شنتها|نفذها|نفذته|نفذتها)|مرتبط(ه)? ب|(المشتبه|يشتبه|يعتقد|يرجح)")


def fold(t):
    return TASHKEEL.sub("", t).translate(str.maketrans("أإآٱىة", "اااايه"))


def rule(text):
    t = fold(text)
    if DENIAL.search(t):
        return "denial"
    if ATTRIB.search(t):
        return "attribution"
    return "other"


def scores(gold, pred, labels=("attribution", "denial", "other")):
    out = {}
    for lab in labels:
        tp = sum(g == lab and p == lab for g, p in zip(gold, pred))
        fp = sum(g != lab and p == lab for g, p in zip(gold, pred))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred))
        pr = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        out[lab] = (pr, rc, 2 * pr * rc / (pr + rc) if pr + rc else 0.0, tp + fn)
    acc = sum(g == p for g, p in zip(gold, pred)) / len(gold)
    return acc, sum(v[2] for v in out.values()) / len(labels), out


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for path in sys.argv[1:]:
        recs = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
        acc, f1, per = scores([r["label"] for r in recs], [rule(r["text"]) for r in recs])
        print("%s: keyword rule accuracy %.4f macro-F1 %.4f (%d sentences)"
              % (path, acc, f1, len(recs)))
        for lab, (p, r, f, n) in per.items():
            print("  %-12s P %.3f R %.3f F1 %.3f support %d" % (lab, p, r, f, n))
