#!/usr/bin/env python3
"""The study's whole pipeline in Python (PyTorch + sentence-transformers + scikit-learn): the peer of
`npm run compare-peer` (scripts/compare-peer.ts), which runs our TypeScript pipeline first, then this on the SAME
data, split, batches and settings, and compares the stages' wall times.

    .cache/peer/venv/bin/python scripts/peer/pipeline.py --input <run>/peer/input.json --out <run>/peer

The input (written by compare-peer from our run folder) names the data file, our `split.json` (dataset rows as
the file's lines, labels, train/validation/balanced rows, a hash of the texts), the settings of our
`report.json` and every training stage's batches (positions into the train/validation rows, per epoch, as our
samplers drew them, so both sides do the same steps on the same rows). Each stage is written the way a Python
user of these libraries would write it:

- siamese: a SentenceTransformer (Transformer -> Pooling -> Dense 64 relu -> Dense 64 -> Normalize) trained with
  sentence-transformers' BatchSemiHardTripletLoss (Euclidean, margin) and Adam (Keras' epsilon 1e-7, as ours),
  batches tokenized as they come (padding to the longest), validation loss every epoch, a checkpoint (model and
  Adam) every epoch, the best epoch's weights kept, the model saved;
- frozen / siamese classifier: `encode` of every text (sentence-transformers sorts by length), a Linear softmax
  head trained on the features with class-weighted cross-entropy (Keras' sum over the batch / batch size);
- trained: Transformer -> Pooling -> Linear trained end to end on token batches;
- evaluate: probabilities on the validation rows (the balanced sample's rows are validation rows, predicted once),
  scikit-learn's metrics, the siamese embeddings of train and validation as projector TSV, and scikit-learn's
  10-NN accuracy (cosine, brute force).

Writes <out>/report.json: per-stage wall times, the results, each training's losses, versions, threads.
"""
import argparse
import hashlib
import json
import os
import resource
import sys
import time

T_START = time.perf_counter()


def log(msg):
    print(f"[peer] {msg}", file=sys.stderr, flush=True)


TEXT_PRESETS = {"headline": ["headline"], "headline+description": ["headline", "short_description"]}


def js_length(text):
    """JavaScript's String length (UTF-16 code units), as our texts hash counts it."""
    return len(text.encode("utf-16-le")) // 2


def texts_sha256(texts):
    h = hashlib.sha256()
    for t in texts:
        h.update(f"{js_length(t)}:{t}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def load_texts(data, split):
    """The dataset's texts from the data file's lines, as our loader built them (checked against its hash)."""
    fmt = data.get("format") or ("jsonl" if not data["path"].endswith((".csv", ".tsv")) else None)
    if fmt not in ("jsonl", "json"):
        raise SystemExit(f"pipeline.py: the peer reads JSON lines (HuffPost); '{data['path']}' is {fmt}")
    with open(data["path"], encoding="utf-8-sig") as f:
        lines = f.read().split("\n")
    fields = TEXT_PRESETS.get(data["text"]) or [s.strip() for s in data["text"].split("+")]
    texts = []
    for line in split["lines"]:
        rec = json.loads(lines[line - 1].rstrip("\r"))
        texts.append(". ".join(str(rec[f]) for f in fields))
    if texts_sha256(texts) != split["texts_sha256"]:
        raise SystemExit("pipeline.py: the texts built from the data file differ from our run's (texts_sha256)")
    return texts


class Stopwatch:
    def __init__(self):
        self.timings = {}

    def __call__(self, name):
        sw = self

        class Block:
            def __enter__(self):
                self.t0 = time.perf_counter()
                log(f"stage {name}")

            def __exit__(self, *exc):
                sw.timings[name] = round(time.perf_counter() - self.t0, 1)

        return Block()


def adam(params, lr):
    import torch

    return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-7)


def weighted_ce(logits, labels, weights):
    """Keras' sparse categorical cross-entropy with class_weight: sum of weighted losses / batch size."""
    import torch.nn.functional as F

    per = F.cross_entropy(logits, labels, reduction="none")
    if weights is not None:
        per = per * weights[labels]
    return per.sum() / labels.shape[0]


def HfPooler(auto_model):
    """The model's own pooler on the first token (BERT: dense + tanh; ALBERT: pooler + pooler_activation), as our
    --pooling pooler and transformers' pooler_output; sentence-transformers' Pooling has no such mode."""
    import torch

    class Pooler(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = [auto_model]  # shared with the Transformer module, not a second copy of its weights

        def forward(self, features):
            first = features["token_embeddings"][:, 0]
            m = self.model[0]
            if hasattr(m, "pooler_activation"):  # ALBERT
                pooled = m.pooler_activation(m.pooler(first))
            else:  # BERT family: BertPooler takes the hidden states and picks the first token itself
                pooled = m.pooler(features["token_embeddings"])
            features["sentence_embedding"] = pooled
            return features

    return Pooler()


class Peer:
    def __init__(self, spec, out):
        import numpy as np
        import torch

        self.spec = spec
        self.out = out
        self.s = spec["settings"]
        with open(spec["split"], encoding="utf-8") as f:
            self.split = json.load(f)
        self.texts = load_texts(spec["data"], self.split)
        self.labels = np.array(self.split["labels"], dtype=np.int64)
        self.train_rows = np.array(self.split["rows"]["train"], dtype=np.int64)
        self.val_rows = np.array(self.split["rows"]["val"], dtype=np.int64)
        self.balanced_rows = np.array(self.split["rows"]["balanced"], dtype=np.int64)
        self.classes = len(self.split["categories"])
        cw = self.s.get("class_weights")
        self.class_weights = None if cw is None else torch.tensor(cw, dtype=torch.float32)
        self.training = {}
        torch.manual_seed(self.s["seed"])

    # --- models ----------------------------------------------------------------------------------------------
    def encoder_modules(self, path):
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer

        transformer = Transformer(path, max_seq_length=self.s["max_length"], tokenizer_name_or_path=self.s["tokenizer"])
        dim = transformer.auto_model.config.hidden_size
        if self.s["pooling"] == "pooler":
            return transformer, HfPooler(transformer.auto_model), dim
        return transformer, Pooling(dim, pooling_mode=self.s["pooling"]), dim

    def sentence_model(self, modules):
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(modules=modules, device="cpu")

    def batch_texts(self, rows):
        return [self.texts[i] for i in rows]

    # --- the generic training loop (epochs of given batches, validation, checkpoint, best epoch) ---------------
    def fit(self, stage, model, loss_of, params, lr, rows_train, rows_val):
        import copy

        import torch

        spec = self.spec["stages"][stage]
        opt = adam(params, lr)
        folder = os.path.join(self.out, stage)
        os.makedirs(folder, exist_ok=True)
        history, best, best_state = [], (float("inf"), 0), None
        for epoch, batches in enumerate(spec["train_batches"]):
            t0 = time.perf_counter()
            model.train()
            total, rows = 0.0, 0
            for b in batches:
                idx = rows_train[b]
                loss = loss_of(idx, True)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                total += float(loss.detach()) * len(idx)
                rows += len(idx)
            model.eval()
            vt, vr = 0.0, 0
            with torch.no_grad():
                for b in spec["validation_batches"]:
                    idx = rows_val[b]
                    vt += float(loss_of(idx, False)) * len(idx)
                    vr += len(idx)
            val = vt / vr
            history.append({"epoch": epoch + 1, "loss": total / max(rows, 1), "val_loss": val,
                            "seconds": round(time.perf_counter() - t0, 2)})
            log(f"{stage}: epoch {epoch + 1}/{len(spec['train_batches'])} loss {total / max(rows, 1):.4f} "
                f"val_loss {val:.4f}")
            if val < best[0]:
                best = (val, epoch + 1)
                best_state = copy.deepcopy(model.state_dict())
                torch.save(best_state, os.path.join(folder, "best.pt"))
            torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch + 1},
                       os.path.join(folder, "last.pt"))
        model.load_state_dict(best_state)
        self.training[stage] = {"best_epoch": best[1], "best_value": best[0], "history": history}

    # --- stages ---------------------------------------------------------------------------------------------
    def siamese(self):
        import torch
        from sentence_transformers.sentence_transformer.losses import BatchSemiHardTripletLoss
        from sentence_transformers.sentence_transformer.modules import Dense, Normalize

        transformer, pooling, dim = self.encoder_modules(self.s["model"])
        e = self.s["embedding_size"]
        model = self.sentence_model([transformer, pooling, Dense(dim, e, activation_function=torch.nn.ReLU()),
                                     Dense(e, e, activation_function=torch.nn.Identity()), Normalize()])
        loss_fn = BatchSemiHardTripletLoss(model, margin=self.s["margin"])

        def loss_of(idx, training):
            features = model.tokenize(self.batch_texts(idx))
            return loss_fn([features], torch.from_numpy(self.labels[idx]))

        self.fit("siamese", model, loss_of, model.parameters(), self.s["siamese_lr"], self.train_rows, self.val_rows)
        model.save(os.path.join(self.out, "siamese", "model"))
        self.siamese_model = model

    def features(self, model):
        return model.encode(self.texts, batch_size=64, convert_to_numpy=True, show_progress_bar=False)

    def head(self, stage, features):
        import numpy as np
        import torch

        x = torch.from_numpy(np.ascontiguousarray(features, dtype=np.float32))
        head = torch.nn.Linear(x.shape[1], self.classes)

        def loss_of(idx, training):
            return weighted_ce(head(x[idx]), torch.from_numpy(self.labels[idx]), self.class_weights)

        self.fit(stage, head, loss_of, head.parameters(), self.s["classifier_lr"], self.train_rows, self.val_rows)
        with torch.no_grad():
            return torch.softmax(head(x[self.val_rows]), dim=1).numpy()

    def frozen(self):
        transformer, pooling, _ = self.encoder_modules(self.s["model"])
        return self.head("frozen", self.features(self.sentence_model([transformer, pooling])))

    def siamese_classifier(self):
        # The tuned encoder's pooled output (the siamese model without its Dense layers and normalisation).
        encoder = self.sentence_model([self.siamese_model[0], self.siamese_model[1]])
        return self.head("siamese-classifier", self.features(encoder))

    def trained(self):
        import numpy as np
        import torch

        transformer, pooling, dim = self.encoder_modules(self.s["model"])
        encoder = self.sentence_model([transformer, pooling])
        head = torch.nn.Linear(dim, self.classes)
        model = torch.nn.ModuleDict({"encoder": encoder, "head": head})

        def logits(idx):
            features = encoder.tokenize(self.batch_texts(idx))
            return head(encoder(features)["sentence_embedding"])

        def loss_of(idx, training):
            return weighted_ce(logits(idx), torch.from_numpy(self.labels[idx]), self.class_weights)

        self.fit("trained", model, loss_of, model.parameters(), self.s["trained_lr"], self.train_rows, self.val_rows)
        # Predictions on the validation rows, longest first in batches of 64 (as sentence-transformers' encode).
        model.eval()
        order = np.argsort([-len(self.texts[i]) for i in self.val_rows], kind="stable")
        out = np.zeros((len(self.val_rows), self.classes), dtype=np.float32)
        with torch.no_grad():
            for s in range(0, len(order), 64):
                pos = order[s:s + 64]
                out[pos] = torch.softmax(logits(self.val_rows[pos]), dim=1).numpy()
        return out

    # --- evaluation -----------------------------------------------------------------------------------------
    def scores(self, y_true, proba):
        import numpy as np
        from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, roc_auc_score

        y_pred = proba.argmax(axis=1)
        present = np.unique(y_true)
        out = {
            "accuracy": accuracy_score(y_true, y_pred),
            "balanced_accuracy": balanced_accuracy_score(y_true, y_pred),
            "f1_macro": f1_score(y_true, y_pred, average="macro"),
            "f1_weighted": f1_score(y_true, y_pred, average="weighted"),
            "samples": int(len(y_true)),
        }
        if len(present) > 1:
            onehot = (y_true[:, None] == present[None, :]).astype(int)
            out["auc_micro"] = roc_auc_score(onehot, proba[:, present], average="micro")
            out["auc_macro_mean"] = roc_auc_score(onehot, proba[:, present], average="macro")
        return {k: float(v) for k, v in out.items()}

    def evaluate(self, probas):
        import numpy as np

        position = {int(r): i for i, r in enumerate(self.val_rows)}
        balanced_at = np.array([position[int(r)] for r in self.balanced_rows], dtype=np.int64)
        y_val = self.labels[self.val_rows]
        results = {}
        for name, proba in probas.items():
            results[name] = self.scores(y_val, proba)
            results[name]["balanced"] = self.scores(self.labels[self.balanced_rows], proba[balanced_at])
        return results

    def embeddings(self):
        import numpy as np
        from sklearn.neighbors import KNeighborsClassifier

        enc = lambda rows: self.siamese_model.encode(self.batch_texts(rows), batch_size=64, convert_to_numpy=True,
                                                     show_progress_bar=False)
        val = enc(self.val_rows)
        folder = os.path.join(self.out, "embeddings")
        os.makedirs(folder, exist_ok=True)
        np.savetxt(os.path.join(folder, "vectors.tsv"), val, delimiter="\t", fmt="%.7g")
        with open(os.path.join(folder, "metadata.tsv"), "w", encoding="utf-8") as f:
            f.write("text\tcategory\n")
            for r in self.val_rows:
                text = self.texts[r].replace("\t", " ").replace("\n", " ")
                f.write(f"{text}\t{self.split['categories'][self.labels[r]]}\n")
        train = enc(self.train_rows)
        knn = KNeighborsClassifier(n_neighbors=min(10, len(train)), metric="cosine", algorithm="brute")
        knn.fit(train, self.labels[self.train_rows])
        return {"rows": int(len(val)), "knn_accuracy": float(knn.score(val, self.labels[self.val_rows]))}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", required=True, help="peer input JSON written by npm run compare-peer")
    p.add_argument("--out", required=True, help="folder for the peer's checkpoints, embeddings and report.json")
    p.add_argument("--threads", type=int, default=os.cpu_count(), help="torch threads (default: the CPUs)")
    args = p.parse_args()
    watch = Stopwatch()
    with watch("imports"):
        import warnings

        warnings.filterwarnings("ignore")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import numpy  # noqa: F401
        import sentence_transformers
        import sklearn
        import torch
        import transformers

        transformers.logging.set_verbosity_error()
        torch.set_num_threads(args.threads)
    watch.timings["imports"] = round(time.perf_counter() - T_START, 1)  # interpreter start included
    with open(args.input, encoding="utf-8") as f:
        spec = json.load(f)
    os.makedirs(args.out, exist_ok=True)
    with watch("data"):
        peer = Peer(spec, args.out)
    with watch("siamese"):
        peer.siamese()
    probas = {}
    with watch("frozen"):
        probas["frozen"] = peer.frozen()
    with watch("trained"):
        probas["trained"] = peer.trained()
    with watch("siamese-classifier"):
        probas["siamese"] = peer.siamese_classifier()
    with watch("evaluate"):
        results = peer.evaluate(probas)
        t0 = time.perf_counter()
        embeddings = peer.embeddings()
        watch.timings["embeddings"] = round(time.perf_counter() - t0, 1)
    report = {
        "format": "siamese-albert-ts/peer-report",
        "timings": watch.timings,
        "total_seconds": round(time.perf_counter() - T_START, 1),
        "results": results,
        "embeddings": embeddings,
        "training": peer.training,
        "threads": torch.get_num_threads(),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "versions": {"python": sys.version.split()[0], "torch": torch.__version__,
                     "transformers": transformers.__version__,
                     "sentence_transformers": sentence_transformers.__version__, "scikit_learn": sklearn.__version__},
    }
    with open(os.path.join(args.out, "report.json"), "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
    log(f"done in {report['total_seconds']} s: {os.path.join(args.out, 'report.json')}")


if __name__ == "__main__":
    main()
