/** The interchange feature's public entry point (client-safe): what other features and the routes may use. */
export * from './components/ImportExportDialog';
export * from './lib/exportFormats';
export * from './lib/importFormats';
export * from './types';
