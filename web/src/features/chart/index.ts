/** The chart feature's public entry point (client-safe): what other features and the routes may use. */
export * from './components/CandleChart';
export * from './components/ChartToolbar';
export * from './components/OhlcvLegend';
export * from './lib/barRangeIndex';
export * from './lib/candleFeed';
export * from './lib/chartBars';
export * from './lib/chartController';
export * from './lib/seriesPrimitive';
export * from './lib/spanBandsPrimitive';
