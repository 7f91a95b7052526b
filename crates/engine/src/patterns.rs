//! The 61 TA-Lib candlestick patterns: name, the label a span gets, and how many candles the
//! pattern spans (the recogniser fires on the last one).
use serde::Serialize;

#[derive(Debug, Clone, Copy, Serialize)]
pub struct PatternDef {
    /// The lowercase TA-Lib function name, also the feature column name: `cdlengulfing`.
    pub name: &'static str,
    /// How many candles the pattern covers, ending at the candle TA-Lib marks.
    pub candles: usize,
}

impl PatternDef {
    /// The label spans of this pattern carry: the name without its `cdl` prefix (`engulfing`).
    pub fn label(&self) -> &'static str {
        &self.name[3..]
    }
}

const fn p(name: &'static str, candles: usize) -> PatternDef {
    PatternDef { name, candles }
}

/// Every pattern TA-Lib recognises, in TA-Lib's alphabetical order. Candle counts follow TA-Lib's
/// own definitions; hikkake patterns count the setup (3 and 4 candles), since their confirmation
/// (±200) may come up to 3 candles later and is marked on the confirming candle itself.
pub const PATTERNS: [PatternDef; 61] = [
    p("cdl2crows", 3),
    p("cdl3blackcrows", 3),
    p("cdl3inside", 3),
    p("cdl3linestrike", 4),
    p("cdl3outside", 3),
    p("cdl3starsinsouth", 3),
    p("cdl3whitesoldiers", 3),
    p("cdlabandonedbaby", 3),
    p("cdladvanceblock", 3),
    p("cdlbelthold", 1),
    p("cdlbreakaway", 5),
    p("cdlclosingmarubozu", 1),
    p("cdlconcealbabyswall", 4),
    p("cdlcounterattack", 2),
    p("cdldarkcloudcover", 2),
    p("cdldoji", 1),
    p("cdldojistar", 2),
    p("cdldragonflydoji", 1),
    p("cdlengulfing", 2),
    p("cdleveningdojistar", 3),
    p("cdleveningstar", 3),
    p("cdlgapsidesidewhite", 3),
    p("cdlgravestonedoji", 1),
    p("cdlhammer", 1),
    p("cdlhangingman", 1),
    p("cdlharami", 2),
    p("cdlharamicross", 2),
    p("cdlhighwave", 1),
    p("cdlhikkake", 3),
    p("cdlhikkakemod", 4),
    p("cdlhomingpigeon", 2),
    p("cdlidentical3crows", 3),
    p("cdlinneck", 2),
    p("cdlinvertedhammer", 1),
    p("cdlkicking", 2),
    p("cdlkickingbylength", 2),
    p("cdlladderbottom", 5),
    p("cdllongleggeddoji", 1),
    p("cdllongline", 1),
    p("cdlmarubozu", 1),
    p("cdlmatchinglow", 2),
    p("cdlmathold", 5),
    p("cdlmorningdojistar", 3),
    p("cdlmorningstar", 3),
    p("cdlonneck", 2),
    p("cdlpiercing", 2),
    p("cdlrickshawman", 1),
    p("cdlrisefall3methods", 5),
    p("cdlseparatinglines", 2),
    p("cdlshootingstar", 1),
    p("cdlshortline", 1),
    p("cdlspinningtop", 1),
    p("cdlstalledpattern", 3),
    p("cdlsticksandwich", 3),
    p("cdltakuri", 1),
    p("cdltasukigap", 3),
    p("cdlthrusting", 2),
    p("cdltristar", 3),
    p("cdlunique3river", 3),
    p("cdlupsidegap2crows", 3),
    p("cdlxsidegap3methods", 3),
];

/// Finds a pattern by TA-Lib name (`cdlengulfing`) or label (`engulfing`), case-insensitively.
pub fn find(name_or_label: &str) -> Option<&'static PatternDef> {
    let wanted = name_or_label.trim().to_ascii_lowercase();
    PATTERNS.iter().find(|p| p.name == wanted || p.label() == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixty_one_distinct_patterns_all_known_to_talib() {
        let mut names: Vec<_> = PATTERNS.iter().map(|p| p.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 61);
        let (o, h, l, c) = ([1.0; 8], [2.0; 8], [0.5; 8], [1.5; 8]);
        for p in PATTERNS {
            crate::talib::cdl(p.name, &o, &h, &l, &c).unwrap();
            assert!((1..=5).contains(&p.candles));
        }
    }

    #[test]
    fn find_by_name_or_label() {
        assert_eq!(find("Engulfing").unwrap().name, "cdlengulfing");
        assert_eq!(find("cdlmorningstar").unwrap().candles, 3);
        assert!(find("bullflag").is_none());
    }
}
