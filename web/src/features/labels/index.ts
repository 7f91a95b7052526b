/** The labels feature's public entry point (client-safe): what other features and the routes may use. */
export * from './api';
export * from './components/LabelManager';
export * from './components/LabelPicker';
export * from './defaultLabels';
export * from './types';
