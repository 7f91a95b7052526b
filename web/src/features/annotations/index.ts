/** The annotations feature's public entry point (client-safe): what other features and the routes may use. */
export * from './components/SaveStatusBadge';
export * from './components/SpanInspector';
export * from './components/SpanList';
export * from './lib/annotationStore';
export * from './lib/spanMath';
export * from './types';
export * from './hooks/useStoreLifecycle';
