"""Which C would cross-validation on the TRAINING rows choose? scikit-learn's LogisticRegressionCV by log loss.

    /work/venv-recipe/bin/python scripts/experiments/sklearn_cv.py runs/exp-50/frozen-features

Stratified 5-fold CV over Cs = 0.01, 0.03, 0.1, 0.3, 1, 3 (scoring 'neg_log_loss', the default from scikit-learn
1.11), refit on all training rows with the chosen C; prints the chosen C, the CV log loss per C, and the
validation log loss / accuracy / macro F1 of the refit (validation rows are not used to choose).
"""
import json
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegressionCV
from sklearn.metrics import accuracy_score, f1_score, log_loss
from sklearn.model_selection import StratifiedKFold

base = sys.argv[1]
meta = json.load(open(base + ".json"))
x = np.fromfile(base + ".f32", dtype=np.float32).reshape(meta["rows"], meta["cols"]).astype(np.float64)
y = np.array(meta["labels"])
tr, va = np.array(meta["train"]), np.array(meta["val"])
Cs = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0]
t0 = time.time()
m = LogisticRegressionCV(Cs=Cs, cv=StratifiedKFold(5, shuffle=True, random_state=0), scoring="neg_log_loss",
                         max_iter=1000).fit(x[tr], y[tr])
p = m.predict_proba(x[va])
pred = m.classes_[p.argmax(1)]
scores = np.mean(next(iter(m.scores_.values())), axis=0)
print(json.dumps({
    "features": base, "chosen_C": float(m.C_[0]), "cv_log_loss": {str(c): float(-s) for c, s in zip(Cs, scores)},
    "val_loss": log_loss(y[va], p, labels=m.classes_), "accuracy": accuracy_score(y[va], pred),
    "f1_macro": f1_score(y[va], pred, average="macro", zero_division=0), "seconds": round(time.time() - t0, 1),
}))
