#!/usr/bin/env python3
"""Compares the engine's TA-Lib outputs and feature columns with Python TA-Lib.

Input: a JSON file written by crates/engine/tests/talib_parity.rs with, per sample series, the
candles, the engine's raw TA-Lib outputs, its 61 CDL outputs and its feature frame (NaN as null).
Python TA-Lib (the PyPI wheel, which bundles its own build of the current C library) recomputes
every one of them, and numpy recomputes the derived features from those outputs.

Rules: CDL outputs identical; indicators and features equal within 1e-9 relative (absolute
floor 1e-9 x the column's largest magnitude, for values crossing zero), NaN in the same rows.
Exits 1 with a list of every mismatch, 0 with a summary otherwise.
"""
import json
import sys

import numpy as np
import talib

RTOL = 1e-9


def arr(values):
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def raw_reference(o, h, l, c, v):
    """The raw TA-Lib outputs the engine's features are built from, by the engine's names."""
    macd, macd_signal, macd_hist = talib.MACD(c, 12, 26, 9)
    upper, middle, lower = talib.BBANDS(c, 20, 2.0, 2.0, 0)
    stoch_k, stoch_d = talib.STOCH(h, l, c, 5, 3, 0, 3, 0)
    obv = talib.OBV(c, v)
    return {
        "atr14": talib.ATR(h, l, c, 14),
        "rsi14": talib.RSI(c, 14),
        "macd": macd, "macd_signal": macd_signal, "macd_hist": macd_hist,
        "natr14": talib.NATR(h, l, c, 14),
        "bb_upper": upper, "bb_middle": middle, "bb_lower": lower,
        "adx14": talib.ADX(h, l, c, 14),
        "plus_di14": talib.PLUS_DI(h, l, c, 14),
        "minus_di14": talib.MINUS_DI(h, l, c, 14),
        "sma10": talib.SMA(c, 10), "sma20": talib.SMA(c, 20), "sma50": talib.SMA(c, 50),
        "ema10": talib.EMA(c, 10), "ema20": talib.EMA(c, 20), "ema50": talib.EMA(c, 50),
        "stoch_k": stoch_k, "stoch_d": stoch_d,
        "cci14": talib.CCI(h, l, c, 14),
        "mfi14": talib.MFI(h, l, c, v, 14),
        "obv": obv,
        "obv_slope10_raw": talib.LINEARREG_SLOPE(obv, 10),
        "volume_sma10": talib.SMA(v, 10),
        "roc10": talib.ROC(c, 10),
        "willr14": talib.WILLR(h, l, c, 14),
        "close_slope7": talib.LINEARREG_SLOPE(c, 7),
    }


def ratio(a, b):
    """a / b with 0 where b == 0 (the engine's rule for flat markets)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = a / b
    return np.where((b == 0) & np.isfinite(a), 0.0, out)


def feature_reference(o, h, l, c, v, ref, lags):
    atr = ref["atr14"]
    n = len(c)
    prev_close = np.concatenate([[np.nan], c[:-1]])
    body_abs = np.abs(c - o)
    z = np.full(n, np.nan)
    rel = np.full(n, np.nan)
    if n >= 20:
        w = np.lib.stride_tricks.sliding_window_view(v, 20)  # window ending at t = 19..n-1
        z[19:] = ratio(v[19:] - w.mean(axis=1), w.std(axis=1))
    if n > 10:
        prev10 = np.lib.stride_tricks.sliding_window_view(body_abs[:-1], 10)  # the 10 before t
        rel[10:] = ratio(body_abs[10:], prev10.mean(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ret = np.log(c / prev_close)
    geometry = {
        "body": ratio(c - o, atr),
        "range": ratio(h - l, atr),
        "upper_shadow": ratio(h - np.maximum(o, c), atr),
        "lower_shadow": ratio(np.minimum(o, c) - l, atr),
        "body_to_range": ratio(c - o, h - l),
        "log_return": log_ret,
        "gap": ratio(o - prev_close, atr),
        "volume_z20": z,
        "body_rel10": rel,
    }
    feats = dict(geometry)
    feats.update({
        "rsi14": ref["rsi14"], "macd": ref["macd"], "macd_signal": ref["macd_signal"],
        "macd_hist": ref["macd_hist"], "natr14": ref["natr14"],
        "bb_pctb": ratio(c - ref["bb_lower"], ref["bb_upper"] - ref["bb_lower"]),
        "bb_width": ratio(ref["bb_upper"] - ref["bb_lower"], ref["bb_middle"]),
        "adx14": ref["adx14"], "plus_di14": ref["plus_di14"], "minus_di14": ref["minus_di14"],
        "stoch_k": ref["stoch_k"], "stoch_d": ref["stoch_d"], "cci14": ref["cci14"],
        "mfi14": ref["mfi14"], "obv_slope10": ratio(ref["obv_slope10_raw"], ref["volume_sma10"]),
        "roc10": ref["roc10"], "willr14": ref["willr14"], "trend7": ratio(ref["close_slope7"], atr),
    })
    for p in (10, 20, 50):
        feats[f"sma{p}_dist"] = ratio(c - ref[f"sma{p}"], atr)
        feats[f"ema{p}_dist"] = ratio(c - ref[f"ema{p}"], atr)
    for name in talib.get_function_groups()["Pattern Recognition"]:
        feats[name.lower()] = getattr(talib, name)(o, h, l, c).astype(np.float64) / 100.0
    for lag in range(1, lags + 1):
        for g, col in geometry.items():
            feats[f"{g}_lag{lag}"] = np.concatenate([np.full(lag, np.nan), col[:-lag]])
    return feats


def compare(label, ours, theirs, problems, warmup=0):
    """NaN-aligned comparison within RTOL; rows < warmup only need NaN alignment."""
    if ours.shape != theirs.shape:
        problems.append(f"{label}: length {ours.shape} vs {theirs.shape}")
        return 0.0
    nan_ours, nan_theirs = np.isnan(ours), np.isnan(theirs)
    if not np.array_equal(nan_ours, nan_theirs):
        rows = np.flatnonzero(nan_ours != nan_theirs)[:5]
        problems.append(f"{label}: NaN in different rows, first {rows.tolist()}")
        return 0.0
    both = ~nan_ours
    if not both.any():
        return 0.0
    a, b = ours[both], theirs[both]
    scale = max(np.abs(b).max(), 1e-300)
    diff = np.abs(a - b)
    allowed = np.maximum(RTOL * np.maximum(np.abs(a), np.abs(b)), RTOL * scale)
    bad = np.flatnonzero(diff > allowed)
    if bad.size:
        rows = np.flatnonzero(both)[bad[:3]]
        problems.append(
            f"{label}: {bad.size} values differ beyond {RTOL:g} relative, e.g. row {rows[0]}: "
            f"{a[bad[0]]!r} vs {b[bad[0]]!r}"
        )
    nonzero = np.maximum(np.abs(a), np.abs(b)) > 0
    return float((diff[nonzero] / np.maximum(np.abs(a), np.abs(b))[nonzero]).max()) if nonzero.any() else 0.0


def main(path):
    data = json.load(open(path))
    problems = []
    summary = []
    for series in data["series"]:
        name = series["name"]
        cd = {k: arr(series["candles"][k]) for k in ("open", "high", "low", "close", "volume")}
        o, h, l, c, v = cd["open"], cd["high"], cd["low"], cd["close"], cd["volume"]
        ref = raw_reference(o, h, l, c, v)
        worst = 0.0
        for key, ours in series["raw"].items():
            if key not in ref:
                problems.append(f"{name}: engine output '{key}' has no reference")
                continue
            worst = max(worst, compare(f"{name} {key}", arr(ours), ref[key], problems))
        missing = set(ref) - set(series["raw"])
        if missing:
            problems.append(f"{name}: reference outputs the engine did not send: {sorted(missing)}")
        cdl_fired = 0
        for fn in talib.get_function_groups()["Pattern Recognition"]:
            ours = np.array(series["cdl"][fn.lower()], dtype=np.int64)
            theirs = getattr(talib, fn)(o, h, l, c).astype(np.int64)
            cdl_fired += int((theirs != 0).sum())
            if not np.array_equal(ours, theirs):
                rows = np.flatnonzero(ours != theirs)
                problems.append(
                    f"{name} {fn}: {rows.size} candles differ, e.g. row {rows[0]}: {ours[rows[0]]} vs {theirs[rows[0]]}"
                )
        frame = series["features"]
        feats = feature_reference(o, h, l, c, v, ref, frame["lags"])
        if set(frame["names"]) != set(feats):
            problems.append(f"{name}: feature names differ: {sorted(set(frame['names']) ^ set(feats))}")
        feat_worst = 0.0
        for fname, col in zip(frame["names"], frame["columns"]):
            if fname in feats:
                feat_worst = max(feat_worst, compare(f"{name} feature {fname}", arr(col), feats[fname], problems))
        summary.append(
            f"{name}: {len(c)} candles, {len(series['raw'])} indicator outputs (worst rel diff {worst:.2e}), "
            f"61 CDL identical ({cdl_fired} signals), {len(frame['names'])} features (worst rel diff {feat_worst:.2e})"
        )
    print(f"Python TA-Lib {talib.__version__} (C {talib.__ta_version__.decode()})")
    for line in summary:
        print(line)
    if problems:
        print(f"\n{len(problems)} parity problems:")
        for p in problems:
            print("  " + p)
        return 1
    print("parity: all indicator, pattern and feature outputs match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
