/** The autolabel feature's public entry point (client-safe): what other features and the routes may use. */
export * from './components/AutoLabelPanel';
export * from './lib/patternLabels';
