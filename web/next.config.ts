import path from 'node:path';
import type { NextConfig } from 'next';

/** Security headers on every response (the page CSP, with its nonce, is set by src/proxy.ts). */
const SECURITY_HEADERS = [
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'Referrer-Policy', value: 'no-referrer' },
  { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
  { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
];

const nextConfig: NextConfig = {
  // The container image (Dockerfile) builds with NEXT_OUTPUT=standalone: a self-contained server
  // with only the traced modules. `npm start` keeps the regular output that `next start` serves.
  output: process.env.NEXT_OUTPUT === 'standalone' ? 'standalone' : undefined,
  // Native addons are loaded with Node's own require, never bundled.
  serverExternalPackages: ['@candle-annotator/engine', 'better-sqlite3'],
  // The npm workspace root (one lockfile, hoisted node_modules holding the engine addon).
  turbopack: { root: path.resolve(import.meta.dirname, '..') },
  outputFileTracingRoot: path.resolve(import.meta.dirname, '..'),
  poweredByHeader: false,
  // Answers go out uncompressed: gzip on the server's JS thread costs more time than it saves on
  // the links the app is served over (loopback, a LAN; farther, a TLS proxy that compresses).
  // The chart's 155 KB candles query took 10.2–11.4 ms gzipped against 3.8–4.5 ms (docs/decisions.md).
  compress: false,
  // Dev server reachable as 127.0.0.1 as well as localhost (browser tests, other tabs).
  allowedDevOrigins: ['127.0.0.1'],
  devIndicators: false,
  reactStrictMode: true,
  async headers() {
    return [
      { source: '/:path*', headers: SECURITY_HEADERS },
      // API answers are data, never documents: nothing may run or frame them (the plot route sets its own CSP).
      {
        source: '/api/:path((?!model-plot).*)',
        headers: [{ key: 'Content-Security-Policy', value: "default-src 'none'; frame-ancestors 'none'" }],
      },
    ];
  },
};

export default nextConfig;
