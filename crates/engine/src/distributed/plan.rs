//! Shard planning: which worker imports and featurises which `data.series` entries.
//!
//! Series are never split: every series (with all its candles, annotations and split stretches)
//! lives on one worker, so the temporal split, the purge gap and span decoding are exactly the
//! single-process ones. Entries are spread by file size (largest first onto the least-loaded
//! worker) when the coordinator can see the files, else one by one. Entries held out for test
//! (`split.test_series`, by symbol or file name) go last, so every worker gets training series.
use crate::config::CheckedSeries;
use crate::error::{EngineError, Result};
use serde::Serialize;

/// One worker's share: indices into `data.series`, in config order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shard {
    pub rank: usize,
    pub series: Vec<usize>,
}

/// The series id an entry will most likely get (its symbol, else its file name).
fn likely_id(s: &CheckedSeries) -> String {
    s.symbol.clone().unwrap_or_else(|| s.path.file_stem().map(|x| x.to_string_lossy().into_owned()).unwrap_or_default())
}

pub fn plan(series: &[CheckedSeries], test_series: &[String], workers: usize) -> Result<Vec<Shard>> {
    let held_out = |s: &CheckedSeries| test_series.iter().any(|t| t.eq_ignore_ascii_case(&likely_id(s)));
    let sizes: Option<Vec<u64>> = series.iter().map(|s| std::fs::metadata(&s.path).ok().map(|m| m.len())).collect();
    let weight = |i: usize| sizes.as_ref().map_or(1, |w| w[i].max(1));
    let (training, testing): (Vec<usize>, Vec<usize>) = (0..series.len()).partition(|&i| !held_out(&series[i]));
    if training.len() < workers {
        return Err(EngineError::InvalidConfig(format!(
            "distributed.workers: {workers} workers but only {} series to train on (the others are split.test_series): \
             every worker needs one; use fewer workers",
            training.len()
        )));
    }
    let mut shards: Vec<Shard> = (0..workers).map(|rank| Shard { rank, series: Vec::new() }).collect();
    let mut load = vec![0u64; workers];
    for group in [training, testing] {
        let mut order = group;
        // Largest first; equal sizes keep config order.
        order.sort_by_key(|&i| std::cmp::Reverse(weight(i)));
        for i in order {
            let target = (0..workers).min_by_key(|&w| (load[w], w)).expect("at least one worker");
            load[target] += weight(i);
            shards[target].series.push(i);
        }
    }
    for s in &mut shards {
        s.series.sort_unstable();
    }
    Ok(shards)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn entry(path: &str, symbol: Option<&str>) -> CheckedSeries {
        CheckedSeries {
            path: PathBuf::from(path),
            path_text: path.into(),
            symbol: symbol.map(str::to_string),
            timeframe: None,
        }
    }

    #[test]
    fn every_worker_gets_training_series_and_sizes_balance() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/samples");
        let p = |f: &str| root.join(f).to_string_lossy().into_owned();
        let series = vec![
            entry(&p("aapl_daily.csv"), Some("AAPL")),
            entry(&p("msft_daily.csv"), Some("MSFT")),
            entry(&p("ibm_daily.csv"), Some("IBM")),
            entry(&p("goog_daily.csv"), None),
            entry(&p("sp500_daily_yahoo.csv"), Some("SPX")),
        ];
        let shards = plan(&series, &["IBM".into()], 3).unwrap();
        // The S&P file is the largest: alone-ish; IBM (held out) joins a worker last.
        assert_eq!(shards.iter().map(|s| s.series.len()).sum::<usize>(), 5);
        for s in &shards {
            assert!(s.series.iter().any(|&i| i != 2), "worker {} has no training series: {shards:?}", s.rank);
        }
        assert!(shards.iter().any(|s| s.series == [4]));
        // Held-out entries are never the only thing a worker has, even with files it cannot see.
        let unseen: Vec<CheckedSeries> =
            ["a", "b", "c"].iter().map(|n| entry(&format!("/nowhere/{n}.csv"), None)).collect();
        let shards = plan(&unseen, &["a".into()], 2).unwrap();
        assert_eq!(shards[0].series, [0, 1]);
        assert_eq!(shards[1].series, [2]);
        let err = plan(&unseen, &["a".into(), "b".into()], 2).unwrap_err();
        assert_eq!(err.code(), "INVALID_CONFIG");
    }
}
