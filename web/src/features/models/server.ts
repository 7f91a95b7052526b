/** The models feature's server-side entry point (the model registry): what other features and the routes may use. */
export * from './server/registry';
// Request schemas (zod): the routes validate with them; kept out of the client entry point.
export * from './schemas';
// Response schemas (zod): what the routes answer (reply).
export * from './responses';
