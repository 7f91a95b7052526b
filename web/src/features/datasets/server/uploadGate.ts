import 'server-only';
import { ApiError } from '@/server/http/apiError';

/** Uploads declaring at most this many bytes run at once, whatever else is running. */
export const LARGE_UPLOAD_BYTES = 64 * 1024 * 1024;
/** Large uploads that may wait for their turn; one more is refused (503 UPLOADS_BUSY). */
export const MAX_WAITING_LARGE_UPLOADS = 4;
/** What a refused upload's Retry-After says, in seconds (a 573 MB import takes 6–11 s here). */
const RETRY_AFTER_SECONDS = 15;

/**
 * Large CSV uploads (the dataset import and its preview) run one at a time. A 573 MB upload peaks
 * at about 2.2 GB while it is read, parsed and stored (`bench/scale`), so with the 1 GiB limit two
 * or three at once could take the server's memory; in turn, each has all of it. A waiting upload
 * has not read its body yet: the client's bytes wait in the socket (TCP backpressure), not in
 * memory. An upload without a declared length counts as large (it may grow to the limit).
 */
export class UploadGate {
  private running = false;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly maxWaiting = MAX_WAITING_LARGE_UPLOADS) {}

  /** Runs `work` now when the upload is small, else when its turn comes (FIFO). */
  async run<T>(declaredBytes: number | null, work: () => Promise<T>): Promise<T> {
    if (declaredBytes !== null && declaredBytes <= LARGE_UPLOAD_BYTES) return work();
    await this.turn();
    try {
      return await work();
    } finally {
      this.next();
    }
  }

  /** Large uploads running (0 or 1) and waiting. */
  get load(): { running: number; waiting: number } {
    return { running: Number(this.running), waiting: this.waiting.length };
  }

  private turn(): Promise<void> {
    if (!this.running) {
      this.running = true;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.maxWaiting) {
      throw new ApiError(
        503,
        'UPLOADS_BUSY',
        `${this.waiting.length + 1} large uploads are already being imported or waiting; try again shortly.`,
        undefined,
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the turn to the next waiting upload, or frees it. */
  private next(): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter();
    else this.running = false;
  }
}

// On globalThis: Next may evaluate this module once per route bundle, and the preview and the
// import routes must share one gate.
const holder = globalThis as unknown as { __candleUploadGate?: UploadGate };

/** The process's one gate for dataset uploads and previews. */
export function uploadGate(): UploadGate {
  holder.__candleUploadGate ??= new UploadGate();
  return holder.__candleUploadGate;
}
