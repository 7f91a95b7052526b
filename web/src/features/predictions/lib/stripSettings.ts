import type { StripMode } from './confidenceStrip';

/** The confidence strip's settings, kept in the browser like the other UI preferences. */
export const STRIP_KEY = 'candle.confidenceStrip';

export interface StripSettings {
  on: boolean;
  mode: StripMode;
  tint: boolean;
}

export const STRIP_DEFAULTS: StripSettings = { on: false, mode: 'confidence', tint: false };

/** Saved settings as stored (JSON, possibly from an older version or damaged): defaults fill the gaps. */
export function parseStripSettings(saved: string | null): StripSettings {
  try {
    const s = JSON.parse(saved ?? '{}') as Partial<StripSettings>;
    return {
      on: typeof s.on === 'boolean' ? s.on : STRIP_DEFAULTS.on,
      mode: s.mode === 'uncertainty' ? 'uncertainty' : 'confidence',
      tint: typeof s.tint === 'boolean' ? s.tint : STRIP_DEFAULTS.tint,
    };
  } catch {
    return STRIP_DEFAULTS;
  }
}
