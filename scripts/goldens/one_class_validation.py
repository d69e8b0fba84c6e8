"""The report's summary metrics on a validation split that holds one class (test/fixtures/one_class_validation.json).

Issue 13, case 6: every metric scikit-learn defines is reported; ROC AUC is NaN with scikit-learn's warning.
The AUCs of `summarize` are one-vs-rest over the classes present in y_true, so with one class present each
is scikit-learn's binary roc_auc_score of that class's column: NaN, "Only one class is present in y_true.
ROC AUC score is not defined in that case."

Run with scikit-learn 1.9.1:
    python3 -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn==1.9.1
    /tmp/sk/bin/python scripts/goldens/one_class_validation.py > test/fixtures/one_class_validation.json
NaN is written as the string "nan".
"""
import json
import math
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M


def run(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        v = fn()
    return v, sorted({str(x.message) for x in w})


def num(x):
    x = float(x)
    return "nan" if math.isnan(x) else x


rng = np.random.default_rng(13)
cases = []
for name, y_true, k in [
    ("4 sports texts, 3 classes", [1, 1, 1, 1], 3),
    ("one text", [2], 4),
    ("41 classes, 25 texts of one class", [7] * 25, 41),
]:
    raw = rng.random((len(y_true), k)) + 0.05
    raw[::2, y_true[0]] += 1.0  # every other text predicted right
    y_score = raw / raw.sum(1, keepdims=True)
    y_pred = y_score.argmax(1)
    out = {"name": name, "y_true": y_true, "y_score": y_score.tolist(), "y_pred": y_pred.tolist()}
    out["accuracy"] = num(M.accuracy_score(y_true, y_pred))
    v, out["balanced_accuracy_warnings"] = run(lambda: M.balanced_accuracy_score(y_true, y_pred))
    out["balanced_accuracy"] = num(v)
    v, out["f1_macro_warnings"] = run(lambda: M.f1_score(y_true, y_pred, average="macro"))
    out["f1_macro"] = num(v)
    v, out["f1_weighted_warnings"] = run(lambda: M.f1_score(y_true, y_pred, average="weighted"))
    out["f1_weighted"] = num(v)
    present = sorted(set(y_true))
    c = present[0]
    v, out["roc_auc_warnings"] = run(lambda: M.roc_auc_score(np.array(y_true) == c, y_score[:, c]))
    out["roc_auc"] = num(v)
    cases.append(out)

print(json.dumps({"sklearn_version": sklearn.__version__, "cases": cases}))
