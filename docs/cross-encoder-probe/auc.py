import json, sys
import numpy as np
def auc(pos, neg):
    pos, neg = np.asarray(pos), np.asarray(neg)
    if not len(pos) or not len(neg): return float('nan')
    allv = np.concatenate([pos, neg]); r = allv.argsort().argsort() + 1
    return (r[:len(pos)].sum() - len(pos)*(len(pos)+1)/2) / (len(pos)*len(neg))
def report(path, key='prob', devonly=None):
    rows=[json.loads(l) for l in open(path)]
    if devonly is not None: rows=[r for r in rows if r['dev']==devonly]
    ans=[r for r in rows if r['answerable'] and any(s['label'] for s in r['sentences'])]
    un=[r for r in rows if not r['answerable']]
    # top-1 correct among answerable
    top=[max(r['sentences'], key=lambda s: s[key])['label'] for r in ans]
    ap=[max(s[key] for s in r['sentences']) for r in ans]; up=[max(s[key] for s in r['sentences']) for r in un]
    # question-level: pos = answerable & top correct
    print(f"{path.split('/')[-1]} dev={devonly} key={key}: n_ans={len(ans)} n_un={len(un)} top1={np.mean(top):.3f} AUC(ans vs un)={auc(ap,up):.3f}",
          " by origin:", {o: round(auc(ap, [max(s[key] for s in r['sentences']) for r in un if r['origin']==o]),3) for o in sorted({r['origin'] for r in un})})
if __name__=='__main__':
    for p in sys.argv[1:]:
        for d in (None, True):
            report(p, devonly=d)
