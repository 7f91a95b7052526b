"""STUMPY on the same inputs: `stumpy.mass` (the z-normalised distance profile, MASS) and
`stumpy.match` (the best non-overlapping matches, max_matches=10), best of REPEATS warm runs
(numba compiles on a small warm-up first). Prints one JSON line each.
    python bench/similar/reference.py <dir> [REPEATS=3]"""
import json
import os
import sys
import time

import numpy as np
import stumpy

folder = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
series = np.fromfile(os.path.join(folder, "series.f64"), dtype=np.float64)
query = np.fromfile(os.path.join(folder, "query.f64"), dtype=np.float64)

stumpy.mass(query, series[:10_000])  # numba compilation, not timed
stumpy.match(query, series[:10_000], max_matches=10)


def best_of(fn):
    """Best wall-clock and best CPU seconds (all threads) over the repeats."""
    best, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        best = min(best, time.perf_counter() - t0)
        cpu = min(cpu, time.process_time() - c0)
    return best, cpu, out


secs, cpu, profile = best_of(lambda: stumpy.mass(query, series))
order = np.argsort(profile)[:1]
print(json.dumps({"name": "stumpy.mass", "seconds": secs, "cpuSeconds": cpu, "candles": len(series),
                  "top": [int(order[0])], "distance": [float(profile[order[0]])]}))
secs, cpu, matches = best_of(lambda: stumpy.match(query, series, max_matches=10))
print(json.dumps({"name": "stumpy.match (10)", "seconds": secs, "cpuSeconds": cpu, "candles": len(series),
                  "top": [int(i) for i in matches[:, 1]], "distance": [float(d) for d in matches[:, 0]]}))
