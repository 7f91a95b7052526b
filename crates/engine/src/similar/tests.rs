use super::*;

fn no_progress(_: f64) {}

fn search(examples: &[Example], targets: &[Candles], options: &SimilarOptions) -> Result<SimilarResult> {
    find_similar(examples, targets, options, &no_progress, &AtomicBool::new(false))
}

fn znorm(x: &[f64]) -> Vec<f64> {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let std = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    x.iter().map(|v| (v - mean) / std).collect()
}

/// Brute force: per-candle squared z-normalised distance of every window to the query.
fn brute_profile(query: &[f64], series: &[f64]) -> Vec<f64> {
    let q = znorm(query);
    let m = q.len();
    (0..=series.len() - m)
        .map(|p| {
            let w = znorm(&series[p..p + m]);
            q.iter().zip(&w).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / m as f64
        })
        .collect()
}

/// Overwrites candles `at..at + shape.len()` with `shape` scaled by `scale` and moved to start at
/// the series' price there (high/low around open/close).
fn plant(c: &mut Candles, at: usize, shape: &Candles, scale: f64) {
    let level = c.close[at.saturating_sub(1)];
    let base = shape.close[0];
    for i in 0..shape.close.len() {
        let map = |v: f64| level + (v - base) * scale;
        let (o, cl) = (map(shape.open[i]), map(shape.close[i]));
        c.open[at + i] = o;
        c.close[at + i] = cl;
        c.high[at + i] = map(shape.high[i]).max(o.max(cl));
        c.low[at + i] = map(shape.low[i]).min(o.min(cl));
        c.volume[at + i] = shape.volume[i];
    }
}

#[test]
fn the_best_window_and_its_distance_match_brute_force() {
    let series = Candles::random_walk(3_000, 7);
    let query = Candles::random_walk(40, 99);
    let options = SimilarOptions { max_results: Some(5), ..Default::default() };
    let found = search(&[Example::Candles(query.clone())], std::slice::from_ref(&series), &options).unwrap();
    let profile = brute_profile(&query.close, &series.close);
    let (best_at, best_d2) =
        profile.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)).map(|(i, d)| (i, *d)).unwrap();
    let top = &found.matches[0];
    assert_eq!((top.start, top.end), (best_at, best_at + 39));
    assert!((top.distance - (best_d2 * 40.0).sqrt()).abs() < 1e-6, "{} vs {}", top.distance, (best_d2 * 40.0).sqrt());
    assert!((top.similarity - (1.0 - best_d2 / 4.0)).abs() < 1e-9);
    // Every result is the exact distance of its window, ranked, and none overlap.
    for pair in found.matches.windows(2) {
        assert!(pair[0].similarity >= pair[1].similarity);
    }
    for m in &found.matches {
        assert!((m.distance - (profile[m.start] * 40.0).sqrt()).abs() < 1e-6);
        for o in &found.matches {
            assert!(std::ptr::eq(m, o) || m.end < o.start || o.end < m.start, "overlap {m:?} {o:?}");
        }
    }
    assert_eq!(found.stats.windows, profile.len() as u64);
}

#[test]
fn a_scaled_copy_is_found_exactly_and_the_example_itself_is_excluded() {
    let mut series = Candles::random_walk(5_000, 3);
    let shape = series.slice(1_000, 1_050);
    let mut copy = series.clone();
    plant(&mut copy, 4_000, &shape, 3.5);
    series = copy;
    let example = Example::Span(SpanRef { target: 0, start: 1_000, end: 1_049 });
    let found = search(&[example], &[series], &SimilarOptions::default()).unwrap();
    let top = &found.matches[0];
    assert_eq!((top.start, top.end), (4_000, 4_049));
    assert!(top.similarity > 0.999_999, "{}", top.similarity);
    assert!(found.matches.iter().all(|m| m.end < 1_000 || m.start > 1_049), "the example's own span came back");
}

#[test]
fn a_copy_across_a_chunk_border_is_found_in_a_long_series() {
    let mut series = Candles::random_walk(3 * CHUNK, 11);
    let shape = Candles::random_walk(60, 5);
    let at = CHUNK - 25;
    plant(&mut series, at, &shape, 0.01);
    let found = search(&[Example::Candles(shape)], &[series], &SimilarOptions::default()).unwrap();
    assert_eq!(found.matches[0].start, at);
    assert!(found.matches[0].similarity > 0.999_999);
}

#[test]
fn stretch_finds_a_resampled_copy() {
    let mut series = Candles::random_walk(6_000, 21);
    let shape = Candles::random_walk(50, 8);
    plant(&mut series, 2_000, &resample_candles(&shape, 60), 2.0);
    let exact =
        search(&[Example::Candles(shape.clone())], std::slice::from_ref(&series), &SimilarOptions::default()).unwrap();
    let options = SimilarOptions { stretch: 0.2, ..Default::default() };
    let stretched = search(&[Example::Candles(shape)], &[series], &options).unwrap();
    let top = &stretched.matches[0];
    assert_eq!((top.start, top.end), (2_000, 2_059), "{top:?}");
    assert!(top.similarity > 0.999, "{}", top.similarity);
    assert!(stretched.stats.lengths[0].contains(&60));
    // Without the tolerance the best window is a worse fit.
    assert!(exact.matches[0].similarity < top.similarity);
}

#[test]
fn several_examples_each_find_their_own_copy() {
    let mut a = Candles::random_walk(4_000, 31);
    let mut b = Candles::random_walk(4_000, 32);
    let s1 = Candles::random_walk(30, 1);
    let s2 = Candles::random_walk(45, 2);
    plant(&mut a, 500, &s1, 1.0);
    plant(&mut b, 3_000, &s2, 5.0);
    let examples = [Example::Candles(s1), Example::Candles(s2)];
    let found = search(&examples, &[a, b], &SimilarOptions { max_results: Some(2), ..Default::default() }).unwrap();
    let mut got: Vec<(usize, usize, usize)> = found.matches.iter().map(|m| (m.target, m.start, m.example)).collect();
    got.sort_unstable();
    assert_eq!(got, vec![(0, 500, 0), (1, 3_000, 1)]);
}

#[test]
fn ohlcv_channels_find_a_planted_candle_sequence() {
    let mut series = Candles::random_walk(5_000, 41);
    let shape = Candles::random_walk(25, 9);
    plant(&mut series, 3_333, &shape, 0.5);
    let options = SimilarOptions { channels: Channels::Ohlcv, ..Default::default() };
    let found = search(&[Example::Candles(shape)], &[series], &options).unwrap();
    assert_eq!(found.matches[0].start, 3_333);
    assert!(found.matches[0].similarity > 0.9999, "{}", found.matches[0].similarity);
}

#[test]
fn dtw_ranks_like_unpruned_dtw_and_prunes() {
    // Long enough for several steps, so the pool's bar drops while the scan goes on.
    let series = Candles::random_walk(20_000, 17);
    let query = Candles::random_walk(30, 4);
    let band = 0.1;
    let options = SimilarOptions { dtw: Some(DtwOptions { band }), max_results: Some(3), ..Default::default() };
    let found = search(&[Example::Candles(query.clone())], std::slice::from_ref(&series), &options).unwrap();
    // Unpruned DTW over every window.
    let q = znorm(&query.close);
    let r = (band * 30.0_f64).ceil() as usize;
    let tpl = Template {
        example: 0,
        len: 30,
        values: vec![q],
        group_norms: vec![1.0],
        band: r,
        upper: vec![],
        lower: vec![],
    };
    let (mut p, mut c) = (Vec::new(), Vec::new());
    let costs: Vec<f64> = (0..=series.close.len() - 30)
        .map(|s| {
            let w = znorm(&series.close[s..s + 30]);
            dtw::tests_support::dtw(&tpl, &w, r, &mut p, &mut c) / 30.0
        })
        .collect();
    let best = costs.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1)).unwrap();
    assert_eq!(found.matches[0].start, best.0);
    assert!((found.matches[0].distance - (best.1 * 30.0).sqrt()).abs() < 1e-6);
    assert!(
        found.stats.pruned_by_lower_bound + found.stats.dtw_abandoned > found.stats.windows / 2,
        "{:?}",
        found.stats
    );
    // DTW never exceeds the Euclidean distance of the same window.
    let ed = brute_profile(&query.close, &series.close);
    assert!(*best.1 <= ed[best.0] + 1e-12);
}

#[test]
fn min_similarity_max_results_and_min_gap_limit_the_results() {
    let series = Candles::random_walk(4_000, 5);
    let query = Candles::random_walk(20, 6);
    let all = search(
        &[Example::Candles(query.clone())],
        std::slice::from_ref(&series),
        &SimilarOptions { max_results: Some(200), ..Default::default() },
    )
    .unwrap();
    assert!(all.matches.len() > 50);
    let cut = all.matches[10].similarity;
    let o = SimilarOptions { max_results: Some(200), min_similarity: Some(cut), ..Default::default() };
    let above = search(&[Example::Candles(query.clone())], std::slice::from_ref(&series), &o).unwrap();
    assert_eq!(above.matches.len(), 11);
    let gap = SimilarOptions { max_results: Some(200), min_gap: 30, ..Default::default() };
    let spaced = search(&[Example::Candles(query)], &[series], &gap).unwrap();
    let mut spans: Vec<(usize, usize)> = spaced.matches.iter().map(|m| (m.start, m.end)).collect();
    spans.sort_unstable();
    assert!(spans.windows(2).all(|w| w[1].0 > w[0].1 + 30));
}

#[test]
fn the_report_scores_the_search_as_a_labelling_function() {
    let mut series = Candles::random_walk(5_000, 51);
    let shape = series.slice(100, 140);
    plant(&mut series, 1_000, &shape, 2.0);
    plant(&mut series, 3_000, &shape, 0.5);
    let human = |start: usize, end: usize, label: &str, negative: bool| ReportSpan {
        target: 0,
        start,
        end,
        label: label.into(),
        negative,
    };
    let options = SimilarOptions {
        max_results: Some(10),
        min_similarity: Some(0.99),
        label: Some("double top".into()),
        human_spans: vec![
            human(100, 139, "double top", false),     // the example: not counted for recall
            human(1_000, 1_039, "double top", false), // found
            human(3_010, 3_020, "bull flag", false),  // conflict
            human(4_500, 4_540, "double top", false), // missed
        ],
        machine_spans: vec![ReportSpan { target: 0, start: 1_030, end: 1_031, label: "doji".into(), negative: false }],
        ..Default::default()
    };
    let example = Example::Span(SpanRef { target: 0, start: 100, end: 139 });
    let found = search(&[example], &[series], &options).unwrap();
    let r = &found.report;
    // Only the two planted copies are that alike.
    assert_eq!(r.count, 2, "{:?}", found.matches);
    assert_eq!(r.overlaps, 1);
    assert_eq!(r.conflicts, Some(1));
    assert_eq!(r.precision, Some(0.5));
    assert_eq!(r.recall, Some(0.5));
    assert!((r.coverage - 80.0 / 5_000.0).abs() < 1e-12);
    assert_eq!(r.per_target[0].count, 2);
}

#[test]
fn bad_input_gets_coded_errors() {
    let series = Candles::random_walk(500, 1);
    let ex = |s, e| Example::Span(SpanRef { target: 0, start: s, end: e });
    let code = |examples: &[Example], targets: &[Candles], o: SimilarOptions| {
        search(examples, targets, &o).unwrap_err().code()
    };
    let d = SimilarOptions::default;
    assert_eq!(code(&[], std::slice::from_ref(&series), d()), "INVALID_ARGUMENT");
    assert_eq!(code(&[ex(0, 10)], &[], d()), "INVALID_ARGUMENT");
    assert_eq!(code(&[ex(0, 2)], std::slice::from_ref(&series), d()), "INVALID_ARGUMENT");
    assert_eq!(code(&[ex(10, 5)], std::slice::from_ref(&series), d()), "INVALID_ARGUMENT");
    assert_eq!(code(&[ex(490, 510)], std::slice::from_ref(&series), d()), "INVALID_ARGUMENT");
    let bad = Example::Span(SpanRef { target: 3, start: 0, end: 10 });
    assert_eq!(code(&[bad], std::slice::from_ref(&series), d()), "INVALID_ARGUMENT");
    for o in [
        SimilarOptions { stretch: 0.9, ..d() },
        SimilarOptions { max_results: Some(0), ..d() },
        SimilarOptions { min_similarity: Some(1.5), ..d() },
        SimilarOptions { dtw: Some(DtwOptions { band: -1.0 }), ..d() },
        SimilarOptions { volume_weight: Some(1.0), ..d() },
        SimilarOptions { stretch_steps: Some(0), stretch: 0.1, ..d() },
    ] {
        assert_eq!(code(&[ex(0, 10)], std::slice::from_ref(&series), o.clone()), "INVALID_ARGUMENT", "{o:?}");
    }
    let mut flat = series.clone();
    flat.close[20..40].fill(7.0);
    let err = search(&[ex(20, 39)], &[flat], &d()).unwrap_err();
    assert!(err.to_string().contains("do not move"), "{err}");
    let mut nan = series.clone();
    nan.close[77] = f64::NAN;
    let err = search(&[ex(0, 10)], &[nan], &d()).unwrap_err();
    assert_eq!(err.code(), "INVALID_CANDLES");
    assert!(err.to_string().contains("target 0") && err.to_string().contains("index 77"), "{err}");
    let mut short = series.clone();
    short.volume.pop();
    let ohlcv = SimilarOptions { channels: Channels::Ohlcv, ..d() };
    assert_eq!(code(&[ex(0, 10)], &[short], ohlcv), "INVALID_CANDLES");
    let unknown = serde_json::from_str::<SimilarOptions>(r#"{"maxResult": 3}"#).unwrap_err();
    assert!(unknown.to_string().contains("maxResult"));
}

#[test]
fn targets_shorter_than_the_query_and_flat_stretches_are_skipped() {
    let mut series = Candles::random_walk(1_000, 2);
    series.close[300..400].fill(50.0);
    let tiny = Candles::random_walk(10, 3);
    let found =
        search(&[Example::Span(SpanRef { target: 0, start: 0, end: 29 })], &[series, tiny], &SimilarOptions::default())
            .unwrap();
    assert!(!found.matches.is_empty());
    // Windows wholly inside the flat stretch have no shape; ones reaching out of it do.
    assert!(found.matches.iter().all(|m| m.target == 0 && !(m.start >= 300 && m.end < 400)));
}

#[test]
fn cancel_stops_the_search_and_progress_rises_to_one() {
    let series = Candles::random_walk(4 * CHUNK, 8);
    let example = [Example::Span(SpanRef { target: 0, start: 0, end: 49 })];
    let cancel = AtomicBool::new(true);
    let err = find_similar(&example, std::slice::from_ref(&series), &SimilarOptions::default(), &no_progress, &cancel)
        .unwrap_err();
    assert_eq!(err.code(), "CANCELLED");
    let seen = std::sync::Mutex::new(Vec::new());
    let record = |f: f64| seen.lock().unwrap().push(f);
    find_similar(&example, &[series], &SimilarOptions::default(), &record, &AtomicBool::new(false)).unwrap();
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.first(), Some(&0.0));
    assert_eq!(seen.last(), Some(&1.0));
    assert!(seen.len() >= 3);
}

#[test]
fn accepted_results_are_a_span_source_that_trains_like_a_persons() {
    let json = br#"[{"symbol":"AAPL","start":1,"end":2,"label":"double top","source":"similar"}]"#;
    let records = crate::annotations::parse_json(json, "spans.json").unwrap();
    assert_eq!(records[0].record.source, crate::annotations::AnnotationSource::Similar);
    assert!(records[0].record.source.is_human(), "a person accepted it");
}
