"""Step 2 of the bootstrap golden (test/fixtures/bootstrap.json); step 1 is scripts/goldens/bootstrap_resamples.ts.

Reads the fixture (labels, two classifiers' predictions and the resample indices our TypeScript drew), computes
accuracy and macro F1 (scikit-learn's f1_score(average='macro', zero_division=0)) on every resample, and the 95%
percentile intervals with numpy's default method: np.percentile(values, [2.5, 97.5]) (method='linear').
Also the paired differences A - B on the same resamples, and a few plain np.percentile values.
Run with scikit-learn 1.9.1 / numpy 2.x:
    /tmp/sk/bin/python scripts/goldens/bootstrap.py test/fixtures/bootstrap.json
The file is rewritten in place with an "expected" key.
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.metrics import accuracy_score, f1_score

path = sys.argv[1]
with open(path) as f:
    d = json.load(f)
y = np.array(d["y_true"])
a = np.array(d["y_pred_a"])
b = np.array(d["y_pred_b"])
res = np.array(d["resamples"])
metrics = {
    "accuracy": lambda t, p: accuracy_score(t, p),
    "f1_macro": lambda t, p: f1_score(t, p, average="macro", zero_division=0),
}
expected = {"numpy_version": np.__version__, "sklearn_version": sklearn.__version__, "percentile_method": "linear"}
for name, m in metrics.items():
    sa = np.array([m(y[i], a[i]) for i in res])
    sb = np.array([m(y[i], b[i]) for i in res])
    for key, stats, est in [("a", sa, m(y, a)), ("b", sb, m(y, b)), ("a_minus_b", sa - sb, m(y, a) - m(y, b))]:
        lo, hi = np.percentile(stats, [2.5, 97.5])
        expected[f"{name}_{key}"] = {"estimate": float(est), "low": float(lo), "high": float(hi)}
    expected[f"{name}_a_distribution"] = sa.tolist()
values = np.random.default_rng(3).normal(size=37)
expected["percentile_values"] = values.tolist()
expected["percentiles"] = {str(q): float(np.percentile(values, q)) for q in [0, 2.5, 25, 50, 97.5, 99.9, 100]}
d["expected"] = expected
with open(path, "w") as f:
    json.dump(d, f)
    f.write("\n")
