import 'server-only';
import { randomUUID } from 'node:crypto';
import type { ImportResult } from '@/server/engine';
import type { Principal } from '@/server/auth/roles';

/** How long a preview's parse waits for its Import. */
export const STAGED_TTL_MS = 10 * 60_000;
/** Candles all staged parses may hold together (48 bytes each: 30M ≈ 1.4 GB); the oldest go first. */
export const STAGED_MAX_CANDLES = 30_000_000;

/** The options that decide how a file is read; an Import of a staged parse must give the same. */
export interface StagedReading {
  timeFormat?: string;
  dayFirst?: boolean;
  decimal?: string;
  thousands?: string;
}

/** A staged parse, and the timeframe option it was parsed with (it overrode the inferred ones). */
export interface StagedParse {
  result: ImportResult;
  timeframe: string | undefined;
}

interface Entry {
  owner: string;
  reading: string;
  parse: StagedParse;
  candles: number;
  expiresAt: number;
}

/** Why a staged parse cannot serve an Import. */
export type StagedMiss = 'gone' | 'mismatch';

/** Who may import a staged parse: the user who previewed it. */
export function stagedOwner(principal: Principal): string {
  return `${principal.userId ?? principal.via}:${principal.username}`;
}

const readingKey = (r: StagedReading) =>
  JSON.stringify([r.timeFormat ?? null, r.dayFirst ?? null, r.decimal ?? null, r.thousands ?? null]);

const candleCount = (result: ImportResult) => result.series.reduce((n, s) => n + s.candles.time.length, 0);

/**
 * The upload dialog's preview parses the whole file; the Import that follows would send the file
 * again and parse it again (a 573 MB file: 4–11 s here, and the whole upload again over a slow
 * link). Instead the preview keeps its parse here under a random id, and an Import naming the id
 * (`?staged=`) stores it without a body. An id serves its owner once, for STAGED_TTL_MS, and each
 * owner has one (a new preview replaces the last). Kept in memory: a restart forgets them, and
 * the Import then sends the file (the client falls back on 409).
 */
export class StagedUploads {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxCandles = STAGED_MAX_CANDLES,
    private readonly ttlMs = STAGED_TTL_MS,
  ) {}

  /** Keeps `parse` for `owner`; the id to import it by, or null when it alone is over the cap. */
  put(owner: string, reading: StagedReading, parse: StagedParse): string | null {
    this.sweep();
    for (const [id, entry] of this.entries) if (entry.owner === owner) this.entries.delete(id);
    const candles = candleCount(parse.result);
    if (candles > this.maxCandles) return null;
    // Map order is insertion order: the first entry is the oldest.
    for (const [id] of this.entries) {
      if (this.held() + candles <= this.maxCandles) break;
      this.entries.delete(id);
    }
    const id = randomUUID();
    this.entries.set(id, { owner, reading: readingKey(reading), parse, candles, expiresAt: this.now() + this.ttlMs });
    return id;
  }

  /**
   * Takes the owner's staged parse `id` out (it serves once): 'gone' when it expired, was used,
   * was replaced or is someone else's; 'mismatch' when the Import reads the file otherwise.
   */
  take(id: string, owner: string, reading: StagedReading): StagedParse | StagedMiss {
    this.sweep();
    const entry = this.entries.get(id);
    if (!entry || entry.owner !== owner) return 'gone';
    this.entries.delete(id);
    return entry.reading === readingKey(reading) ? entry.parse : 'mismatch';
  }

  /** Staged parses and the candles they hold. */
  get load(): { entries: number; candles: number } {
    return { entries: this.entries.size, candles: this.held() };
  }

  private held(): number {
    let n = 0;
    for (const entry of this.entries.values()) n += entry.candles;
    return n;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(id);
  }
}

// On globalThis: the preview and the import routes may be separate bundles (see uploadGate).
const holder = globalThis as unknown as { __candleStagedUploads?: StagedUploads };

/** The process's staged parses. */
export function stagedUploads(): StagedUploads {
  holder.__candleStagedUploads ??= new StagedUploads();
  return holder.__candleStagedUploads;
}
