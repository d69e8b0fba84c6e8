"""scikit-learn's LogisticRegression() on the features scripts/experiments/recipe.ts dumped (<out>/<name>.f32/.json).

    /work/venv-recipe/bin/python scripts/experiments/sklearn_heads.py runs/exp-50/frozen-features [C ...]

Fits `LogisticRegression(C=C)` with every other setting at its default (lbfgs, tol 1e-4, max_iter 100) on the
training rows — the check of issue 14 ("within 1 point of LogisticRegression() on the same features") — and,
for reference, the same at max_iter 10000 (converged); MAX_ITERS=100 runs only the first. Features are float32, passed as float64 (as our fit sees
them). Prints one JSON line per fit: validation log loss, accuracy, macro F1, iterations, seconds.
"""
import json
import os
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, log_loss

base = sys.argv[1]
Cs = [float(c) for c in sys.argv[2:]] or [1.0]
meta = json.load(open(base + ".json"))
x = np.fromfile(base + ".f32", dtype=np.float32).reshape(meta["rows"], meta["cols"]).astype(np.float64)
y = np.array(meta["labels"])
tr, va = np.array(meta["train"]), np.array(meta["val"])
for C in Cs:
    for max_iter in [int(v) for v in os.environ.get("MAX_ITERS", "100,10000").split(",")]:
        t0 = time.time()
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always", ConvergenceWarning)
            m = LogisticRegression(C=C, max_iter=max_iter).fit(x[tr], y[tr])
        sec = time.time() - t0
        p = m.predict_proba(x[va])
        pred = m.classes_[p.argmax(1)]
        print(json.dumps({
            "features": base, "sklearn": sklearn.__version__, "C": C, "max_iter": max_iter,
            "n_iter": int(m.n_iter_[0]), "converged": not any(issubclass(x.category, ConvergenceWarning) for x in w),
            "val_loss": log_loss(y[va], p, labels=m.classes_), "accuracy": accuracy_score(y[va], pred),
            "f1_macro": f1_score(y[va], pred, average="macro", zero_division=0), "seconds": round(sec, 2),
        }))
