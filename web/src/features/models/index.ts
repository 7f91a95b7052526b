/** The models feature's public entry point (client-safe): the model registry's client, hooks and model card. */
export * from './api';
export * from './components/ModelMetrics';
export * from './hooks/useModelInfo';
export * from './hooks/useModels';
export type * from './types';
