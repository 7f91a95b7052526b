/** The workspace feature's public entry point (client-safe): what other features and the routes may use. */
export * from './components/AnnotatorApp';
