"""Python LightGBM / XGBoost training on the matrices to_npy.py wrote, with the parameters the
engine passes to the same libraries (crates/engine/src/models/{lightgbm,xgboost}.rs), validation
metrics evaluated every round as the engine does. Its own process, so ru_maxrss is this run's.

Usage: python bench/train/py_train.py <lightgbm|xgboost|random_forest> <matrix dir> <rounds> <threads>
Prints JSON: fitSeconds (Dataset/DMatrix construction + training), peakRssMb, rssBeforeFitMb,
finalValidLogloss.
"""
import json
import os
import resource
import sys
import time

import numpy as np

model, mdir, rounds, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024


x_train = np.load(os.path.join(mdir, "x_train.npy"))
y_train = np.load(os.path.join(mdir, "y_train.npy"))
x_valid = np.load(os.path.join(mdir, "x_validation.npy"))
y_valid = np.load(os.path.join(mdir, "y_validation.npy"))
n_classes = json.load(open(os.path.join(mdir, "meta.json")))["classes"]
if model == "xgboost":
    import xgboost as xgb
else:
    import lightgbm as lgb
before = rss_mb()  # matrices loaded, library imported
seed = 42

if model in ("lightgbm", "random_forest"):
    params = {
        "objective": "multiclass", "num_class": n_classes, "metric": ["multi_logloss", "multi_error"],
        "seed": seed, "deterministic": True, "force_row_wise": True, "num_threads": threads, "verbosity": -1,
    }
    if model == "lightgbm":
        params.update(boosting="gbdt", learning_rate=0.1, num_leaves=31, max_depth=-1, min_data_in_leaf=20,
                      feature_fraction=1.0, bagging_fraction=1.0, bagging_freq=0, lambda_l2=1.0)
    else:
        params.update(boosting="rf", num_leaves=31, max_depth=-1, min_data_in_leaf=20,
                      feature_fraction=0.5, bagging_fraction=0.632, bagging_freq=1)
    t0 = time.perf_counter()
    train = lgb.Dataset(x_train, label=y_train, params=params)
    valid = lgb.Dataset(x_valid, label=y_valid, reference=train, params=params)
    log = {}
    booster = lgb.train(params, train, num_boost_round=rounds, valid_sets=[valid], valid_names=["valid"],
                        callbacks=[lgb.record_evaluation(log)])
    fit = time.perf_counter() - t0
    final = log["valid"]["multi_logloss"][-1]
    library = f"lightgbm {lgb.__version__}"
elif model == "xgboost":
    params = {
        "verbosity": 0, "objective": "multi:softprob", "num_class": n_classes, "tree_method": "hist",
        "eta": 0.1, "max_depth": 6, "min_child_weight": 1.0, "subsample": 1.0, "colsample_bytree": 1.0,
        "lambda": 1.0, "seed": seed, "nthread": threads, "eval_metric": ["mlogloss", "merror"],
        # The engine builds its booster from the xgb crate's BoosterParameters::default(), which sets
        # base_score=0.5 and max_bin=256 explicitly (XGBoost 3 would otherwise estimate the intercept).
        "base_score": 0.5, "max_bin": 256,
    }
    t0 = time.perf_counter()
    dtrain = xgb.DMatrix(x_train, label=y_train, missing=np.nan, nthread=threads)
    dvalid = xgb.DMatrix(x_valid, label=y_valid, missing=np.nan, nthread=threads)
    log = {}
    booster = xgb.train(params, dtrain, num_boost_round=rounds, evals=[(dvalid, "valid")], evals_result=log,
                        verbose_eval=False)
    fit = time.perf_counter() - t0
    final = log["valid"]["mlogloss"][-1]
    library = f"xgboost {xgb.__version__}"
else:
    sys.exit(f"unknown model {model}")

print(json.dumps({
    "model": model, "library": library, "fitSeconds": fit, "trainRows": int(x_train.shape[0]),
    "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rssBeforeFitMb": before,
    "finalValidLogloss": float(final),
}))
