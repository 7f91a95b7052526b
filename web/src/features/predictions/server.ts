/** The predictions feature's server-side entry point: what other features and the routes may use. */
export * from './server/predictService';
export * from './server/reviewedRegionRepository';
export * from './server/predictionWindowSetting';
// Request schemas (zod): the routes validate with them; kept out of the client entry point.
export * from './schemas';
// The binary candle-column body of POST /api/predict (its parser, encoder and body types).
export * from './lib/binaryColumns';
// Response schemas (zod): what the routes answer (reply).
export * from './responses';
