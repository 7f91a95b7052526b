"""Reference CSV import: pandas.read_csv (C engine, pyarrow-free) on the same bytes, then the
engine's candle rules (docs/import.md): ISO time parsed to epoch ms, every value finite, high >=
max(open, close), low <= min(open, close), low <= high, volume >= 0, time strictly increasing.
Best of REPEATS and the first run (what one upload pays: its memory is faulted in fresh), timed
from the bytes in memory to validated float64 columns.
    python bench/scale/reference.py FILE.csv [REPEATS]   -> one JSON line
"""

import io
import json
import resource
import sys
import time

import numpy as np
import pandas as pd


def import_csv(data: bytes) -> dict:
    frame = pd.read_csv(
        io.BytesIO(data),
        dtype={c: np.float64 for c in ("open", "high", "low", "close", "volume")},
    )
    times = pd.to_datetime(frame["time"], format="ISO8601", utc=True)
    t = times.astype("int64").to_numpy() // 1_000_000
    o, h, l, c, v = (frame[k].to_numpy() for k in ("open", "high", "low", "close", "volume"))
    valid = np.isfinite(o) & np.isfinite(h) & np.isfinite(l) & np.isfinite(c) & np.isfinite(v)
    valid &= (h >= np.maximum(o, c)) & (l <= np.minimum(o, c)) & (l <= h) & (v >= 0)
    increasing = np.empty(len(t), dtype=bool)
    increasing[0] = True
    increasing[1:] = t[1:] > t[:-1]
    bad = int((~(valid & increasing)).sum())
    if bad:
        raise SystemExit(f"{bad} invalid rows")
    return {"time": t.astype(np.float64), "open": o, "high": h, "low": l, "close": c, "volume": v}


def main() -> None:
    path = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with open(path, "rb") as f:
        data = f.read()
    runs, rows = [], 0
    for _ in range(repeats):
        t0 = time.perf_counter()
        columns = import_csv(data)
        runs.append(time.perf_counter() - t0)
        rows = len(columns["time"])
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": min(runs), "firstSeconds": runs[0], "peakRssMb": peak_mb}))


if __name__ == "__main__":
    main()
