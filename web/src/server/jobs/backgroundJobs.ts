import 'server-only';
import { getDb, type Db } from '@/server/db/database';
import * as engine from '@/server/engine';

export type JobState = 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What every stored background job has (training runs, label-error runs). */
export interface JobCore {
  id: string;
  state: JobState;
  stage: string;
  fraction: number;
  startedAt: number;
  finishedAt: number | null;
  error: { code: string; message: string } | null;
}

/**
 * Marks every row of a job table stored as 'running' that is not one of `liveIds` (the jobs this
 * process is executing) as failed with SERVER_RESTARTED: their process is gone, they will never
 * finish. Job tables share the columns used here. Returns how many were marked.
 */
export function failOrphanedRows(
  db: Db,
  table: 'training_jobs' | 'label_error_runs',
  liveIds: readonly string[],
  message: string,
  now = Date.now(),
): number {
  const running = db.prepare(`SELECT id FROM ${table} WHERE state = 'running'`).pluck().all() as string[];
  const orphaned = running.filter((id) => !liveIds.includes(id));
  const mark = db.prepare(
    `UPDATE ${table} SET state = 'failed', stage = 'failed', error_code = 'SERVER_RESTARTED', error_message = ?, finished_at = ? WHERE id = ? AND state = 'running'`,
  );
  db.transaction(() => {
    for (const id of orphaned) mark.run(message, now, id);
  })();
  return orphaned.length;
}

/** How one kind of job is stored. */
export interface JobStore<J extends JobCore> {
  insert(db: Db, job: J): void;
  /** Records how a job ended; must change only a row still 'running'. */
  finish(db: Db, job: J): void;
  /** Marks stored 'running' jobs that none of `liveIds` is as failed (their process died). */
  failOrphans(db: Db, liveIds: string[]): number;
}

export interface JobWork<J extends JobCore, R> {
  /** The engine call, off the JS thread; reports progress and stops when `signal` aborts. */
  run(onProgress: (p: engine.TrainProgress) => void, signal: AbortSignal): Promise<R>;
  /** Writes the result into the job (state, stage and fraction are set by the runner). */
  succeeded(job: J, result: R): void;
  /** Makes an engine message fit for users (e.g. strips temp paths). */
  describeError(message: string): string;
  /** Runs once the job has ended, whatever the outcome (temp files). */
  cleanup(): void;
}

interface LiveJob<J> {
  job: J;
  abort: AbortController;
  done: Promise<void>;
}

/**
 * The jobs of one kind that this process is running, with their abort controllers and live progress;
 * every job is also stored, so finished ones outlive the process. One job at a time per kind.
 *
 * The live table sits on globalThis under `key`, so module re-evaluation (Next dev, route bundles)
 * shares one table per process.
 */
export class BackgroundJobs<J extends JobCore> {
  private readonly live: Map<string, LiveJob<J>>;
  // Connections on which stored 'running' jobs of dead processes have been marked failed.
  private readonly recovered = new WeakSet<Db>();

  constructor(
    key: string,
    private readonly store: JobStore<J>,
    private readonly failureCode: string,
  ) {
    const g = globalThis as unknown as Record<string, Map<string, LiveJob<J>> | undefined>;
    this.live = g[key] ??= new Map();
  }

  /** Marks jobs left 'running' by an earlier server process as failed. Runs at startup, and once per connection before jobs are read. */
  recover(db: Db): number {
    this.recovered.add(db);
    return this.store.failOrphans(db, [...this.live.keys()]);
  }

  /** `db`, after recovery has run on it. */
  db(db: Db): Db {
    if (!this.recovered.has(db)) this.recover(db);
    return db;
  }

  isBusy(): boolean {
    return this.live.size > 0;
  }

  /** A copy of a running job with live progress, if this process runs it. */
  running(id: string): J | undefined {
    const entry = this.live.get(id);
    return entry ? { ...entry.job } : undefined;
  }

  runningJobs(): J[] {
    return [...this.live.values()].map((e) => ({ ...e.job }));
  }

  /** Asks a running job to stop at the engine's next check. False when this process does not run it. */
  cancel(id: string): boolean {
    const entry = this.live.get(id);
    if (!entry) return false;
    entry.abort.abort();
    if (entry.job.state === 'running') entry.job.stage = 'cancelling';
    return true;
  }

  /** Resolves when the job has ended (at once when this process does not run it). */
  async wait(id: string): Promise<void> {
    await this.live.get(id)?.done;
  }

  /**
   * Stores `job` as running, then runs the work: progress goes into the live job, the end
   * (succeeded / failed / cancelled) is stored on the process's current connection.
   */
  start<R>(db: Db, job: J, work: JobWork<J, R>): J {
    this.db(db);
    // Stored before the engine starts: a run the database does not know about never begins.
    try {
      this.store.insert(db, job);
    } catch (error) {
      work.cleanup();
      throw error;
    }
    const abort = new AbortController();
    const entry: LiveJob<J> = { job, abort, done: Promise.resolve() };
    const onProgress = (p: engine.TrainProgress) => {
      if (job.state !== 'running') return;
      if (job.stage !== 'cancelling') job.stage = p.stage;
      job.fraction = Math.max(job.fraction, p.fraction);
    };
    // A synchronous throw (bad config) must still end in the catch below, so the stored row is finished.
    entry.done = Promise.resolve()
      .then(() => work.run(onProgress, abort.signal))
      .then((result) => {
        work.succeeded(job, result);
        job.state = 'succeeded';
        job.stage = 'done';
        job.fraction = 1;
      })
      .catch((error: unknown) => {
        const code = engine.isEngineError(error) ? error.code : this.failureCode;
        job.state = code === 'CANCELLED' || abort.signal.aborted ? 'cancelled' : 'failed';
        job.stage = job.state;
        job.error = { code, message: error instanceof Error ? work.describeError(error.message) : String(error) };
        if (job.state === 'failed') console.error(`[jobs] ${job.id} failed`, error);
      })
      .finally(() => {
        job.finishedAt = Date.now();
        work.cleanup();
        try {
          // The process's connection now: it may have been reopened while the engine worked.
          this.store.finish(getDb(), job);
        } catch (error) {
          console.error(`[jobs] could not store the end of ${job.id}`, error);
        } finally {
          this.live.delete(job.id);
        }
      });
    this.live.set(job.id, entry);
    return { ...job };
  }
}
