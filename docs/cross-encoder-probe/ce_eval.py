"""Score dev items' top sentences with the cross-encoder; AUC of answerable vs unanswerable; top-1 among answerable."""
import json, sys, os, random
import numpy as np, torch
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("THREADS", "2")
import ce_train as ct
from auc import auc
ck = torch.load(sys.argv[1])
for ly, sd in zip(ct.enc.layers[ck["frozen"]:], ck["layers"]): ly.load_state_dict(sd)
head = ct.Head(); head.out.load_state_dict(ck["out"]); head.eval()
TOP = int(os.environ.get("TOP", "6"))
@torch.no_grad()
def score(pairs, bs=32):
    out = np.zeros(len(pairs))
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    for b in range(0, len(order), bs):
        idx = order[b:b+bs]
        ids, mask = ct.encode([pairs[i] for i in idx])
        out[idx] = torch.sigmoid(head(ct.lower(ids, mask), mask)).numpy()
    return out
for name in sys.argv[2:]:
    name, _, lim = name.partition(":")
    rows = [r for r in ct.load(name) if r["dev"]]
    random.seed(1)
    if lim: rows = random.sample(rows, min(int(lim), len(rows)))
    pairs = [(r["question"], s["text"]) for r in rows for s in r["sentences"][:TOP]]
    sc = score(pairs); k = 0
    for r in rows:
        for s in r["sentences"][:TOP]:
            s["ce"] = float(sc[k]); k += 1
        r["sentences"] = r["sentences"][:TOP]
    json.dump(rows, open(f"{ct.WORK}/scored_{name}.json", "w"), ensure_ascii=False)
    ans = [r for r in rows if r["answerable"] and any(s["label"] for s in r["sentences"])]
    un = [r for r in rows if not r["answerable"]]
    for key in ("prob", "ce", "mix"):
        f = (lambda s: s[key]) if key != "mix" else (lambda s: (s["prob"] * s["ce"]) ** 0.5)
        top = np.mean([max(r["sentences"], key=f)["label"] for r in ans])
        a = [max(map(f, r["sentences"])) for r in ans]; u = [max(map(f, r["sentences"])) for r in un]
        # abstention on unanswerable at the cut giving <=10% false abstention among answerable-with-positive
        cut = np.quantile(a, 0.10)
        print(f"{name:10s} {key:4s} n_ans={len(ans)} n_un={len(un)} top1={top:.3f} AUC={auc(a,u):.3f} unans_abstained@10%FA={np.mean(np.array(u)<cut):.3f}")
