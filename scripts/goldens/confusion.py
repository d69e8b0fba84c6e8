"""Golden values for lib/metrics/confusion-order.ts and confusion-pairs.ts (test/fixtures/confusion.json).

Run with scikit-learn 1.9.1 and SciPy 1.17:
    python3 -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn==1.9.1 scipy==1.17.1
    /tmp/sk/bin/python scripts/goldens/confusion.py > test/fixtures/confusion.json

- "order": a 15 x 15 block-structured confusion with continuous (tie-free) entries, its distance
  1 - (R + R^T) / 2 (R the row-normalised confusion, diagonal 0), SciPy's average-linkage merge heights
  and leaf order (scipy.cluster.hierarchy.linkage(squareform(D), 'average') and leaves_list).
- "pairs": scikit-learn's confusion_matrix of 2,000 seeded predictions over 41 classes with look-alike
  pairs, and its 10 most-confused (true, predicted) pairs ranked by count, then share of the true
  class, then true index, then predicted index (numpy lexsort).
"""
import json
import sys

import numpy as np
import scipy
import sklearn
from scipy.cluster.hierarchy import leaves_list, linkage
from scipy.spatial.distance import squareform
from sklearn.metrics import confusion_matrix

rng = np.random.default_rng(17)


def distance(cm):
    totals = cm.sum(axis=1, keepdims=True)
    r = np.divide(cm, totals, out=np.zeros_like(cm, dtype=float), where=totals > 0)
    s = (r + r.T) / 2
    d = 1 - s
    np.fill_diagonal(d, 0)
    return d


# 15 classes in blocks of sizes 4, 5, 6, shuffled so that the blocks are not contiguous in input order.
blocks = np.repeat([0, 1, 2], [4, 5, 6])
perm = rng.permutation(15)
block_of = blocks[perm]
order_cm = rng.uniform(0.0, 2.0, (15, 15))
order_cm += 25.0 * (block_of[:, None] == block_of[None, :]) * rng.uniform(0.5, 1.5, (15, 15))
order_cm[np.arange(15), np.arange(15)] += 150.0
d = distance(order_cm)
z = linkage(squareform(d, checks=False), method="average")

# 41 classes; class 2k+1 is a look-alike of class 2k (k < 20): 35% of its texts go there, 10% the other way.
n_classes, n = 41, 2000
y_true = rng.integers(0, n_classes, n)
y_pred = y_true.copy()
u = rng.uniform(size=n)
odd = (y_true % 2 == 1) & (y_true < 40)
y_pred[odd & (u < 0.35)] -= 1
even = (y_true % 2 == 0) & (y_true < 40)
y_pred[even & (u < 0.10)] += 1
noise = u > 0.8
y_pred[noise] = rng.integers(0, n_classes, noise.sum())
cm = confusion_matrix(y_true, y_pred, labels=np.arange(n_classes))
share = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
i, j = np.nonzero((cm > 0) & ~np.eye(n_classes, dtype=bool))
rank = np.lexsort((j, i, -share[i, j], -cm[i, j]))[:10]
pairs = [
    {"true": int(i[k]), "predicted": int(j[k]), "count": int(cm[i[k], j[k]]), "share": float(share[i[k], j[k]])}
    for k in rank
]

json.dump(
    {
        "sklearn_version": sklearn.__version__,
        "scipy_version": scipy.__version__,
        "order": {
            "confusion": order_cm.tolist(),
            "block_of": block_of.tolist(),
            "distance": d.tolist(),
            "heights": z[:, 2].tolist(),
            "leaves": leaves_list(z).tolist(),
        },
        "pairs": {"y_true": y_true.tolist(), "y_pred": y_pred.tolist(), "confusion": cm.tolist(), "top10": pairs},
    },
    sys.stdout,
)
