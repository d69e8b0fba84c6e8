"""Golden values for lib/embeddings (test/fixtures/embeddings.json).

Run with scikit-learn 1.9.1:
    /tmp/sk/bin/python scripts/goldens/embeddings.py > test/fixtures/embeddings.json
Three Gaussian blobs in 6-D (60 points) and 40 points in 80-D: PCA coordinates
(sklearn's sign convention), explained variance ratios, silhouette scores
(euclidean and cosine) and per-sample silhouettes, leave-one-out and
train->test k-NN accuracy with cosine distance.
"""
import json

import numpy as np
import sklearn
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_samples, silhouette_score
from sklearn.neighbors import KNeighborsClassifier

rng = np.random.default_rng(7)
centers = rng.normal(0, 3, (3, 6))
labels = np.repeat([0, 1, 2], 20)
x = centers[labels] + rng.normal(0, 4.0, (60, 6))
wide = rng.normal(0, 1, (40, 80)) * np.linspace(3, 0.1, 80)

out = {"sklearn_version": sklearn.__version__, "x": x.tolist(), "labels": labels.tolist(), "wide": wide.tolist()}
for name, data in [("x", x), ("wide", wide)]:
    p = PCA(n_components=2, svd_solver="full").fit(data)
    out[f"pca_{name}"] = {
        "coordinates": p.transform(data).tolist(),
        "components": p.components_.tolist(),
        "explained_variance": p.explained_variance_.tolist(),
        "explained_variance_ratio": p.explained_variance_ratio_.tolist(),
    }
labels_str = np.array(["a", "b", "c"])[labels]
for metric in ["euclidean", "cosine"]:
    out[f"silhouette_{metric}"] = float(silhouette_score(x, labels, metric=metric))
    out[f"silhouette_samples_{metric}"] = silhouette_samples(x, labels, metric=metric).tolist()
# A singleton cluster gets silhouette 0.
lab2 = labels.copy()
lab2[0] = 3
out["silhouette_singleton"] = float(silhouette_score(x, lab2))
out["labels_singleton"] = lab2.tolist()

# Train -> test k-NN (cosine, k=5, uniform weights): first 45 train, last 15 test (shuffled order).
perm = rng.permutation(60)
tr, te = perm[:45], perm[45:]
knn = KNeighborsClassifier(n_neighbors=5, metric="cosine", algorithm="brute").fit(x[tr], labels[tr])
out["knn_train_idx"] = tr.tolist()
out["knn_test_idx"] = te.tolist()
out["knn_accuracy_cosine_k5"] = float(knn.score(x[te], labels[te]))
print(json.dumps(out))
