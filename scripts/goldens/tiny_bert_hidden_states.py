"""hidden_states of the tiny random BertModel in test/fixtures/tiny-bert (its golden_outputs.json lacks them).

Usage: /work/pyref/bin/python scripts/goldens/tiny_bert_hidden_states.py test/fixtures/tiny-bert test/model/fixtures/tiny-bert-hidden-states.json
(any venv with torch + transformers; see scripts/goldens/minilm_headlines.py)
"""
import json
import os
import sys

import torch
import transformers


def main(model_dir: str, out_path: str) -> None:
    g = json.load(open(os.path.join(model_dir, "golden_outputs.json")))
    model = transformers.BertModel.from_pretrained(model_dir).eval()
    with torch.no_grad():
        o = model(input_ids=torch.tensor(g["input_ids"]), attention_mask=torch.tensor(g["attention_mask"]),
                  token_type_ids=torch.tensor(g["token_type_ids"]), output_hidden_states=True)
    # Sanity: the stored golden last_hidden_state is reproduced.
    m = torch.tensor(g["attention_mask"]).unsqueeze(-1)
    diff = ((o.last_hidden_state - torch.tensor(g["last_hidden_state"])) * m).abs().max().item()
    assert diff < 1e-5, diff
    out = {"transformers_version": transformers.__version__, "note": "compare only where attention_mask==1",
           "hidden_states": [[[[float(f"{v:.8g}") for v in tok] for tok in row] for row in h.tolist()] for h in o.hidden_states]}
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(out_path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"wrote {out_path}: {len(o.hidden_states)} hidden states")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
