"""tasnif -- Arabic text classification, from Python.

A ctypes binding over libtasnif.so (the C library's public API, include/tasnif.h)::

    import tasnif
    m = tasnif.load("stance")                 # a shipped model's name, or a path
    m.classify("نفت موسكو الاتهامات")          # {"label": "denial", "prob": 0.99, ...}
    m.classify(text, k=3, explain=5)          # top labels and the features behind the answer
    tasnif.label(article)                     # topic + the stance of every sentence
    model = tasnif.train("train.tsv", {"solver": "lr", "C": 4})
    model.save("news.model")
    model.evaluate("test.tsv")                # accuracy, macro-F1, per label, ...

The library is found at $TASNIF_LIBRARY, else as libtasnif.so.0 on the loader's path.
Every result is a dict, exactly the JSON the command line prints. Errors raise
tasnif.Error with the library's message. A Model is safe to share between threads.
"""
import ctypes
import json
import os

__all__ = ["Error", "Model", "load", "train", "label", "version"]


class Error(Exception):
    """A failure reported by libtasnif; .code is its status code."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class _Error(ctypes.Structure):
    _fields_ = [("code", ctypes.c_int), ("message", ctypes.c_char * 512)]


class _LabelProb(ctypes.Structure):
    _fields_ = [("label", ctypes.c_char_p), ("prob", ctypes.c_double)]


def _open():
    path = os.environ.get("TASNIF_LIBRARY") or "libtasnif.so.0"
    lib = ctypes.CDLL(path)
    P, S, I, D = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_double
    E = ctypes.POINTER(_Error)
    C = ctypes.c_char_p
    sigs = {
        "tasnif_version": (C, []),
        "tasnif_load": (P, [C, E]),
        "tasnif_train": (P, [C, C, I, E]),
        "tasnif_model_save": (I, [P, C, E]),
        "tasnif_model_free": (None, [P]),
        "tasnif_model_n_labels": (S, [P]),
        "tasnif_model_label": (C, [P, S]),
        "tasnif_model_is_pair": (I, [P]),
        "tasnif_model_info": (P, [P, E]),
        "tasnif_classify": (I, [P, C, S, C, S, ctypes.POINTER(_LabelProb), S,
                                ctypes.POINTER(S), E]),
        "tasnif_classify_json": (P, [P, C, S, C, S, I, I, E]),
        "tasnif_label": (P, [P, P, C, S, D, E]),
        "tasnif_evaluate": (P, [P, C, E]),
        "tasnif_free": (None, [P]),
    }
    for name, (res, args) in sigs.items():
        f = getattr(lib, name)
        f.restype, f.argtypes = res, args
    return lib


_lib = _open()


def _raise(err):
    raise Error(err.code, err.message.decode("utf-8", "replace"))


def _take_json(ptr, err):
    """The JSON string at ptr (freed here) as a Python object; raises on NULL."""
    if not ptr:
        _raise(err)
    try:
        return json.loads(ctypes.string_at(ptr).decode("utf-8"))
    finally:
        _lib.tasnif_free(ptr)


def _bytes(s):
    return s.encode("utf-8") if isinstance(s, str) else s


def version():
    """The library's version, "MAJOR.MINOR.PATCH"."""
    return _lib.tasnif_version().decode()


class Model:
    """A loaded or trained model. Release it with close() (or a with block); it is also
    released when garbage-collected."""

    def __init__(self, handle):
        self._h = handle

    def close(self):
        if self._h:
            _lib.tasnif_model_free(self._h)
            self._h = None

    __del__ = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _handle(self):
        if not self._h:
            raise Error(6, "the model is closed")
        return self._h

    @property
    def labels(self):
        """The model's labels, in its order."""
        h = self._handle()
        return [_lib.tasnif_model_label(h, k).decode() for k in range(_lib.tasnif_model_n_labels(h))]

    @property
    def is_pair(self):
        """True when the model classifies claim/text pairs (classify needs claim=...)."""
        return bool(_lib.tasnif_model_is_pair(self._handle()))

    def info(self):
        """The model's description (labels, support, config, solver, temperature)."""
        err = _Error()
        return _take_json(_lib.tasnif_model_info(self._handle(), ctypes.byref(err)), err)

    def classify(self, text, claim=None, k=1, explain=0):
        """The label of text (with its claim, for a pair model) as the command line's JSON:
        {"label", "prob"}, plus "top" (the k best) when k > 1 and "explain" when explain > 0."""
        t, c = _bytes(text), _bytes(claim)
        err = _Error()
        ptr = _lib.tasnif_classify_json(self._handle(), t, len(t), c, len(c) if c else 0,
                                        int(k), int(explain), ctypes.byref(err))
        return _take_json(ptr, err)

    def top(self, text, k=3, claim=None):
        """The k most probable labels of text as [(label, prob), ...], best first (all of
        them when k exceeds their number). ValueError when k is below 1."""
        k = int(k)
        if k < 1:
            raise ValueError("k must be at least 1, not %d" % k)
        h = self._handle()
        t, c = _bytes(text), _bytes(claim)
        # the buffer and the k the library is told are one number: it writes min(k, labels)
        size = min(k, _lib.tasnif_model_n_labels(h))
        out = (_LabelProb * size)()
        n = ctypes.c_size_t()
        err = _Error()
        if _lib.tasnif_classify(h, t, len(t), c, len(c) if c else 0, out, size,
                                ctypes.byref(n), ctypes.byref(err)) != 0:
            _raise(err)
        return [(out[i].label.decode(), out[i].prob) for i in range(n.value)]

    def evaluate(self, dataset_path):
        """Scores the model on a labeled dataset file (as `tasnif eval --json`)."""
        err = _Error()
        return _take_json(_lib.tasnif_evaluate(self._handle(), _bytes(os.fspath(dataset_path)),
                                               ctypes.byref(err)), err)

    def save(self, path):
        """Writes the model file atomically."""
        err = _Error()
        if _lib.tasnif_model_save(self._handle(), _bytes(os.fspath(path)), ctypes.byref(err)) != 0:
            _raise(err)

    def label(self, article, topic_model=None, min_prob=0.0):
        """Labels an article with this model as the stance model and topic_model (default:
        the shipped "topic") for its topic, as `tasnif label --json`: byte offsets start/end
        into the article's UTF-8."""
        return label(article, stance_model=self, topic_model=topic_model, min_prob=min_prob)


def load(name_or_path):
    """Loads a model file, or a shipped model by name ("stance", "topic")."""
    err = _Error()
    h = _lib.tasnif_load(_bytes(os.fspath(name_or_path)), ctypes.byref(err))
    if not h:
        _raise(err)
    return Model(h)


def train(dataset_path, config=None, threads=0):
    """Trains a model on a dataset file (TSV, JSON lines, fastText lines, or a directory)
    with a config (a dict or a JSON string; keys as `tasnif train --help`)."""
    cfg = json.dumps(config) if isinstance(config, dict) else (config or "")
    err = _Error()
    h = _lib.tasnif_train(_bytes(os.fspath(dataset_path)), _bytes(cfg), int(threads),
                          ctypes.byref(err))
    if not h:
        _raise(err)
    return Model(h)


_shipped = {}


def label(article, stance_model=None, topic_model=None, min_prob=0.0):
    """Labels an article: its topic and the stance of every sentence (attribution, denial,
    other), with the shipped models unless others are given; as `tasnif label --json`."""
    def model(m, name):
        if m is None:
            if name not in _shipped:
                _shipped[name] = load(name)
            return _shipped[name]
        return load(m) if isinstance(m, (str, os.PathLike)) else m

    s, t = model(stance_model, "stance"), model(topic_model, "topic")
    a = _bytes(article)
    err = _Error()
    return _take_json(_lib.tasnif_label(s._handle(), t._handle(), a, len(a), float(min_prob),
                                        ctypes.byref(err)), err)
