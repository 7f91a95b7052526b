/** The datasets feature's public entry point (client-safe): what other features and the routes may use. */
export * from './api';
export * from './components/DatasetDialog';
export * from './components/DatasetPicker';
export * from './components/UploadDialog';
export * from './lib/candleClock';
export * from './lib/uploadChecks';
export * from './types';
export * from './hooks/useDatasetSelection';
