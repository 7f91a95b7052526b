// Stand-in for the `server-only` guard under Vitest (server modules are imported directly there).
export {};
