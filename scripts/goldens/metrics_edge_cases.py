"""Golden values for metric edge cases (test/fixtures/metrics_edge_cases.json).

Run with scikit-learn 1.9.1:
    python3 -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn==1.9.1
    /tmp/sk/bin/python scripts/goldens/metrics_edge_cases.py > test/fixtures/metrics_edge_cases.json
NaN and infinities are written as the strings "nan", "inf", "-inf" (JSON has no such numbers).
"""
import json
import math
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M


def enc(x):
    if isinstance(x, dict):
        return {str(k): enc(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if isinstance(x, np.ndarray):
        return enc(x.tolist())
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    if isinstance(x, np.str_):
        return str(x)
    return x


def run(fn):
    """Call fn, returning (value, sorted distinct warning messages)."""
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        v = fn()
    return v, sorted({str(x.message) for x in w})


def classification_case(name, y_true, y_pred, labels=None, target_names=None):
    out = {"name": name, "y_true": y_true, "y_pred": y_pred}
    if labels is not None:
        out["labels"] = labels
    if target_names is not None:
        out["target_names"] = target_names
    out["accuracy"] = M.accuracy_score(y_true, y_pred)
    out["balanced_accuracy"], out["balanced_accuracy_warnings"] = run(lambda: M.balanced_accuracy_score(y_true, y_pred))
    out["balanced_accuracy_adjusted"], _ = run(lambda: M.balanced_accuracy_score(y_true, y_pred, adjusted=True))
    out["mcc"], _ = run(lambda: M.matthews_corrcoef(y_true, y_pred))
    out["confusion_matrix"], _ = run(lambda: M.confusion_matrix(y_true, y_pred, labels=labels))
    out["confusion_matrix_true"], _ = run(lambda: M.confusion_matrix(y_true, y_pred, labels=labels, normalize="true"))
    prf = {}
    for zd in ["warn", 0, 1, np.nan]:
        key = "nan" if isinstance(zd, float) else str(zd)
        entry = {}
        for avg in [None, "micro", "macro", "weighted"]:
            (p, r, f, s), warns = run(lambda: M.precision_recall_fscore_support(
                y_true, y_pred, labels=labels, average=avg, zero_division=zd))
            entry[str(avg)] = {"precision": p, "recall": r, "f1": f, "support": s, "warnings": warns}
        f1, warns = run(lambda: M.f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=zd))
        entry["f1_macro"] = {"value": f1, "warnings": warns}
        prf[key] = entry
    out["prf"] = prf
    reports = {}
    for digits in [2, 4]:
        for zd in ["warn", 1, np.nan]:
            key = f"{digits}_{'nan' if isinstance(zd, float) else zd}"
            reports[key], _ = run(lambda: M.classification_report(
                y_true, y_pred, labels=labels, target_names=target_names, digits=digits, zero_division=zd))
    out["reports"] = reports
    return out


def roc_case(name, y_true, y_score):
    out = {"name": name, "y_true": y_true, "y_score": y_score}
    for drop in [True, False]:
        (fpr, tpr, th), warns = run(lambda: M.roc_curve(y_true, y_score, drop_intermediate=drop))
        out[f"drop_{drop}"] = {"fpr": fpr, "tpr": tpr, "thresholds": th, "warnings": warns}
    out["roc_auc"], out["roc_auc_warnings"] = run(lambda: M.roc_auc_score(y_true, y_score))
    return out


rng = np.random.default_rng(5)
names41 = [f"CATEGORY {i:02d}" if i % 7 else f"A LONGER CATEGORY NAME {i}" for i in range(41)]
y41 = rng.integers(0, 41, 500)
p41 = np.where(rng.random(500) < 0.6, y41, rng.integers(0, 41, 500))
p41[p41 == 40] = 39  # class 40 never predicted

classification = [
    classification_case("class never predicted", [0, 1, 2, 2, 1, 0, 2, 1], [0, 1, 1, 1, 0, 0, 1, 1]),
    classification_case("class absent from y_true", [0, 0, 1, 1, 0, 1], [0, 2, 1, 1, 2, 0]),
    classification_case("single class, all correct", [1, 1, 1, 1], [1, 1, 1, 1]),
    classification_case("single class zero", [0, 0, 0], [0, 0, 0]),
    classification_case("binary", [0, 1, 1, 0, 1, 1, 0, 0, 1, 1], [0, 1, 0, 0, 1, 1, 1, 0, 1, 0]),
    classification_case("label subset", [0, 1, 2, 3, 3, 2, 1, 0, 2, 2], [0, 2, 2, 3, 1, 2, 1, 0, 0, 2], labels=[3, 1, 2]),
    classification_case("label with no samples", [0, 1, 0, 1], [0, 1, 1, 1], labels=[0, 1, 5]),
    classification_case("string labels", ["cat", "dog", "cat", "bird", "dog", "dog"], ["cat", "cat", "cat", "bird", "dog", "bird"],
                        target_names=["Bird", "Cat", "Dog (canis familiaris)"]),
    classification_case("41 classes", y41.tolist(), p41.tolist(), target_names=names41),
    classification_case("round half even", [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1],
                        [0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
]

ties = rng.integers(0, 4, 40) / 4.0
roc = [
    roc_case("ties in scores", (rng.random(40) < 0.5).astype(int).tolist(), ties.tolist()),
    roc_case("all scores equal", [0, 1, 0, 1, 1], [0.5, 0.5, 0.5, 0.5, 0.5]),
    roc_case("perfect separation", [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]),
    roc_case("no positives", [0, 0, 0], [0.1, 0.4, 0.3]),
    roc_case("minus one plus one", [-1, 1, -1, 1, 1, -1], [0.3, 0.9, 0.3, 0.1, 0.9, 0.5]),
    roc_case("collinear points", [1, 1, 1, 0, 0, 0, 1, 0], [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]),
]

# Multiclass ROC with a class absent from y_true (labels given) and ties.
raw = rng.integers(1, 5, (30, 4)).astype(float)
probs = raw / raw.sum(1, keepdims=True)
y_mc = rng.integers(0, 3, 30)  # class 3 never occurs
mc = {"y_true": y_mc, "y_score": probs, "labels": [0, 1, 2, 3]}
for avg in ["macro", "weighted", "micro", None]:
    mc[f"roc_auc_{avg}"], mc[f"roc_auc_{avg}_warnings"] = run(
        lambda: M.roc_auc_score(y_mc, probs, multi_class="ovr", average=avg, labels=[0, 1, 2, 3]))

print(json.dumps(enc({"sklearn_version": sklearn.__version__, "classification": classification, "roc": roc,
                      "multiclass_roc": mc}), indent=None))
