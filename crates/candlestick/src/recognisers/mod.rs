//! One file per recogniser, each a port of TA-Lib's, named as TA-Lib names it.
pub(crate) mod cdl2crows;
pub(crate) mod cdl3blackcrows;
pub(crate) mod cdl3inside;
pub(crate) mod cdl3linestrike;
pub(crate) mod cdl3outside;
pub(crate) mod cdl3starsinsouth;
pub(crate) mod cdl3whitesoldiers;
pub(crate) mod cdlabandonedbaby;
pub(crate) mod cdladvanceblock;
pub(crate) mod cdlbelthold;
pub(crate) mod cdlbreakaway;
pub(crate) mod cdlclosingmarubozu;
pub(crate) mod cdlconcealbabyswall;
pub(crate) mod cdlcounterattack;
pub(crate) mod cdldarkcloudcover;
pub(crate) mod cdldoji;
pub(crate) mod cdldojistar;
pub(crate) mod cdldragonflydoji;
pub(crate) mod cdlengulfing;
pub(crate) mod cdleveningdojistar;
pub(crate) mod cdleveningstar;
pub(crate) mod cdlgapsidesidewhite;
pub(crate) mod cdlgravestonedoji;
pub(crate) mod cdlhammer;
pub(crate) mod cdlhangingman;
pub(crate) mod cdlharami;
pub(crate) mod cdlharamicross;
pub(crate) mod cdlhighwave;
pub(crate) mod cdlhikkake;
pub(crate) mod cdlhikkakemod;
pub(crate) mod cdlhomingpigeon;
pub(crate) mod cdlidentical3crows;
pub(crate) mod cdlinneck;
pub(crate) mod cdlinvertedhammer;
pub(crate) mod cdlkicking;
pub(crate) mod cdlkickingbylength;
pub(crate) mod cdlladderbottom;
pub(crate) mod cdllongleggeddoji;
pub(crate) mod cdllongline;
pub(crate) mod cdlmarubozu;
pub(crate) mod cdlmatchinglow;
pub(crate) mod cdlmathold;
pub(crate) mod cdlmorningdojistar;
pub(crate) mod cdlmorningstar;
pub(crate) mod cdlonneck;
pub(crate) mod cdlpiercing;
pub(crate) mod cdlrickshawman;
pub(crate) mod cdlrisefall3methods;
pub(crate) mod cdlseparatinglines;
pub(crate) mod cdlshootingstar;
pub(crate) mod cdlshortline;
pub(crate) mod cdlspinningtop;
pub(crate) mod cdlstalledpattern;
pub(crate) mod cdlsticksandwich;
pub(crate) mod cdltakuri;
pub(crate) mod cdltasukigap;
pub(crate) mod cdlthrusting;
pub(crate) mod cdltristar;
pub(crate) mod cdlunique3river;
pub(crate) mod cdlupsidegap2crows;
pub(crate) mod cdlxsidegap3methods;

use crate::Native;

/// Every recogniser, in TA-Lib's alphabetical order.
pub(crate) const ALL: [Native; 61] = [
    cdl2crows::PATTERN,
    cdl3blackcrows::PATTERN,
    cdl3inside::PATTERN,
    cdl3linestrike::PATTERN,
    cdl3outside::PATTERN,
    cdl3starsinsouth::PATTERN,
    cdl3whitesoldiers::PATTERN,
    cdlabandonedbaby::PATTERN,
    cdladvanceblock::PATTERN,
    cdlbelthold::PATTERN,
    cdlbreakaway::PATTERN,
    cdlclosingmarubozu::PATTERN,
    cdlconcealbabyswall::PATTERN,
    cdlcounterattack::PATTERN,
    cdldarkcloudcover::PATTERN,
    cdldoji::PATTERN,
    cdldojistar::PATTERN,
    cdldragonflydoji::PATTERN,
    cdlengulfing::PATTERN,
    cdleveningdojistar::PATTERN,
    cdleveningstar::PATTERN,
    cdlgapsidesidewhite::PATTERN,
    cdlgravestonedoji::PATTERN,
    cdlhammer::PATTERN,
    cdlhangingman::PATTERN,
    cdlharami::PATTERN,
    cdlharamicross::PATTERN,
    cdlhighwave::PATTERN,
    cdlhikkake::PATTERN,
    cdlhikkakemod::PATTERN,
    cdlhomingpigeon::PATTERN,
    cdlidentical3crows::PATTERN,
    cdlinneck::PATTERN,
    cdlinvertedhammer::PATTERN,
    cdlkicking::PATTERN,
    cdlkickingbylength::PATTERN,
    cdlladderbottom::PATTERN,
    cdllongleggeddoji::PATTERN,
    cdllongline::PATTERN,
    cdlmarubozu::PATTERN,
    cdlmatchinglow::PATTERN,
    cdlmathold::PATTERN,
    cdlmorningdojistar::PATTERN,
    cdlmorningstar::PATTERN,
    cdlonneck::PATTERN,
    cdlpiercing::PATTERN,
    cdlrickshawman::PATTERN,
    cdlrisefall3methods::PATTERN,
    cdlseparatinglines::PATTERN,
    cdlshootingstar::PATTERN,
    cdlshortline::PATTERN,
    cdlspinningtop::PATTERN,
    cdlstalledpattern::PATTERN,
    cdlsticksandwich::PATTERN,
    cdltakuri::PATTERN,
    cdltasukigap::PATTERN,
    cdlthrusting::PATTERN,
    cdltristar::PATTERN,
    cdlunique3river::PATTERN,
    cdlupsidegap2crows::PATTERN,
    cdlxsidegap3methods::PATTERN,
];
