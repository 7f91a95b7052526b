/** The training feature's public entry point (client-safe): what other features and the routes may use. */
export * from './components/TrainingSection';
export * from './lib/engineExport';
export * from './lib/presets';
