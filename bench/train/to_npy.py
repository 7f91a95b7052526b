"""Turns the dataset.csv the engine wrote into the training and validation matrices, once, as
.npy files the Python trainers load: the same rows (split column), the same features (as the
engine feeds its models: f64 parsed, cast to f32, non-finite -> NaN), the same class ids
(manifest classNames order).

Usage: python bench/train/to_npy.py <dataset.csv> <manifest.json> <out dir>
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd

csv_path, manifest_path, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
manifest = json.load(open(manifest_path))
names = manifest["featureNames"]
classes = {c: i for i, c in enumerate(manifest["classNames"])}
assert manifest["rows"]["window"] == 1 and manifest["rows"]["lookahead"] == 0, "the benchmark config uses window 1, no look-ahead"

t0 = time.perf_counter()
df = pd.read_csv(csv_path, usecols=["split", "class", *names], dtype={n: np.float64 for n in names},
                 keep_default_na=False, na_values=["", "NaN", "nan"], engine="c")
for split in ("train", "validation"):
    part = df[df["split"] == split]
    x = part[names].to_numpy(dtype=np.float64).astype(np.float32)
    x[~np.isfinite(x)] = np.nan
    y = part["class"].map(classes).to_numpy()
    assert not np.isnan(y.astype(float)).any(), "unknown class in dataset.csv"
    np.save(os.path.join(out, f"x_{split}.npy"), np.ascontiguousarray(x))
    np.save(os.path.join(out, f"y_{split}.npy"), y.astype(np.float32))
    print(f"  {split}: {x.shape[0]:,} rows x {x.shape[1]} features", file=sys.stderr)
json.dump({"classes": len(classes), "features": len(names)}, open(os.path.join(out, "meta.json"), "w"))
print(f"  dataset.csv -> .npy in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
