#!/usr/bin/env python3
"""Checks, with the real MLflow Python client, that a run logged by the engine is what it should be.

    check_mlflow_run.py <tracking_uri> <run_id> <model_name> [--expect FILE] [--alias ALIAS]

Without --expect it checks only the structural things (run FINISHED, the alias resolves to a
version of this run, models:/<name>@<alias> downloads). --expect FILE is JSON written by the test:

    {
      "experiment": "name",                      # the run's experiment name
      "run_name": "name",
      "params": {"key": "value", ...},           # exactly these params (keys as logged)
      "metrics": {"key": [[step, value], ...]},  # the full history of each listed metric
      "tags": {"key": "value", ...},             # at least these tags
      "artifacts": ["model/model.txt", ...],     # at least these artifact files, recursively
      "model_files": {"model.txt": "<sha256>"},  # exactly what models:/<name>@<alias> downloads
      "version": "1"                             # the version the alias must point at
    }

Exits 0 when all holds; otherwise prints every failed check and exits 1 (2 on a crash).
"""
import argparse
import hashlib
import json
import math
import os
import sys
import tempfile

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
# Bounded: never let a broken server hang the test.
os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "30")
os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "2")

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402

failures = []


def check(cond, what):
    if cond:
        print(f"  ok: {what}")
    else:
        print(f"  FAIL: {what}", file=sys.stderr)
        failures.append(what)
    return cond


def short(value, limit=300):
    """repr(value), cut so a 6000-character param doesn't flood the log."""
    r = repr(value)
    return r if len(r) <= limit else r[:limit] + f"...<{len(r) - limit} more chars>"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def list_files(client, run_id, path=None):
    out = []
    for fi in client.list_artifacts(run_id, path):
        if fi.is_dir:
            out.extend(list_files(client, run_id, fi.path))
        else:
            out.append(fi.path)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tracking_uri")
    ap.add_argument("run_id")
    ap.add_argument("model_name")
    ap.add_argument("--expect")
    ap.add_argument("--alias", default="champion")
    args = ap.parse_args()
    expect = {}
    if args.expect:
        with open(args.expect) as f:
            expect = json.load(f)

    mlflow.set_tracking_uri(args.tracking_uri)
    client = MlflowClient(tracking_uri=args.tracking_uri)

    print(f"run {args.run_id} on {args.tracking_uri}")
    run = client.get_run(args.run_id)
    check(run.info.status == "FINISHED", f"run status FINISHED (got {run.info.status})")
    check(run.info.end_time is not None, "run has an end_time")
    if "run_name" in expect:
        check(run.info.run_name == expect["run_name"],
              f"run name {expect['run_name']!r} (got {run.info.run_name!r})")
    if "experiment" in expect:
        exp = client.get_experiment(run.info.experiment_id)
        check(exp.name == expect["experiment"],
              f"experiment {expect['experiment']!r} (got {exp.name!r})")

    if "params" in expect:
        want, got = expect["params"], run.data.params
        check(set(got) == set(want), f"param keys {sorted(want)} (got {sorted(got)})")
        for key in sorted(set(got) & set(want)):
            check(got[key] == want[key], f"param {key!r} == {short(want[key])} (got {short(got[key])})")
    for key, history in expect.get("metrics", {}).items():
        got = sorted((m.step, m.value) for m in client.get_metric_history(args.run_id, key))
        want = sorted((int(s), float(v)) for s, v in history)
        same = len(got) == len(want) and all(
            gs == ws and math.isclose(gv, wv, rel_tol=1e-12, abs_tol=0.0)
            for (gs, gv), (ws, wv) in zip(got, want))
        check(same, f"metric {key!r} history of {len(want)} points {short(want)} (got {short(got)})")
        if want:
            last = max(want)[1]
            check(math.isclose(run.data.metrics.get(key, math.nan), last, rel_tol=1e-12),
                  f"metric {key!r} latest value {last} (got {run.data.metrics.get(key)})")
    for key, value in expect.get("tags", {}).items():
        check(run.data.tags.get(key) == value,
              f"tag {key!r} == {value!r} (got {run.data.tags.get(key)!r})")

    files = list_files(client, args.run_id)
    for path in expect.get("artifacts", []):
        check(path in files, f"artifact {path!r} listed (listed: {files})")

    print(f"model {args.model_name}@{args.alias}")
    mv = client.get_model_version_by_alias(args.model_name, args.alias)
    check(mv.run_id == args.run_id, f"alias {args.alias!r} -> a version of run {args.run_id} "
                                     f"(got version {mv.version} of run {mv.run_id})")
    check(mv.status == "READY", f"model version status READY (got {mv.status})")
    if "version" in expect:
        check(str(mv.version) == str(expect["version"]),
              f"alias {args.alias!r} -> version {expect['version']} (got {mv.version})")

    with tempfile.TemporaryDirectory() as tmp:
        dst = os.path.join(tmp, "dl")
        os.makedirs(dst)
        local = mlflow.artifacts.download_artifacts(
            artifact_uri=f"models:/{args.model_name}@{args.alias}", dst_path=dst)
        got = {}
        for root, _, names in os.walk(local):
            for n in names:
                p = os.path.join(root, n)
                got[os.path.relpath(p, local)] = sha256(p)
        check(bool(got), f"models:/{args.model_name}@{args.alias} downloads files (got {sorted(got)})")
        if "model_files" in expect:
            check(got == expect["model_files"],
                  f"models:/{args.model_name}@{args.alias} yields exactly "
                  f"{sorted(expect['model_files'])} with their bytes (got {sorted(got)})")

    if failures:
        print(f"{len(failures)} check(s) failed:", file=sys.stderr)
        for f in failures:
            print(f"  - {f}", file=sys.stderr)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as e:  # a missing run / model / alias is a failure with its reason
        print(f"check_mlflow_run.py: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(2)
