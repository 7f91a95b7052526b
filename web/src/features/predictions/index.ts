/** The predictions feature's public entry point (client-safe): what other features and the routes may use. */
export * from './components/ModelPanel';
