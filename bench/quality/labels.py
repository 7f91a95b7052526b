"""The benchmark's fixed labelling: what an annotator would draw on a chart, computed by rules so
anyone can reproduce it (bench/quality/README.md).

Short patterns: eight TA-Lib reversal recognisers, kept only after the trend they reverse (the
ten candles before the pattern's first candle fell (rose) and closed below (above) their 20-candle
mean). A span covers the pattern's own candles (1 to 3).

Long patterns: double top / bottom and head and shoulders / inverse, found on zigzag pivots (a
pivot is confirmed once price moves 2.5 ATR(14) away from it). A span runs from the first top
(bottom) to the candle whose close breaks the neckline; 8 to 150 candles.

Spans of different labels may nest or overlap (an engulfing inside a morning star, a hammer on a
double bottom's low): that is how people label, and the product must train on it.

Usage: python labels.py CANDLES_DIR OUT_JSON   (CANDLES_DIR holds <SYMBOL>.csv: time,open,high,low,close,volume)
"""
import json
import sys
from pathlib import Path

import numpy as np
import talib

SHORT = [
    # label, TA-Lib function, sign of its output, candles in the pattern, trend it reverses
    ("bullish_engulfing", "CDLENGULFING", 1, 2, "down"),
    ("bearish_engulfing", "CDLENGULFING", -1, 2, "up"),
    ("hammer", "CDLHAMMER", 1, 1, "down"),
    ("shooting_star", "CDLSHOOTINGSTAR", -1, 1, "up"),
    ("morning_star", "CDLMORNINGSTAR", 1, 3, "down"),
    ("evening_star", "CDLEVENINGSTAR", -1, 3, "up"),
    ("piercing", "CDLPIERCING", 1, 2, "down"),
    ("dark_cloud_cover", "CDLDARKCLOUDCOVER", -1, 2, "up"),
]
LONG = ["double_top", "double_bottom", "head_and_shoulders", "inverse_head_and_shoulders"]
LABELS = [s[0] for s in SHORT] + LONG

ZIGZAG_ATR = 2.5
TOP_TOLERANCE_ATR = 1.0
HEAD_ABOVE_ATR = 0.5
MIN_LONG, MAX_LONG = 8, 150
MAX_CONFIRM_WAIT = 40


def read_candles(path):
    data = np.genfromtxt(path, delimiter=",", names=True, dtype=float)
    return {k: np.asarray(data[k], dtype=float) for k in ("time", "open", "high", "low", "close", "volume")}


def trend(close, sma20, i, direction):
    """The ten candles before candle i trended `direction` (i is the pattern's first candle)."""
    j = i - 1
    if j < 30 or np.isnan(sma20[j]):
        return False
    if direction == "down":
        return close[j] < close[j - 10] and close[j] < sma20[j]
    return close[j] > close[j - 10] and close[j] > sma20[j]


def short_spans(c):
    o, h, l, cl = c["open"], c["high"], c["low"], c["close"]
    sma20 = talib.SMA(cl, 20)
    out = []
    for label, fn, sign, length, direction in SHORT:
        values = getattr(talib, fn)(o, h, l, cl)
        for end in np.nonzero(np.sign(values) == sign)[0]:
            start = int(end) - length + 1
            if start > 0 and trend(cl, sma20, start, direction):
                out.append((start, int(end), label))
    return out


def zigzag(c, atr):
    """Alternating pivots [(index, price, +1 top / -1 bottom)], each confirmed by a move of
    ZIGZAG_ATR x ATR away from it."""
    h, l = c["high"], c["low"]
    valid = np.nonzero(~np.isnan(atr))[0]
    if len(valid) == 0:
        return []
    pivots = []
    direction = 0  # +1 rising (tracking a top), -1 falling (tracking a bottom)
    hi_i = lo_i = int(valid[0])
    for i in range(int(valid[0]), len(h)):
        thr = ZIGZAG_ATR * atr[i]
        if direction == 0:
            hi_i = i if h[i] > h[hi_i] else hi_i
            lo_i = i if l[i] < l[lo_i] else lo_i
            if hi_i < i and h[hi_i] - l[i] >= thr:
                pivots.append((hi_i, h[hi_i], 1))
                direction, lo_i = -1, i
            elif lo_i < i and h[i] - l[lo_i] >= thr:
                pivots.append((lo_i, l[lo_i], -1))
                direction, hi_i = 1, i
        elif direction == 1:
            if h[i] >= h[hi_i]:
                hi_i = i
            elif h[hi_i] - l[i] >= thr:
                pivots.append((hi_i, h[hi_i], 1))
                direction, lo_i = -1, i
        else:
            if l[i] <= l[lo_i]:
                lo_i = i
            elif h[i] - l[lo_i] >= thr:
                pivots.append((lo_i, l[lo_i], -1))
                direction, hi_i = 1, i
    return pivots


def confirm(c, after, level_at, side, limit_price):
    """First candle after `after` whose close crosses the neckline (below when side = +1, above
    when -1), before price exceeds `limit_price` again; None if it takes too long."""
    cl, h, l = c["close"], c["high"], c["low"]
    for i in range(after + 1, min(len(cl), after + 1 + MAX_CONFIRM_WAIT)):
        if side == 1 and h[i] > limit_price or side == -1 and l[i] < limit_price:
            return None
        if side == 1 and cl[i] < level_at(i) or side == -1 and cl[i] > level_at(i):
            return i
    return None


def long_spans(c):
    atr = talib.ATR(c["high"], c["low"], c["close"], 14)
    piv = zigzag(c, atr)
    out = []
    for k in range(len(piv)):
        # Double top (+1) / bottom (-1): X1, Y, X2.
        if k + 2 < len(piv):
            (i1, p1, s), (j, q, _), (i2, p2, _) = piv[k], piv[k + 1], piv[k + 2]
            a = atr[i2]
            if abs(p1 - p2) <= TOP_TOLERANCE_ATR * a:
                limit = max(p1, p2) + 0.5 * a if s == 1 else min(p1, p2) - 0.5 * a
                end = confirm(c, i2, lambda _i, q=q: q, s, limit)
                if end is not None and MIN_LONG <= end - i1 + 1 <= MAX_LONG:
                    out.append((i1, end, "double_top" if s == 1 else "double_bottom"))
        # Head and shoulders (+1) / inverse (-1): S1, N1, H, N2, S2.
        if k + 4 < len(piv):
            (i1, p1, s), (n1, q1, _), (ih, ph, _), (n2, q2, _), (i3, p3, _) = piv[k : k + 5]
            a = atr[i3]
            head_clear = (ph - max(p1, p3) if s == 1 else min(p1, p3) - ph) >= HEAD_ABOVE_ATR * a
            if head_clear and abs(p1 - p3) <= 1.5 * a:
                slope = (q2 - q1) / (n2 - n1)
                neck = lambda i, q1=q1, n1=n1, slope=slope: q1 + slope * (i - n1)
                limit = ph
                end = confirm(c, i3, neck, s, limit)
                if end is not None and MIN_LONG <= end - i1 + 1 <= MAX_LONG:
                    out.append((i1, end, "head_and_shoulders" if s == 1 else "inverse_head_and_shoulders"))
    return out


def label_series(c):
    spans = short_spans(c) + long_spans(c)
    return sorted(set(spans))


def main():
    candles_dir, out_path = Path(sys.argv[1]), Path(sys.argv[2])
    records = []
    for path in sorted(candles_dir.glob("*.csv")):
        symbol = path.stem
        c = read_candles(path)
        for start, end, label in label_series(c):
            records.append(
                {
                    "symbol": symbol,
                    "start": float(c["time"][start]),
                    "end": float(c["time"][end]),
                    "label": label,
                    "source": "human",
                }
            )
    out_path.write_text(json.dumps({"annotations": records}, indent=0))
    counts = {}
    for r in records:
        counts.setdefault(r["symbol"], {}).setdefault(r["label"], 0)
        counts[r["symbol"]][r["label"]] += 1
    for sym, per in counts.items():
        print(f"  {sym:8s} " + " ".join(f"{l}={per.get(l, 0)}" for l in LABELS), file=sys.stderr)


if __name__ == "__main__":
    main()
