#!/usr/bin/env python3
"""eval_table.py -- one side-by-side table of `make eval` over collections.

usage: eval_table.py NAME [NAME ...]

Reads $KBENCH_WORK/NAME/results/eval.json (default /tmp/kbench/work), as
written by ../shared/bench/eval/run_eval.sh, and prints for each collection
and run MAP, P@10, nDCG@10 and R@1000, then kq's MAP and nDCG@10 as ratios
of the best peer's (the goal: >= 1.00 everywhere).
"""
import json
import os
import sys

MEASURES = [("map", "MAP"), ("P_10", "P@10"), ("ndcg_cut_10", "nDCG@10"),
            ("recall_1000", "R@1000")]


def main(names):
    work = os.environ.get("KBENCH_WORK", "/tmp/kbench/work")
    rows, ratios, missing = [], [], []
    for name in names:
        path = os.path.join(work, name, "results", "eval.json")
        if not os.path.exists(path):
            missing.append(name)
            continue
        res = json.load(open(path))["results"]
        for run, m in sorted(res.items(), key=lambda kv: (kv[0] != "kq", kv[0])):
            rows.append([name, run] + ["%.4f" % m[k] for k, _ in MEASURES]
                        + [str(m["num_q"])])
        if "kq" in res:
            peers = {r: m for r, m in res.items() if not r.startswith("kq")}
            if peers:
                line = [name]
                for k in ("map", "ndcg_cut_10"):
                    best = max(peers, key=lambda r: peers[r][k])
                    v = peers[best][k]
                    line.append("%.3f (%s)" % (res["kq"][k] / v if v else float("inf"), best))
                ratios.append(line)
    hdr = ["collection", "run"] + [h for _, h in MEASURES] + ["queries"]
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    if ratios:
        print()
        print("| collection | kq MAP / best peer | kq nDCG@10 / best peer |")
        print("|---|---|---|")
        for r in ratios:
            print("| " + " | ".join(r) + " |")
    if missing:
        print("\nno results for: %s" % ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
