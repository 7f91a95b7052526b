//! TA-Lib's candle settings, at TA-Lib's defaults (the only settings the product uses).

/// What a candle is measured by (TA-Lib's `TA_RangeType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeType {
    /// `|close - open|`
    RealBody,
    /// `high - low`
    HighLow,
    /// `(high - max(open, close)) + (min(open, close) - low)`; averages of it are halved.
    Shadows,
}

/// One of TA-Lib's eleven candle settings (`TA_CandleSettingType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    BodyLong,
    BodyVeryLong,
    BodyShort,
    BodyDoji,
    ShadowLong,
    ShadowVeryLong,
    ShadowShort,
    ShadowVeryShort,
    Near,
    Far,
    Equal,
}

impl Setting {
    /// TA-Lib's default range type, averaging period and factor for this setting
    /// (`TA_CandleDefaultSettings`).
    pub const fn spec(self) -> (RangeType, usize, f64) {
        match self {
            Setting::BodyLong => (RangeType::RealBody, 10, 1.0),
            Setting::BodyVeryLong => (RangeType::RealBody, 10, 3.0),
            Setting::BodyShort => (RangeType::RealBody, 10, 1.0),
            Setting::BodyDoji => (RangeType::HighLow, 10, 0.1),
            Setting::ShadowLong => (RangeType::RealBody, 0, 1.0),
            Setting::ShadowVeryLong => (RangeType::RealBody, 0, 2.0),
            Setting::ShadowShort => (RangeType::Shadows, 10, 1.0),
            Setting::ShadowVeryShort => (RangeType::HighLow, 10, 0.1),
            Setting::Near => (RangeType::HighLow, 5, 0.2),
            Setting::Far => (RangeType::HighLow, 5, 0.6),
            Setting::Equal => (RangeType::HighLow, 5, 0.05),
        }
    }

    pub const fn range(self) -> RangeType {
        self.spec().0
    }

    /// How many earlier candles the average takes (0: the candle's own range).
    pub const fn period(self) -> usize {
        self.spec().1
    }

    pub const fn factor(self) -> f64 {
        self.spec().2
    }
}

/// The larger of two periods, for lookbacks written as TA-Lib writes them.
pub const fn max(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}
