/** The labelstudio feature's public entry point (client-safe): what other features and the routes may use. */
export * from './api';
export * from './components/SyncProblemsPanel';
export * from './hooks/useSyncProblemCount';
