/** The interchange feature's server-side entry point: what other features and the routes may use. */
export * from './server/exportService';
export * from './server/importService';
// Request schemas (zod): the routes validate with them; kept out of the client entry point.
export * from './schemas';
// The span export record (zod): its schema is the source of the export's OpenAPI component and span.schema.json.
export { spanExportSchema, spanRecordSchema } from './lib/spanRecord';
// Response schemas (zod): what the routes answer (reply).
export * from './responses';
