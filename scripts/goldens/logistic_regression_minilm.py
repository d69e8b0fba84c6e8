"""scikit-learn's LogisticRegression() on real frozen MiniLM features of shared HuffPost headlines
(test/fixtures/logistic_regression_minilm.json, for test/heads/logistic.test.ts).

    /tmp/sk/bin/pip install scikit-learn==1.9.1 torch==2.13.0 transformers
    /tmp/sk/bin/python scripts/goldens/logistic_regression_minilm.py "$MINILM_DIR" \
        ../shared/data/huffpost/News_Category_Dataset_v2.first900-per-category.json \
        > test/fixtures/logistic_regression_minilm.json

Rows: the first 30 records of each of the 41 categories in file order; of each category's 30, the first 20 train
and the last 10 validate (820 / 410). Features: all-MiniLM-L6-v2 (transformers' BertModel), mean pooling over the
attention mask, no normalisation, 128 tokens at most — the project's `--pooling mean`. Stored: the file line of
every row (no headline text: the data stays in shared/), the categories in the order of their label ids, and the
fit of `LogisticRegression()` with every default (lbfgs, C 1, tol 1e-4, max_iter 100) on float64 copies of the
float32 features: validation predictions, accuracy, iterations.
"""
import json
import sys

import numpy as np
import sklearn
import torch
import transformers
from sklearn.linear_model import LogisticRegression

model_dir, data_path = sys.argv[1], sys.argv[2]
PER_CLASS, TRAIN = 30, 20
rows, seen = [], {}
with open(data_path, encoding="utf-8") as f:
    for line_no, line in enumerate(f):
        r = json.loads(line)
        c = r["category"]
        if seen.get(c, 0) < PER_CLASS:
            rows.append((line_no, c, r["headline"], seen.get(c, 0) < TRAIN))
            seen[c] = seen.get(c, 0) + 1
categories = sorted(seen)
label = {c: i for i, c in enumerate(categories)}
tok = transformers.AutoTokenizer.from_pretrained(model_dir)
bert = transformers.AutoModel.from_pretrained(model_dir).eval()
feats = []
with torch.no_grad():
    for s in range(0, len(rows), 64):
        enc = tok([r[2] for r in rows[s : s + 64]], padding=True, truncation=True, max_length=128, return_tensors="pt")
        h = bert(**enc).last_hidden_state
        m = enc["attention_mask"].unsqueeze(-1).float()
        feats.append(((h * m).sum(1) / m.sum(1).clamp(min=1e-9)).numpy())
x = np.concatenate(feats).astype(np.float32).astype(np.float64)
y = np.array([label[r[1]] for r in rows])
is_train = np.array([r[3] for r in rows])
lr = LogisticRegression().fit(x[is_train], y[is_train])
pred = lr.predict(x[~is_train])
print(json.dumps({
    "generator": "scripts/goldens/logistic_regression_minilm.py",
    "versions": {"sklearn": sklearn.__version__, "torch": torch.__version__, "transformers": transformers.__version__},
    "source": "News_Category_Dataset_v2.first900-per-category.json (HuffPost, CC BY 4.0, Rishabh Misra)",
    "categories": categories,
    "lines": [r[0] for r in rows],
    "train": is_train.tolist(),
    "n_iter": int(lr.n_iter_[0]),
    "val_predictions": pred.tolist(),
    "val_accuracy": float((pred == y[~is_train]).mean()),
}))
