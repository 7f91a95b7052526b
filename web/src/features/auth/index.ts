/** The auth feature's public entry point (client-safe): what other features and the routes may use. */
export * from './components/AdminPanel';
export * from './components/LoginForm';
export * from './components/UserMenu';
export * from './types';
