import path from 'node:path';
import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Native addons are loaded with Node's own require, never bundled.
  serverExternalPackages: ['@candle-annotator/engine', 'better-sqlite3'],
  // The npm workspace root (one lockfile, hoisted node_modules holding the engine addon).
  turbopack: { root: path.resolve(import.meta.dirname, '..') },
  outputFileTracingRoot: path.resolve(import.meta.dirname, '..'),
  poweredByHeader: false,
  // Dev server reachable as 127.0.0.1 as well as localhost (browser tests, other tabs).
  allowedDevOrigins: ['127.0.0.1'],
  devIndicators: false,
  reactStrictMode: true,
};

export default nextConfig;
