"""The reference side of bench/predict: a prediction service built the way the project's seed
built one — FastAPI + pydantic validation, TA-Lib features (the definitions of
scripts/talib_parity.py, which the parity test holds equal to the engine's), and the registry
version's OWN model file scored by Python's LightGBM or XGBoost — served by one uvicorn worker.

  python bench/predict/reference_service.py VERSION_DIR FIRST_TARGET PORT [DATASET_JSON]

VERSION_DIR is a registry version (its model.json names the model file, classes, features and
row layout); FIRST_TARGET is the first candle that gets a prediction (feature warm-up + window −
look-ahead, from the engine's modelInfo). POST /predict takes what the product's /api/predict
takes in its JSON form, `{"candles": {time, open, high, low, close, volume}}`, and answers
`{"spans": [...], "candleCount": n}` with the spans decoded exactly as the engine decodes them
(crates/engine/src/evaluation/spans.rs), so the benchmark can check that both sides agree.
With DATASET_JSON (candle columns, held in memory as the dataset's store), POST /predict_range
takes what the product's dataset-range form takes, `{"from": ms, "to": ms}`, and scores the range
with the same context around it as the product does.
"""
import json
import math
import os
import sys
from typing import List, Optional

import numpy as np
import uvicorn
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from talib_parity import feature_reference, raw_reference  # noqa: E402

MAX_CANDLES = 200_000


class Columns(BaseModel):
    time: List[Optional[float]] = Field(max_length=MAX_CANDLES)
    open: List[Optional[float]] = Field(max_length=MAX_CANDLES)
    high: List[Optional[float]] = Field(max_length=MAX_CANDLES)
    low: List[Optional[float]] = Field(max_length=MAX_CANDLES)
    close: List[Optional[float]] = Field(max_length=MAX_CANDLES)
    volume: List[Optional[float]] = Field(max_length=MAX_CANDLES)


class PredictBody(BaseModel):
    candles: Columns


class RangeBody(BaseModel):
    """A time range of the dataset the service holds (epoch ms, both ends included)."""
    start: float = Field(alias="from")
    end: float = Field(alias="to")


# Candles read around a range besides the model's own needs: the product's EDGE_CONTEXT_CANDLES.
EDGE_CONTEXT = 256


def load_model(version_dir):
    with open(os.path.join(version_dir, "model.json")) as f:
        card = json.load(f)
    path = os.path.join(version_dir, card["modelFile"])
    if card["modelType"] == "xgboost":
        import xgboost as xgb

        booster = xgb.Booster(model_file=path)

        def predict(rows):
            return booster.inplace_predict(rows)
    else:
        import lightgbm as lgb

        booster = lgb.Booster(model_file=path)

        def predict(rows):
            return booster.predict(rows)

    return card, predict


def parse_class(name, encoding):
    """(label, tag) for a pattern class, None for the background (the engine's parse_class)."""
    if encoding == "bio":
        for tag in ("B", "I"):
            if name.startswith(tag + "-"):
                return name[2:], tag
        return None
    return None if name == "background" else (name, "W")


def decode_spans(probabilities, class_names, encoding, min_len=1):
    """crates/engine/src/evaluation/spans.rs::decode_spans, line for line."""
    parsed = [parse_class(c, encoding) for c in class_names]
    classes_of = {}
    for c, p in enumerate(parsed):
        if p is not None:
            classes_of.setdefault(p[0], []).append(c)
    spans, open_span = [], None

    def close(end_excl):
        nonlocal open_span
        if open_span is not None:
            label, start, total = open_span
            if end_excl - start >= max(min_len, 1):
                spans.append({"start": start, "end": end_excl - 1, "label": label,
                              "confidence": total / (end_excl - start)})
            open_span = None

    argmax = probabilities.argmax(axis=1)  # the lowest index on ties, as the engine's argmax
    for row in range(probabilities.shape[0]):
        p = parsed[argmax[row]]
        if p is None:
            close(row)
            continue
        label, tag = p
        if not (open_span is not None and open_span[0] == label and tag != "B"):
            close(row)
            open_span = (label, row, 0.0)
        mass = float(sum(probabilities[row, c] for c in classes_of[label]))
        open_span = (open_span[0], open_span[1], open_span[2] + mass)
    close(probabilities.shape[0])
    return spans


def make_app(version_dir, first_target, dataset=None):
    card, predict = load_model(version_dir)
    names = card["featureNames"]
    rows_spec = card["rows"]
    window, lookahead = rows_spec["window"], rows_spec["lookahead"]
    lags = card["featureConfig"].get("lags", 0)
    encoding = rows_spec["encoding"]
    classes = card["classNames"]
    app = FastAPI()

    @app.get("/health")
    def health_route():
        # The fixed cost of a request here, for the benchmark's "floor" row.
        return {"ok": True}

    def spans_of(t, o, h, l, cl, v):
        """The spans over candles given as float64 columns (indices into them)."""
        n = len(t)
        if n < first_target + lookahead + 1:
            raise HTTPException(400, f"needs at least {first_target + lookahead + 1} candles")
        feats = feature_reference(o, h, l, cl, v, raw_reference(o, h, l, cl, v), lags)
        frame = np.column_stack([feats[name] for name in names])
        targets = np.arange(first_target, n - lookahead)
        # Row for candle t: the features of candles t + lookahead + 1 - window ..= t + lookahead.
        steps = [frame[targets + lookahead + 1 - window + k] for k in range(window)]
        rows = np.hstack(steps).astype(np.float32)
        rows[~np.isfinite(rows)] = np.nan
        probabilities = np.asarray(predict(rows), dtype=np.float64).reshape(len(targets), len(classes))
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        spans = decode_spans(probabilities, classes, encoding)
        for s in spans:
            s["start"], s["end"] = int(targets[s["start"]]), int(targets[s["end"]])
            s["startTime"], s["endTime"] = t[s["start"]], t[s["end"]]
        return spans

    @app.post("/predict")
    def predict_route(body: PredictBody):
        c = body.candles
        cols = [np.array([math.nan if x is None else x for x in col], dtype=np.float64)
                for col in (c.time, c.open, c.high, c.low, c.close, c.volume)]
        n = len(cols[0])
        if any(len(col) != n for col in cols):
            raise HTTPException(400, "columns differ in length")
        return {"spans": spans_of(*cols), "candleCount": n}

    if dataset is not None:
        @app.post("/predict_range")
        def predict_range_route(body: RangeBody):
            # The product's dataset-range form (web/src/features/predictions/server/predictService.ts):
            # the range's candles with the model's warm-up + EDGE_CONTEXT candles before them and
            # EDGE_CONTEXT after, scored together; spans reaching into the context clipped at the
            # range's edges, indices from the range's first candle.
            t = dataset[0]
            first = int(np.searchsorted(t, body.start, side="left"))
            end = int(np.searchsorted(t, body.end, side="right"))
            count = max(0, end - first)
            if count == 0:
                return {"spans": [], "candleCount": 0}
            lo = max(0, first - (first_target + lookahead + 1 + EDGE_CONTEXT))
            hi = min(len(t), end + EDGE_CONTEXT)
            before = first - lo
            spans = []
            for s in spans_of(*(col[lo:hi] for col in dataset)):
                if s["end"] < before or s["start"] >= before + count:
                    continue
                start, stop = s["start"] - before, s["end"] - before
                if start < 0:
                    s["startTime"] = t[first]
                if stop > count - 1:
                    s["endTime"] = t[end - 1]
                s["start"], s["end"] = max(0, start), min(count - 1, stop)
                spans.append(s)
            return {"spans": spans, "candleCount": count}

    return app


def load_dataset(path):
    """Candle columns (bench/predict/setup.js's ibm.json) as float64 arrays, held in memory."""
    with open(path) as f:
        columns = json.load(f)
    return [np.array(columns[k], dtype=np.float64) for k in ("time", "open", "high", "low", "close", "volume")]


if __name__ == "__main__":
    version_dir, first_target, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    dataset = load_dataset(sys.argv[4]) if len(sys.argv) > 4 else None
    uvicorn.run(make_app(version_dir, first_target, dataset), host="127.0.0.1", port=port, workers=1,
                log_level="warning", access_log=False)
