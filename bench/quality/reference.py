"""The Python reference of the quality benchmark: the seed's design, TA-Lib features + XGBoost.

Features: the engine's standard set computed with Python TA-Lib + numpy (scripts/talib_parity.py:
geometry, indicators, the 61 TA-Lib candlestick recognisers, 5 lags) at each candle. Target: the
label of the span that ends at the candle (a candle where spans of two labels end is one row per
label), background elsewhere. XGBoost multiclass (hist, depth 6, learning rate 0.1, up to 400
rounds, early stopping on the last 20 % of each training series), balanced class weights capped at
50; prediction: the most probable class of each candle.

Usage: python reference.py WORK_DIR THREADS   → WORK_DIR/reference.json {symbol: [{end, label}]}
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import xgboost as xgb

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from talib_parity import feature_reference, raw_reference  # noqa: E402

from score import load_instruments, load_spans  # noqa: E402


def features(c):
    o, h, l, cl, v = (c[k] for k in ("open", "high", "low", "close", "volume"))
    feats = feature_reference(o, h, l, cl, v, raw_reference(o, h, l, cl, v), 5)
    names = sorted(feats)
    return np.column_stack([feats[n] for n in names]).astype(np.float32)


def main():
    work = Path(sys.argv[1])
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    instruments = load_instruments(work)
    spans = load_spans(work)
    labels = sorted({s["label"] for per in spans.values() for s in per})
    class_of = {l: i + 1 for i, l in enumerate(labels)}
    t0 = time.perf_counter()
    xs_tr, ys_tr, xs_va, ys_va = [], [], [], []
    for sym, inst in instruments.items():
        if inst["role"] != "train":
            continue
        x = features(inst["candles"])
        n = len(x)
        ends = {}
        for s in spans.get(sym, []):
            ends.setdefault(s["end"], []).append(class_of[s["label"]])
        cut = int(n * 0.8)
        for t in range(50, n):  # 50: past the feature warm-up
            for cls in ends.get(t, [0]):
                (xs_tr if t < cut else xs_va).append(x[t])
                (ys_tr if t < cut else ys_va).append(cls)
    x_tr, y_tr = np.array(xs_tr), np.array(ys_tr)
    x_va, y_va = np.array(xs_va), np.array(ys_va)
    counts = np.bincount(y_tr, minlength=len(labels) + 1).astype(float)
    present = counts > 0
    weight_of = np.where(present, len(y_tr) / (present.sum() * np.maximum(counts, 1)), 0.0)
    weight_of = np.minimum(weight_of, 50.0)
    params = {
        "objective": "multi:softprob",
        "num_class": len(labels) + 1,
        "tree_method": "hist",
        "max_depth": 6,
        "eta": 0.1,
        "eval_metric": "mlogloss",
        "nthread": threads,
        "seed": 42,
    }
    dtr = xgb.DMatrix(x_tr, label=y_tr, weight=weight_of[y_tr])
    dva = xgb.DMatrix(x_va, label=y_va)
    booster = xgb.train(params, dtr, 400, evals=[(dva, "valid")], early_stopping_rounds=30, verbose_eval=False)
    fit_seconds = time.perf_counter() - t0
    out = {}
    for sym, inst in instruments.items():
        if inst["role"] != "held-out":
            continue
        x = features(inst["candles"])
        p = booster.predict(xgb.DMatrix(x), iteration_range=(0, booster.best_iteration + 1))
        top = p.argmax(axis=1)
        out[sym] = [{"end": int(t), "label": labels[top[t] - 1]} for t in range(50, len(x)) if top[t] > 0]
    (work / "reference.json").write_text(json.dumps({"fitSeconds": fit_seconds, "rounds": booster.best_iteration + 1, "predictions": out}))
    print(f"reference: XGBoost, {booster.best_iteration + 1} rounds, {fit_seconds:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
