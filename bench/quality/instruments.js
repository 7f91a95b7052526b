// The benchmark's instruments: the five shipped daily samples train; three instruments of other
// asset classes and timeframes are held out (never in training). Provenance: data/samples/PROVENANCE.md.
'use strict';
const INSTRUMENTS = [
  { symbol: 'AAPL', path: 'data/samples/aapl_daily.csv', timeframe: '1d', role: 'train' },
  { symbol: 'MSFT', path: 'data/samples/msft_daily.csv', timeframe: '1d', role: 'train' },
  { symbol: 'GOOG', path: 'data/samples/goog_daily.csv', timeframe: '1d', role: 'train' },
  { symbol: 'IBM', path: 'data/samples/ibm_daily.csv', timeframe: '1d', role: 'train' },
  { symbol: 'SPX', path: 'data/samples/sp500_daily_yahoo.csv', timeframe: '1d', role: 'train' },
  {
    symbol: 'NASDAQ',
    path: 'data/samples/nasdaq_daily_yahoo.csv',
    timeframe: '1d',
    role: 'held-out',
    what: 'index daily',
  },
  { symbol: 'EURUSD', path: 'data/samples/eurusd_1h_ask.csv', timeframe: '1h', role: 'held-out', what: 'FX 1h' },
  {
    symbol: 'BTCUSD',
    path: 'data/samples/btcusd_1h_coinbase.csv',
    timeframe: '1h',
    role: 'held-out',
    what: 'crypto 1h',
  },
];
module.exports = { INSTRUMENTS };
