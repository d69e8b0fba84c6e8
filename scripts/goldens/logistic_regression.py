"""Golden fits of scikit-learn's LogisticRegression for lib/heads/logistic.ts
(test/fixtures/logistic_regression.json).

Run with scikit-learn 1.9.1 (numpy 2.x):
    python3 -m venv /tmp/sk && /tmp/sk/bin/pip install scikit-learn==1.9.1
    /tmp/sk/bin/python scripts/goldens/logistic_regression.py > test/fixtures/logistic_regression.json

Data: 4 overlapping Gaussian classes in 6-D, imbalanced (60/40/30/20 training rows), plus 40 test rows;
values are rounded to float32 (our features are float32) and passed to scikit-learn as float64.
Every case is fitted to the exact optimum (tol 1e-10, max_iter 10000) so that the golden does not
depend on where scikit-learn's default stopping rule (tol 1e-4, max_iter 100) happens to stop; the
objective is the one `LogisticRegression(solver='lbfgs')` minimises:
    [sum_i s_i * log_loss_i + ||coef||^2 / (2C)] / sum_i s_i,  s_i = sample_weight_i * class_weight[y_i].
Also recorded: the default `LogisticRegression()` fit's predictions (for the accuracy check), and
`LogisticRegressionCV(Cs, scoring='neg_log_loss')` on stored StratifiedKFold folds: the mean held-out log loss
of every C, the chosen C and the refit; and `LogisticRegression(C)` on every training row for each of those Cs
(`refit_by_C`), the final fit whichever C a search on a subsample of the rows chooses.
"""
import json

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold

rng = np.random.default_rng(11)
counts = [60, 40, 30, 20]
centers = rng.normal(0, 1.2, (4, 6))
y = np.repeat(np.arange(4), counts)
x = (centers[y] + rng.normal(0, 1.0, (len(y), 6)) * np.array([1, 2, 0.5, 1, 3, 1])).astype(np.float32)
y_test = rng.integers(0, 4, 40)
x_test = (centers[y_test] + rng.normal(0, 1.0, (40, 6)) * np.array([1, 2, 0.5, 1, 3, 1])).astype(np.float32)
sample_weight = rng.uniform(0.2, 2.0, len(y)).round(3)


def objective(model, X, yy, sw):
    """The scaled objective scikit-learn's lbfgs minimises, at the fitted coefficients."""
    p = model.predict_proba(X)
    s = np.ones(len(yy)) if sw is None else sw
    if isinstance(model.class_weight, dict):
        s = s * np.array([model.class_weight[v] for v in yy])
    elif model.class_weight == "balanced":
        classes, cnt = np.unique(yy, return_counts=True)
        w = dict(zip(classes, len(yy) / (len(classes) * cnt)))
        s = s * np.array([w[v] for v in yy])
    ll = log_loss(yy, p, sample_weight=s, labels=model.classes_, normalize=False)
    return (ll + (model.coef_ ** 2).sum() / (2 * model.C)) / s.sum()


def case(name, X, yy, Xt, yt, C=1.0, class_weight=None, sw=None):
    exact = LogisticRegression(C=C, class_weight=class_weight, tol=1e-10, max_iter=10000)
    exact.fit(X.astype(np.float64), yy, sample_weight=sw)
    default = LogisticRegression(C=C, class_weight=class_weight).fit(X.astype(np.float64), yy, sample_weight=sw)
    return {
        "name": name,
        "C": C,
        "class_weight": class_weight if not isinstance(class_weight, dict) else [class_weight[k] for k in sorted(class_weight)],
        "sample_weight": None if sw is None else sw.tolist(),
        "train_rows": len(yy),
        "labels": yy.tolist(),
        "test_labels": yt.tolist(),
        "classes": exact.classes_.tolist(),
        "coef": exact.coef_.tolist(),
        "intercept": exact.intercept_.tolist(),
        "n_iter": int(exact.n_iter_[0]),
        "objective": float(objective(exact, X.astype(np.float64), yy, sw)),
        "proba_train": exact.predict_proba(X.astype(np.float64)).tolist(),
        "proba_test": exact.predict_proba(Xt.astype(np.float64)).tolist(),
        "predict_test": exact.predict(Xt.astype(np.float64)).tolist(),
        "accuracy_test": float((exact.predict(Xt.astype(np.float64)) == yt).mean()),
        "default_fit": {
            "n_iter": int(default.n_iter_[0]),
            "predict_test": default.predict(Xt.astype(np.float64)).tolist(),
            "accuracy_test": float((default.predict(Xt.astype(np.float64)) == yt).mean()),
        },
    }


binary = np.isin(y, [0, 2])
binary_t = np.isin(y_test, [0, 2])
out = {
    "sklearn_version": sklearn.__version__,
    "generator": "scripts/goldens/logistic_regression.py",
    "x": x.astype(np.float64).tolist(),
    "x_test": x_test.astype(np.float64).tolist(),
    "cases": [
        case("multinomial, C=1", x, y, x_test, y_test),
        case("multinomial, class_weight='balanced'", x, y, x_test, y_test, class_weight="balanced"),
        case("multinomial, class_weight per class", x, y, x_test, y_test, class_weight={0: 1.0, 1: 2.0, 2: 0.5, 3: 3.0}),
        case("multinomial, sample_weight, C=0.1", x, y, x_test, y_test, C=0.1, sw=sample_weight),
        case("multinomial, C=100 (weak penalty)", x, y, x_test, y_test, C=100.0),
        case("binomial (labels 0 and 2), C=1", x[binary], y[binary], x_test[binary_t], y_test[binary_t]),
    ],
}
# C by 5-fold CV on log loss (LogisticRegressionCV), on scikit-learn's own stratified folds (stored).
folds = [test.tolist() for _, test in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y)]
cv_cs = [0.01, 0.1, 1.0, 10.0]
cv = LogisticRegressionCV(Cs=cv_cs, cv=[(np.setdiff1d(np.arange(len(y)), f), np.array(f)) for f in folds],
                          scoring="neg_log_loss", tol=1e-10, max_iter=10000).fit(x.astype(np.float64), y)
out["cv"] = {
    "Cs": cv_cs,
    "folds": folds,
    "cv_log_loss": (-np.mean(cv.scores_[0], axis=0)).tolist(),
    "chosen_C": float(cv.C_[0]),
    "coef": cv.coef_.tolist(),
    "intercept": cv.intercept_.tolist(),
}
# The final fit on every row at each candidate C: whatever C a search on a subsample picks, the refit is one of these.
out["cv"]["refit_by_C"] = []
for c_value in cv_cs:
    m = LogisticRegression(C=c_value, tol=1e-10, max_iter=10000).fit(x.astype(np.float64), y)
    out["cv"]["refit_by_C"].append({"C": c_value, "coef": m.coef_.tolist(), "intercept": m.intercept_.tolist()})
out["binary_rows"] = np.flatnonzero(binary).tolist()
out["binary_test_rows"] = np.flatnonzero(binary_t).tolist()
print(json.dumps(out))
