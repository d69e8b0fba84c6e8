"""Macro F1 on tiny validation sets that miss most classes (test/fixtures/f1_absent_classes.json; task U, item 4).

scikit-learn's f1_score(y_true, y_pred, average='macro') with labels=None averages over the labels present in
y_true or y_pred (a predicted class absent from y_true counts, with F1 0); with labels= given it averages over
those labels, so classes absent from both count too (F1 0 under zero_division=0). The pipeline's f1_macro is the
first; its per-class F1 (report.json f1_per_class) is f1_score(labels=range(C), average=None, zero_division=0).
Each case stores both averages, so a test can tell them apart.

Run with scikit-learn 1.9.1:
    python3 -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn==1.9.1
    /tmp/sk/bin/python scripts/goldens/f1_absent_classes.py > test/fixtures/f1_absent_classes.json
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M


def run(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        v = fn()
    return v, sorted({str(x.message) for x in w})


rng = np.random.default_rng(11)
cases = []
for name, y_true, k in [
    ("41 classes, 7 validation texts of 4 classes", [2, 5, 5, 9, 9, 9, 30], 41),
    ("5 classes, 6 texts of 2 classes", [0, 0, 0, 3, 3, 3], 5),
    ("41 classes, 25 texts of 10 classes", [int(c) for c in rng.choice(10, 25) * 4], 41),
]:
    raw = rng.random((len(y_true), k)) + 0.05
    for i, c in enumerate(y_true):
        if i % 2 == 0:
            raw[i, c] += 1.0  # every other text predicted right; the rest are argmax of noise (often absent classes)
    y_score = raw / raw.sum(1, keepdims=True)
    y_pred = y_score.argmax(1)
    labels = list(range(k))
    out = {"name": name, "classes": k, "y_true": y_true, "y_score": y_score.tolist(), "y_pred": y_pred.tolist()}
    out["labels_present"] = sorted({*y_true, *y_pred.tolist()})
    out["accuracy"] = float(M.accuracy_score(y_true, y_pred))
    v, out["f1_macro_warnings"] = run(lambda: M.f1_score(y_true, y_pred, average="macro"))
    out["f1_macro"] = float(v)
    out["f1_macro_zero_division_0"] = float(M.f1_score(y_true, y_pred, average="macro", zero_division=0))
    out["f1_weighted"] = float(M.f1_score(y_true, y_pred, average="weighted"))
    out["f1_macro_all_labels"] = float(M.f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0))
    out["f1_per_class"] = M.f1_score(y_true, y_pred, labels=labels, average=None, zero_division=0).tolist()
    cases.append(out)

print(json.dumps({"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": cases}, indent=1))
