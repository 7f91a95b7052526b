//! The temporal split leaks nothing (purge gap respected, no row in two splits, held-out series
//! only in test, time order kept), and each balancing mode changes class counts as documented.
use engine::autolabel::{auto_label, AutoLabelOptions};
use engine::balance::{balance, BalanceMode, BalanceSpec};
use engine::dataset::{build, Dataset, Encoding, RowSpec, SeriesRows, SpanLabel, WindowLabel};
use engine::features::{compute_features, FeatureConfig, FeatureFrame, Selection};
use engine::split::{assign, SeriesTimeline, SplitAssignment, SplitMethod, SplitName, SplitSpec};

mod train_support;
use train_support::*;

struct Fixture {
    ids: Vec<String>,
    times: Vec<Vec<f64>>,
    data: Dataset,
    lookback: usize,
}

fn fixture(spec: &RowSpec) -> Fixture {
    let features = FeatureConfig {
        indicators: Selection::All(false),
        patterns: Selection::All(false),
        lags: 3,
        ..Default::default()
    };
    let lookback = features.max_lookback().unwrap();
    let (mut ids, mut times, mut frames, mut spans) =
        (vec![], vec![], Vec::<FeatureFrame>::new(), Vec::<Vec<SpanLabel>>::new());
    for sym in ["aapl", "msft", "ibm"] {
        let c = engine::import::import_csv_file(
            &repo_root().join(format!("data/samples/{sym}_daily.csv")),
            &Default::default(),
        )
        .unwrap()
        .series
        .remove(0)
        .candles;
        let opts = AutoLabelOptions { patterns: Some(vec!["engulfing".into(), "hammer".into()]), ..Default::default() };
        let mut s: Vec<SpanLabel> = auto_label(&c, &opts)
            .unwrap()
            .spans
            .to_rows()
            .into_iter()
            .map(|s| SpanLabel { start: s.start, end: s.end, label: s.label })
            .collect();
        // Keep them disjoint, as label resolution would.
        s.sort_by_key(|x| x.start);
        let mut last_end = None;
        s.retain(|x| {
            let keep = last_end.is_none_or(|e| x.start > e);
            if keep {
                last_end = Some(x.end);
            }
            keep
        });
        frames.push(compute_features(&c, &features).unwrap());
        spans.push(s);
        ids.push(sym.to_uppercase());
        times.push(c.time);
    }
    let rows: Vec<SeriesRows<'_>> =
        frames.iter().zip(&spans).map(|(frame, spans)| SeriesRows { frame, spans, candles: None }).collect();
    let data = build(&rows, &["engulfing".to_string(), "hammer".to_string()], spec).unwrap();
    Fixture { ids, times, data, lookback }
}

fn split(f: &Fixture, method: SplitMethod, gap: usize) -> SplitAssignment {
    let timelines: Vec<SeriesTimeline<'_>> =
        f.ids.iter().zip(&f.times).map(|(id, times)| SeriesTimeline { id, times }).collect();
    assign(&timelines, &f.data.rows, &SplitSpec { method, test_series: vec!["IBM".into()], purge_gap: gap }).unwrap()
}

fn check_no_leakage(f: &Fixture, s: &SplitAssignment, spec: &RowSpec) {
    let n = f.data.rows.len();
    let mut seen = vec![0u8; n];
    for rows in [&s.train, &s.validation, &s.test, &s.purged] {
        for &r in rows {
            seen[r] += 1;
        }
        // Never shuffled: every split keeps dataset (time) order.
        assert!(rows.windows(2).all(|w| w[0] < w[1]));
    }
    assert!(seen.iter().all(|&c| c == 1), "a row is in two splits or in none");
    for (series_idx, id) in f.ids.iter().enumerate() {
        let rows_of = |split: SplitName| -> Vec<usize> {
            s.rows(split).iter().copied().filter(|&r| f.data.rows[r].series as usize == series_idx).collect()
        };
        let (train, valid, test) =
            (rows_of(SplitName::Train), rows_of(SplitName::Validation), rows_of(SplitName::Test));
        if id == "IBM" {
            assert!(train.is_empty() && valid.is_empty() && !test.is_empty(), "held-out IBM outside test");
            continue;
        }
        assert!(!train.is_empty() && !valid.is_empty() && !test.is_empty(), "{id}: empty split");
        // Candles a row reads: its window and each window candle's feature look-back.
        let reads = |r: usize| {
            let (first, last) = spec.input_candles(f.data.rows[r].candle as usize);
            (first.saturating_sub(f.lookback), last)
        };
        for (earlier, later) in [(&train, &valid), (&valid, &test)] {
            let last_read = earlier.iter().map(|&r| reads(r).1).max().unwrap();
            let first_read = later.iter().map(|&r| reads(r).0).min().unwrap();
            assert!(last_read < first_read, "{id}: a later split reads candle {first_read} <= {last_read}");
            let gap = f.data.rows[later[0]].candle - f.data.rows[*earlier.last().unwrap()].candle;
            assert!(gap as usize > s.purge_gap, "{id}: targets only {gap} apart");
        }
    }
}

#[test]
fn ratio_split_with_held_out_series_has_no_leakage() {
    let spec = RowSpec {
        encoding: Encoding::Bio,
        window: 3,
        stride: 1,
        lookahead: 1,
        window_label: WindowLabel::End,
        context: 0,
    };
    let f = fixture(&spec);
    let gap = f.lookback + spec.window + spec.lookahead;
    let s = split(&f, SplitMethod::Ratios { train: 0.7, validation: 0.15, test: 0.15 }, gap);
    assert_eq!(s.purge_gap, gap);
    assert!(!s.purged.is_empty());
    check_no_leakage(&f, &s, &spec);
}

#[test]
fn date_split_of_windowed_rows_has_no_leakage() {
    let spec = RowSpec {
        encoding: Encoding::Windowed,
        window: 4,
        stride: 2,
        lookahead: 0,
        window_label: WindowLabel::Majority,
        context: 0,
    };
    let f = fixture(&spec);
    let gap = f.lookback + spec.window;
    let day = |s: &str| engine::annotations::parse_time(s).unwrap();
    let s =
        split(&f, SplitMethod::Dates { validation_start: day("2008-01-01"), test_start: Some(day("2010-06-01")) }, gap);
    check_no_leakage(&f, &s, &spec);
    for &r in &s.train {
        let row = f.data.rows[r];
        assert!(f.times[row.series as usize][row.candle as usize] < day("2008-01-01"));
    }
    for &r in s.validation.iter() {
        let row = f.data.rows[r];
        let t = f.times[row.series as usize][row.candle as usize];
        assert!(t >= day("2008-01-01") && t < day("2010-06-01"));
    }
}

#[test]
fn balancing_modes_change_class_counts_as_documented() {
    let spec = RowSpec {
        encoding: Encoding::Bio,
        window: 1,
        stride: 1,
        lookahead: 0,
        window_label: WindowLabel::End,
        context: 0,
    };
    let f = fixture(&spec);
    let s = split(&f, SplitMethod::Ratios { train: 0.7, validation: 0.15, test: 0.15 }, 40);
    let (y, names) = (&f.data.y, &f.data.class_names);
    let spec =
        |mode, seed| BalanceSpec { mode, background_ratio: 2.0, oversample_fraction: 0.5, max_weight: None, seed };
    let count = |rows: &[usize], c: u32| rows.iter().filter(|&&r| y[r] == c).count();
    let before: Vec<usize> = (0..names.len() as u32).map(|c| count(&s.train, c)).collect();
    let patterns: usize = before[1..].iter().sum();
    assert!(before[0] > 3 * patterns, "background should dominate: {before:?}");

    let none = balance(&s.train, y, names, 0, &spec(BalanceMode::None, 1));
    assert_eq!(none.rows, s.train);
    assert!(none.weights.is_none());

    let weighted = balance(&s.train, y, names, 0, &spec(BalanceMode::ClassWeights, 1));
    assert_eq!(weighted.rows, s.train);
    let w = weighted.weights.as_ref().unwrap();
    // Balanced weights: every present class carries the same total weight, n / k.
    let k = before.iter().filter(|&&n| n > 0).count() as f64;
    for c in 0..names.len() as u32 {
        let total: f64 = s.train.iter().zip(w).filter(|(r, _)| y[**r] == c).map(|(_, w)| *w as f64).sum();
        if before[c as usize] > 0 {
            assert!((total - s.train.len() as f64 / k).abs() < 1e-2 * s.train.len() as f64, "class {c}: {total}");
        }
    }
    assert_eq!(weighted.report.counts_before, weighted.report.counts_after);

    let under = balance(&s.train, y, names, 0, &spec(BalanceMode::Undersample, 1));
    assert_eq!(count(&under.rows, 0), 2 * patterns);
    for c in 1..names.len() as u32 {
        assert_eq!(count(&under.rows, c), before[c as usize]);
    }
    assert!(under.rows.windows(2).all(|w| w[0] < w[1]), "time order kept");
    assert_eq!(under.rows, balance(&s.train, y, names, 0, &spec(BalanceMode::Undersample, 1)).rows, "seeded");
    assert_ne!(under.rows, balance(&s.train, y, names, 0, &spec(BalanceMode::Undersample, 2)).rows);

    let over = balance(&s.train, y, names, 0, &spec(BalanceMode::Oversample, 1));
    let target = (before[0] as f64 * 0.5).ceil() as usize;
    assert_eq!(count(&over.rows, 0), before[0]);
    for c in 1..names.len() as u32 {
        if before[c as usize] > 0 {
            assert_eq!(count(&over.rows, c), target.max(before[c as usize]), "class {c}");
        }
    }
    assert_eq!(over.report.counts_after[&names[1]], target);
}

#[test]
fn the_run_records_its_balancing() {
    let out = tempfile::tempdir().unwrap();
    let cfg = parse(&small_config(
        out.path(),
        "  type: lightgbm\n  rounds: 3\n  threads: 2",
        "balance: { mode: undersample, background_ratio: 1.0 }\n",
    ));
    let outcome = train(&cfg).unwrap();
    assert!(outcome.rows.train_balanced < outcome.rows.train);
    let b = &outcome.balance;
    assert_eq!(b.mode, BalanceMode::Undersample);
    assert!(b.counts_after["O"] < b.counts_before["O"]);
    let metrics: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&outcome.paths.metrics_file).unwrap()).unwrap();
    assert_eq!(metrics["balance"]["mode"], "undersample");
}
