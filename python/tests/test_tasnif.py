"""The Python binding against libtasnif.so and the command line: same answers, same models.

Environment: TASNIF_LIBRARY (the library), TASNIF_MODELS (the shipped models), TASNIF_CLI
(the tasnif binary the answers are compared with). Run from the repository's top directory.
"""
import json
import os
import subprocess
import threading

import pytest

import tasnif

CLI = os.environ.get("TASNIF_CLI", "build/tasnif")
ARTICLE = "tests/data/article.txt"
TINY = "tests/data/tiny.tsv"


def cli(*args, stdin=None):
    r = subprocess.run([CLI, *args], input=stdin, stdout=subprocess.PIPE, check=True)
    return r.stdout.decode()


def test_version_is_the_command_lines():
    assert cli("--version").split()[1] == tasnif.version()


def test_a_shipped_model_loads_by_name():
    m = tasnif.load("stance")
    assert m.labels == ["attribution", "denial", "other"]
    assert not m.is_pair
    assert m.info()["labels"][0]["label"] == "attribution"


def test_classify_answers_as_the_command_line_does():
    m = tasnif.load("stance")
    text = "نفت موسكو الاتهامات البريطانية بالوقوف وراء الهجوم"
    want = json.loads(cli("classify", "-m", "stance", "-k", "2", "--explain", "3",
                          stdin=text.encode()))
    assert m.classify(text, k=2, explain=3) == want
    top = m.top(text, k=3)
    assert [l for l, _ in top][0] == want["label"]
    assert top[0][1] >= top[1][1] >= top[2][1]


def test_top_refuses_k_below_one_and_caps_k_at_the_labels():
    m = tasnif.load("stance")
    text = "نفت موسكو الاتهامات"
    for k in (-1, 0, -2**63):
        with pytest.raises(ValueError, match="k must be at least 1"):
            m.top(text, k=k)
    assert len(m.top(text, k=1)) == 1
    everything = m.top(text, k=2**70)
    assert sorted(l for l, _ in everything) == m.labels
    assert everything == m.top(text, k=len(m.labels))


def test_label_gives_the_command_lines_article_json():
    article = open(ARTICLE, encoding="utf-8").read()
    want = json.loads(cli("label", "-i", ARTICLE, "--json"))
    got = tasnif.label(article)
    assert got == want
    s = got["sentences"][1]
    assert article.encode()[s["start"]:s["end"]].decode() == s["text"]


def test_train_save_load_and_evaluate(tmp_path):
    m = tasnif.train(TINY, {"min_df": 1, "solver": "lr"}, threads=2)
    path = tmp_path / "tiny.model"
    m.save(path)
    subprocess.run([CLI, "train", "-q", "-i", TINY, "--min-df", "1", "--solver", "lr",
                    "-o", str(tmp_path / "cli.model")], check=True)
    assert path.read_bytes() == (tmp_path / "cli.model").read_bytes()
    again = tasnif.load(path)
    assert again.labels == m.labels
    ev = again.evaluate(TINY)
    assert ev["n"] > 0 and 0 <= ev["accuracy"] <= 1


def test_training_is_deterministic_for_any_thread_count(tmp_path):
    a, b = tmp_path / "a.model", tmp_path / "b.model"
    tasnif.train(TINY, {"min_df": 1}, threads=1).save(a)
    tasnif.train(TINY, {"min_df": 1}, threads=3).save(b)
    assert a.read_bytes() == b.read_bytes()


def test_errors_raise_with_the_librarys_message(tmp_path):
    with pytest.raises(tasnif.Error, match="no-such.model"):
        tasnif.load(tmp_path / "no-such.model")
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tone\n", encoding="utf-8")
    with pytest.raises(tasnif.Error):
        tasnif.train(bad, {"min_df": 1})
    with pytest.raises(tasnif.Error, match="config"):
        tasnif.train(TINY, '{"C": "many"}')


def test_a_model_is_shared_between_threads():
    m = tasnif.load("stance")
    texts = ["نفت موسكو الاتهامات", "اتهمت واشنطن بكين بالقرصنة", "فاز الفريق بالمباراة"] * 20
    want = [m.classify(t) for t in texts]
    got = [None] * len(texts)

    def work(i0):
        for i in range(i0, len(texts), 4):
            got[i] = m.classify(texts[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == want
