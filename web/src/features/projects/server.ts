/** The projects feature's server-side entry point: what other features and the routes may use. */
export * from './server/projectRepository';
// Request schemas (zod): the routes validate with them; kept out of the client entry point.
export * from './schemas';
// Response schemas (zod): what the routes answer (reply).
export * from './responses';
