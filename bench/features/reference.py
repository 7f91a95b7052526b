"""The other benchmark side: the same feature set with Python TA-Lib + numpy (the definitions of
scripts/talib_parity.py, which the parity test holds equal to the engine's).
Prints one JSON line: {candles, seconds, features, peakRssMb}."""
import json
import os
import resource
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from talib_parity import feature_reference, raw_reference  # noqa: E402


def main(path, repeats):
    data = np.fromfile(path, dtype=np.float64)
    n = data.size // 6
    repeats = max(repeats, 20 if n < 100_000 else 0)  # small inputs: more runs, as the engine side
    t, o, h, l, c, v = (data[k * n:(k + 1) * n].copy() for k in range(6))
    best = float("inf")
    feats = None
    for _ in range(repeats + 1):  # the first run is the warm-up
        feats = None  # free the previous frame first, as the engine side does
        t0 = time.perf_counter()
        feats = feature_reference(o, h, l, c, v, raw_reference(o, h, l, c, v), 5)
        best = min(best, time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"candles": n, "seconds": best, "features": len(feats), "peakRssMb": peak}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)
