import type { Metadata, Viewport } from 'next';
import './globals.css';

export const metadata: Metadata = {
  title: 'Candle Annotator',
  description: 'Label candlestick chart patterns for model training.',
};

// Every page is rendered per request: each gets its own CSP nonce (src/proxy.ts).
export const dynamic = 'force-dynamic';

export const viewport: Viewport = { themeColor: '#0b0e14', colorScheme: 'dark' };

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
