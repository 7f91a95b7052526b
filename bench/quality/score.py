"""Scores the quality benchmark: per held-out instrument, per-pattern F1 at each pattern's last
candle (a prediction counts when a span of the same label ends on the same candle), macro-averaged
over the labels that occur in the truth or the predictions (background excluded), for the short
and the long patterns apart; and, for the product's spans, how exactly their boundaries match.

Usage: python score.py WORK_DIR   (reads instruments.json, candles/, spans.json, engine*.json, reference.json)
"""
import json
import sys
from pathlib import Path

import numpy as np

from labels import LONG, SHORT

SHORT_LABELS = [s[0] for s in SHORT]
GROUPS = {"short": SHORT_LABELS, "long": LONG}


def load_instruments(work):
    meta = json.loads((work / "instruments.json").read_text())
    out = {}
    for inst in meta:
        data = np.genfromtxt(work / "candles" / f"{inst['symbol']}.csv", delimiter=",", names=True, dtype=float)
        candles = {k: np.asarray(data[k], dtype=float) for k in ("time", "open", "high", "low", "close", "volume")}
        out[inst["symbol"]] = {**inst, "candles": candles}
    return out


def load_spans(work):
    instruments = load_instruments(work)
    records = json.loads((work / "spans.json").read_text())["annotations"]
    out = {}
    for r in records:
        t = instruments[r["symbol"]]["candles"]["time"]
        start = int(np.searchsorted(t, r["start"]))
        end = int(np.searchsorted(t, r["end"]))
        out.setdefault(r["symbol"], []).append({"start": start, "end": end, "label": r["label"]})
    return out


def f1(tp, fp, fn):
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def macro_f1(truth, predicted, labels):
    """truth / predicted: sets of (end candle, label)."""
    scores = {}
    for label in labels:
        t = {e for e, l in truth if l == label}
        p = {e for e, l in predicted if l == label}
        if t or p:
            scores[label] = f1(len(t & p), len(p - t), len(t - p))
    return (sum(scores.values()) / len(scores) if scores else float("nan")), scores


def boundaries(truth_spans, predicted_spans):
    """Matches predicted spans to true spans of the same label at IoU >= 0.5 (by confidence) and
    counts how exactly both boundaries agree."""
    taken = set()
    counts = {"exact": 0, "within1": 0, "worse": 0}
    for p in sorted(predicted_spans, key=lambda s: -s.get("confidence", 1.0)):
        best, best_iou = None, 0.5
        for i, t in enumerate(truth_spans):
            if i in taken or t["label"] != p["label"]:
                continue
            inter = min(p["end"], t["end"]) - max(p["start"], t["start"]) + 1
            if inter <= 0:
                continue
            iou = inter / ((p["end"] - p["start"] + 1) + (t["end"] - t["start"] + 1) - inter)
            if iou >= best_iou:
                best, best_iou = i, iou
        if best is None:
            continue
        taken.add(best)
        t = truth_spans[best]
        off = max(abs(p["start"] - t["start"]), abs(p["end"] - t["end"]))
        counts["exact" if off == 0 else "within1" if off == 1 else "worse"] += 1
    return counts


def main():
    work = Path(sys.argv[1])
    instruments = load_instruments(work)
    spans = load_spans(work)
    reference = json.loads((work / "reference.json").read_text())
    products = {p.stem.removeprefix("engine").strip("-") or "product": json.loads(p.read_text()) for p in sorted(work.glob("engine*.json"))}
    held_out = [s for s, i in instruments.items() if i["role"] == "held-out"]
    header = "| patterns | setup | " + " | ".join(f"{s} ({instruments[s]['what']})" for s in held_out) + " |"
    print(header)
    print("|" + "---|" * (2 + len(held_out)))
    results = {}
    for group, labels in GROUPS.items():
        rows = [("Python reference (TA-Lib + XGBoost)", {s: {(p["end"], p["label"]) for p in reference["predictions"][s]} for s in held_out})]
        for name, prod in products.items():
            rows.append((f"{name}: {prod['modelType']}", {s: {(p["end"], p["label"]) for p in prod["predictions"][s]} for s in held_out}))
        for setup, predicted in rows:
            cells = []
            for s in held_out:
                truth = {(t["end"], t["label"]) for t in spans.get(s, [])}
                m, _ = macro_f1(truth, predicted[s], labels)
                results.setdefault(setup, {}).setdefault(group, {})[s] = m
                cells.append(f"{m:.3f}")
            print(f"| {group} | {setup} | " + " | ".join(cells) + " |")
    print()
    print("Per label (F1 at the last candle), reference / " + " / ".join(products))
    for s in held_out:
        truth = {(t["end"], t["label"]) for t in spans.get(s, [])}
        _, ref = macro_f1(truth, {(p["end"], p["label"]) for p in reference["predictions"][s]}, SHORT_LABELS + LONG)
        prods = [macro_f1(truth, {(p["end"], p["label"]) for p in prod["predictions"][s]}, SHORT_LABELS + LONG)[1] for prod in products.values()]
        n_true = {l: sum(1 for t in spans.get(s, []) if t["label"] == l) for l in SHORT_LABELS + LONG}
        parts = [f"{l}({n_true[l]}) {ref.get(l, float('nan')):.2f}/" + "/".join(f"{p.get(l, float('nan')):.2f}" for p in prods) for l in SHORT_LABELS + LONG if l in ref or any(l in p for p in prods)]
        print(f"  {s}: " + ", ".join(parts))
    print()
    print("Span boundaries of the product's matched spans (IoU >= 0.5, same label): exact / within one candle / worse")
    for name, prod in products.items():
        total = {"exact": 0, "within1": 0, "worse": 0}
        for s in held_out:
            c = boundaries(spans.get(s, []), prod["predictions"][s])
            for k in total:
                total[k] += c[k]
        n = sum(total.values()) or 1
        print(f"  {name}: {total['exact']} / {total['within1']} / {total['worse']}  (exact {total['exact'] / n:.1%}, within one {(total['exact'] + total['within1']) / n:.1%}); train {prod['trainSeconds']:.0f} s")
    print(f"  reference fit: {reference['fitSeconds']:.0f} s, {reference['rounds']} rounds")
    (work / "results.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
