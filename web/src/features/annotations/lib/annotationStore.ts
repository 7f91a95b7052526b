import { ApiRequestError, apiRequest, type Fetcher } from '@/shared/apiClient';
import { stateOf, type Annotation, type AnnotationChange, type Direction, type Kind, type Source } from '../types';

export type SaveStatus = 'idle' | 'saving' | 'saved' | 'error';

export interface StoreSnapshot {
  datasetId: number | null;
  loading: boolean;
  /** Live spans of the dataset, by start time. */
  spans: readonly Annotation[];
  byId: ReadonlyMap<string, Annotation>;
  status: SaveStatus;
  statusMessage: string | null;
  lastSavedAt: number | null;
  pendingWrites: number;
  canUndo: boolean;
  canRedo: boolean;
  undoLabel: string | null;
  redoLabel: string | null;
}

export interface Notice {
  kind: 'info' | 'warning' | 'error';
  message: string;
}

export interface StoreOptions {
  fetcher?: Fetcher;
  /** The annotator name setting, read at each write. */
  annotator: () => string;
  notify?: (notice: Notice) => void;
  /** Waits between retries while the server is unreachable. */
  retryDelaysMs?: readonly number[];
}

export interface NewSpan {
  /** Default: the loaded dataset. A span for another one is saved (and undoable) but not shown. */
  datasetId?: number;
  labelId: number;
  start: number;
  end: number;
  source?: Source;
  /** 'negative': a dismissed model prediction (stored for training, not drawn). */
  kind?: Kind;
  note?: string | null;
  direction?: Direction | null;
}

export type SpanPatch = Partial<Pick<Annotation, 'labelId' | 'start' | 'end' | 'note' | 'direction' | 'source'>>;

interface HistoryEntry {
  description: string;
  changes: AnnotationChange[];
}

interface QueuedWrite {
  /** Spans the write touches: once one of them turned out stale, later writes to it are dropped. */
  ids: string[];
  description: string;
  request: () => { path: string; init: RequestInit };
  onSuccess: (body: unknown) => void;
  onRejected: (error: ApiRequestError) => void;
}

interface WriteResponse {
  changes: AnnotationChange[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function uuid(): string {
  return crypto.randomUUID();
}

/** What POST /api/annotations (and a bulk `create`) takes for a new span. */
function createBody(a: Annotation) {
  const { id, datasetId, labelId, start, end, kind, source, note, direction, annotator } = a;
  return { id, datasetId, labelId, start, end, kind, source, note, direction, annotator };
}

/**
 * Client-side state of one dataset's spans with optimistic edits, a serial autosave queue,
 * optimistic concurrency and undo/redo.
 *
 * - Every edit shows at once and is queued; writes go to the server one at a time, each naming
 *   the version of the span it was based on (the last version the server confirmed).
 * - A 409 STALE_WRITE (another tab or person changed the span) reloads that span from the
 *   server's answer, drops this tab's further queued writes to it and tells the user.
 * - Undo/redo replay the server's before/after states as `restore` operations, version-checked
 *   the same way, so an undo never overwrites someone else's newer edit.
 * - While the server is unreachable writes are retried (status "error", message says so).
 */
export class AnnotationStore {
  private readonly fetcher: Fetcher | undefined;
  private readonly listeners = new Set<() => void>();
  private spans = new Map<string, Annotation>();
  /** Spans this store wrote in datasets other than the loaded one (by id), as last saved. */
  private elsewhere = new Map<string, Annotation>();
  /** Ids of the spans this store created. */
  private readonly created = new Set<string>();
  /** Last version the server confirmed for each span id (deleted rows included). */
  private readonly serverVersions = new Map<string, number>();
  private readonly queue: QueuedWrite[] = [];
  private readonly staleIds = new Set<string>();
  private draining = false;
  private undoStack: HistoryEntry[] = [];
  private redoStack: HistoryEntry[] = [];
  private datasetId: number | null = null;
  private loading = false;
  private status: SaveStatus = 'idle';
  private statusMessage: string | null = null;
  private lastSavedAt: number | null = null;
  private snapshot: StoreSnapshot;
  private loadToken = 0;

  constructor(private readonly options: StoreOptions) {
    this.fetcher = options.fetcher;
    this.snapshot = this.buildSnapshot();
  }

  // ---- subscription (useSyncExternalStore) ----------------------------------------------
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): StoreSnapshot => this.snapshot;

  private buildSnapshot(): StoreSnapshot {
    const spans = [...this.spans.values()].sort(
      (a, b) => a.start - b.start || a.end - b.end || a.id.localeCompare(b.id),
    );
    return {
      datasetId: this.datasetId,
      loading: this.loading,
      spans,
      byId: new Map(this.spans),
      status: this.status,
      statusMessage: this.statusMessage,
      lastSavedAt: this.lastSavedAt,
      pendingWrites: this.queue.length,
      canUndo: this.undoStack.length > 0,
      canRedo: this.redoStack.length > 0,
      undoLabel: this.undoStack.at(-1)?.description ?? null,
      redoLabel: this.redoStack.at(-1)?.description ?? null,
    };
  }

  private emit(): void {
    this.snapshot = this.buildSnapshot();
    for (const l of this.listeners) l();
  }

  private request<T>(path: string, init?: RequestInit): Promise<T> {
    return apiRequest<T>(path, init, this.fetcher);
  }

  private notify(notice: Notice): void {
    this.options.notify?.(notice);
  }

  // ---- loading ---------------------------------------------------------------------------
  /** Loads a dataset's spans (clears undo history: it belongs to the dataset shown). */
  async load(datasetId: number): Promise<void> {
    const token = ++this.loadToken;
    this.datasetId = datasetId;
    this.loading = true;
    // Spans this store created stay known (spanAnywhere) after the view moves on.
    for (const [id, a] of this.spans) if (this.created.has(id)) this.elsewhere.set(id, a);
    for (const [id, a] of this.elsewhere) if (a.datasetId === datasetId) this.elsewhere.delete(id);
    this.spans = new Map();
    this.undoStack = [];
    this.redoStack = [];
    this.emit();
    try {
      const { annotations } = await this.request<{ annotations: Annotation[] }>(
        `/api/annotations?datasetId=${datasetId}`,
      );
      if (token !== this.loadToken) return;
      this.spans = new Map(annotations.map((a) => [a.id, a]));
      for (const a of annotations) this.serverVersions.set(a.id, a.version);
    } catch (error) {
      if (token !== this.loadToken) return;
      this.setError(`Could not load spans: ${(error as Error).message}`);
    } finally {
      if (token === this.loadToken) {
        this.loading = false;
        this.emit();
      }
    }
  }

  /** Re-reads the dataset's spans from the server (e.g. when the tab regains focus), unless writes are pending. */
  async refresh(): Promise<boolean> {
    if (this.datasetId === null || this.queue.length > 0 || this.draining) return false;
    const datasetId = this.datasetId;
    const token = this.loadToken;
    const { annotations } = await this.request<{ annotations: Annotation[] }>(
      `/api/annotations?datasetId=${datasetId}`,
    );
    if (token !== this.loadToken || this.queue.length > 0 || this.draining) return false;
    let changed = annotations.length !== this.spans.size;
    for (const a of annotations) {
      if (this.spans.get(a.id)?.version !== a.version) changed = true;
      this.serverVersions.set(a.id, a.version);
    }
    if (changed) {
      this.spans = new Map(annotations.map((a) => [a.id, a]));
      this.emit();
    }
    return changed;
  }

  get currentDatasetId(): number | null {
    return this.datasetId;
  }

  // ---- edits -----------------------------------------------------------------------------
  /** A span this store knows, in the loaded dataset or written by it in another one. */
  spanAnywhere(id: string): Annotation | undefined {
    return this.spans.get(id) ?? this.elsewhere.get(id);
  }

  /** Keeps a span state where it belongs: shown when in the loaded dataset, else remembered. */
  private place(id: string, state: Annotation | null): void {
    const here = state ? state.datasetId === this.datasetId : this.spans.has(id);
    const map = here ? this.spans : this.elsewhere;
    if (state) map.set(id, state);
    else map.delete(id);
  }

  /** A new span as shown until the server answers (version 0: not stored yet). */
  private optimisticSpan(input: NewSpan, annotator: string, now: number): Annotation {
    return {
      id: uuid(),
      datasetId: input.datasetId ?? this.requireDataset(),
      labelId: input.labelId,
      start: input.start,
      end: input.end,
      kind: input.kind ?? 'positive',
      source: input.source ?? 'human',
      annotator,
      direction: input.direction ?? null,
      note: input.note ?? null,
      version: 0,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** Shows new spans at once and queues their creation (one request, one undo step). */
  private createSpans(spans: Annotation[], description: string, request: () => { path: string; init: RequestInit }) {
    for (const a of spans) {
      this.place(a.id, a);
      this.created.add(a.id);
    }
    this.redoStack = [];
    this.enqueue({
      ids: spans.map((a) => a.id),
      description,
      request,
      onSuccess: (body) => this.commit(description, (body as WriteResponse).changes),
      onRejected: () => {
        for (const a of spans) {
          this.spans.delete(a.id);
          this.elsewhere.delete(a.id);
        }
      },
    });
  }

  create(input: NewSpan, description = 'Add span'): string {
    const annotator = this.options.annotator();
    const span = this.optimisticSpan(input, annotator, Date.now());
    this.createSpans([span], description, () => ({
      path: '/api/annotations',
      init: { method: 'POST', body: JSON.stringify(createBody(span)) },
    }));
    return span.id;
  }

  /** Several new spans (any datasets) in one request and one undo step. Returns their ids. */
  createMany(inputs: readonly NewSpan[], description: string): string[] {
    if (!inputs.length) return [];
    const annotator = this.options.annotator();
    const now = Date.now();
    const spans = inputs.map((input) => this.optimisticSpan(input, annotator, now));
    this.createSpans(spans, description, () => ({
      path: '/api/annotations/bulk',
      init: {
        method: 'POST',
        body: JSON.stringify({
          annotator,
          operations: spans.map((a) => ({ op: 'create', annotation: createBody(a) })),
        }),
      },
    }));
    return spans.map((a) => a.id);
  }

  update(id: string, patch: SpanPatch, description = 'Edit span'): void {
    const before = this.spans.get(id);
    if (!before) return;
    this.spans.set(id, { ...before, ...patch, updatedAt: Date.now() });
    this.redoStack = [];
    this.enqueue({
      ids: [id],
      description,
      request: () => ({
        path: `/api/annotations/${id}`,
        init: {
          method: 'PATCH',
          body: JSON.stringify({
            version: this.serverVersions.get(id) ?? 0,
            annotator: this.options.annotator(),
            ...patch,
          }),
        },
      }),
      onSuccess: (body) => this.commit(description, (body as WriteResponse).changes),
      onRejected: (error) => {
        if (error.code !== 'STALE_WRITE') this.spans.set(id, before);
      },
    });
  }

  remove(id: string, description = 'Delete span'): void {
    const before = this.spans.get(id);
    if (!before) return;
    this.spans.delete(id);
    this.redoStack = [];
    this.enqueue({
      ids: [id],
      description,
      request: () => ({
        path: `/api/annotations/${id}?version=${this.serverVersions.get(id) ?? 0}&annotator=${encodeURIComponent(this.options.annotator())}`,
        init: { method: 'DELETE' },
      }),
      onSuccess: (body) => this.commit(description, (body as WriteResponse).changes),
      onRejected: (error) => {
        if (error.code !== 'STALE_WRITE') this.spans.set(id, before);
      },
    });
  }

  // ---- undo / redo -----------------------------------------------------------------------
  undo(): void {
    const entry = this.undoStack.pop();
    if (entry) this.replay(entry, 'undo');
  }

  redo(): void {
    const entry = this.redoStack.pop();
    if (entry) this.replay(entry, 'redo');
  }

  private replay(entry: HistoryEntry, direction: 'undo' | 'redo'): void {
    const target = (c: AnnotationChange) => (direction === 'undo' ? c.before : c.after);
    const previous = new Map(entry.changes.map((c) => [c.id, this.spanAnywhere(c.id)]));
    for (const c of entry.changes) {
      const state = target(c);
      const known = this.spanAnywhere(c.id);
      this.place(c.id, state ? { ...state, version: known?.version ?? state.version } : null);
    }
    const verb = direction === 'undo' ? 'Undo' : 'Redo';
    this.enqueue({
      ids: entry.changes.map((c) => c.id),
      description: `${verb} ${entry.description.toLowerCase()}`,
      request: () => ({
        path: '/api/annotations/bulk',
        init: {
          method: 'POST',
          body: JSON.stringify({
            annotator: this.options.annotator(),
            operations: entry.changes.map((c) => {
              const state = target(c);
              return {
                op: 'restore',
                id: c.id,
                version: this.serverVersions.get(c.id) ?? null,
                state: state ? stateOf(state) : null,
              };
            }),
          }),
        },
      }),
      onSuccess: (body) => {
        this.applyChanges((body as WriteResponse).changes);
        // The entry moves to the other stack; replaying it again reads versions afresh.
        (direction === 'undo' ? this.redoStack : this.undoStack).push(entry);
      },
      onRejected: (error) => {
        if (error.code === 'STALE_WRITE') {
          this.notify({
            kind: 'warning',
            message: `Cannot ${direction} "${entry.description}": a span it touches was changed elsewhere. It was reloaded.`,
          });
          void this.refresh();
          return;
        }
        for (const [id, span] of previous) {
          if (span) this.place(id, span);
          else {
            this.spans.delete(id);
            this.elsewhere.delete(id);
          }
        }
      },
    });
  }

  // ---- server answers --------------------------------------------------------------------
  private commit(description: string, changes: AnnotationChange[]): void {
    this.applyChanges(changes);
    this.undoStack.push({ description, changes });
    if (this.undoStack.length > 200) this.undoStack.shift();
  }

  private applyChanges(changes: readonly AnnotationChange[]): void {
    for (const c of changes) {
      if (c.version !== null) this.serverVersions.set(c.id, c.version);
      const datasetId = (c.after ?? c.before)?.datasetId;
      if (datasetId !== this.datasetId) {
        if (c.after) this.elsewhere.set(c.id, c.after);
        else this.elsewhere.delete(c.id);
        continue;
      }
      if (c.after) this.spans.set(c.id, c.after);
      else this.spans.delete(c.id);
    }
  }

  private handleStale(error: ApiRequestError): void {
    const details = (error.details ?? {}) as {
      id?: string;
      currentVersion?: number | null;
      current?: Annotation | null;
    };
    if (!details.id) return;
    this.staleIds.add(details.id);
    if (typeof details.currentVersion === 'number') this.serverVersions.set(details.id, details.currentVersion);
    if (details.current && details.current.datasetId === this.datasetId) this.spans.set(details.id, details.current);
    else this.spans.delete(details.id);
  }

  // ---- the write queue -------------------------------------------------------------------
  private requireDataset(): number {
    if (this.datasetId === null) throw new Error('No dataset loaded');
    return this.datasetId;
  }

  private setError(message: string): void {
    this.status = 'error';
    this.statusMessage = message;
  }

  private enqueue(write: QueuedWrite): void {
    this.queue.push(write);
    if (this.status !== 'error') {
      this.status = 'saving';
      this.statusMessage = null;
    }
    this.emit();
    if (!this.draining) void this.drain();
  }

  /** Resolves once every queued write has been answered (tests, and leaving the page). */
  async flush(): Promise<void> {
    while (this.draining || this.queue.length) await sleep(5);
  }

  private async drain(): Promise<void> {
    this.draining = true;
    let attempt = 0;
    while (this.queue.length) {
      const write = this.queue[0];
      if (write.ids.some((id) => this.staleIds.has(id))) {
        this.queue.shift();
        continue;
      }
      try {
        const { path, init } = write.request();
        const body = await this.request<unknown>(path, init);
        this.queue.shift();
        attempt = 0;
        write.onSuccess(body);
        this.status = this.queue.length ? 'saving' : 'saved';
        this.statusMessage = null;
        this.lastSavedAt = Date.now();
      } catch (e) {
        const error = e instanceof ApiRequestError ? e : new ApiRequestError(0, 'NETWORK_ERROR', String(e));
        if (error.isNetworkError || error.status >= 502) {
          const delays = this.options.retryDelaysMs ?? [500, 1000, 2000, 4000, 8000];
          this.setError(
            `Not saved yet: the server is unreachable. Retrying… (${this.queue.length} change${this.queue.length === 1 ? '' : 's'} waiting)`,
          );
          this.emit();
          await sleep(delays[Math.min(attempt++, delays.length - 1)]);
          continue;
        }
        this.queue.shift();
        attempt = 0;
        if (error.code === 'STALE_WRITE') {
          this.handleStale(error);
          write.onRejected(error);
          this.setError('A span was changed in another tab; it was reloaded.');
          this.notify({ kind: 'warning', message: `${write.description}: not saved. ${error.message}` });
        } else if (
          error.code === 'NOT_FOUND' &&
          (error.details as { resource?: string } | undefined)?.resource === 'annotation' &&
          write.ids.length === 1
        ) {
          // The span was removed elsewhere for good (e.g. its label was deleted with its spans).
          const [id] = write.ids;
          this.staleIds.add(id);
          this.spans.delete(id);
          this.setError('A span was deleted elsewhere; it was removed here.');
          this.notify({
            kind: 'warning',
            message: `${write.description}: not saved. This span was deleted elsewhere (another tab or person).`,
          });
        } else if (error.code === 'ID_TAKEN') {
          // A create whose answer was lost (retried after a dropped connection): it is stored.
          this.status = 'saved';
          void this.refresh();
        } else {
          write.onRejected(error);
          this.setError(`${write.description} failed: ${error.message}`);
          this.notify({ kind: 'error', message: `${write.description} failed: ${error.message}` });
        }
      }
      this.emit();
    }
    this.draining = false;
    this.staleIds.clear();
    this.emit();
  }
}
