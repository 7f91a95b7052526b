/** The datasets feature's server-side entry point: what other features and the routes may use. */
export * from './server/candleRepository';
export * from './server/datasetImportService';
export * from './server/datasetRepository';
export * from './server/demoDatasets';
export * from './server/uploadGate';
export * from './server/uploadBody';
export * from './server/stagedUploads';
// Request schemas (zod): the routes validate with them; kept out of the client entry point.
export * from './schemas';
// Response schemas (zod): what the routes answer (reply).
export * from './responses';
