import type Database from 'better-sqlite3';

/**
 * Versioned schema migrations. Each runs once, in its own transaction, and is recorded in
 * `schema_migrations`. Never edit a released migration: append a new one.
 */
export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: `
      CREATE TABLE app_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE projects (
        id             INTEGER PRIMARY KEY,
        name           TEXT    NOT NULL UNIQUE,
        overlap_policy TEXT    NOT NULL DEFAULT 'allow' CHECK (overlap_policy IN ('allow', 'split')),
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL
      );

      CREATE TABLE datasets (
        id            INTEGER PRIMARY KEY,
        project_id    INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name          TEXT    NOT NULL,
        symbol        TEXT,
        timeframe     TEXT,
        source_file   TEXT,
        candle_count  INTEGER NOT NULL,
        first_time    INTEGER,
        last_time     INTEGER,
        import_report TEXT    NOT NULL DEFAULT '{}',
        demo_key      TEXT UNIQUE,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX datasets_project_name ON datasets(project_id, name COLLATE NOCASE);

      CREATE TABLE candles (
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        time       INTEGER NOT NULL,
        open       REAL    NOT NULL,
        high       REAL    NOT NULL,
        low        REAL    NOT NULL,
        close      REAL    NOT NULL,
        volume     REAL    NOT NULL,
        PRIMARY KEY (dataset_id, time)
      ) WITHOUT ROWID;

      CREATE TABLE labels (
        id          INTEGER PRIMARY KEY,
        project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        name        TEXT    NOT NULL,
        color       TEXT    NOT NULL,
        hotkey      INTEGER CHECK (hotkey BETWEEN 1 AND 9),
        description TEXT    NOT NULL DEFAULT '',
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX labels_project_name ON labels(project_id, name COLLATE NOCASE);
      CREATE UNIQUE INDEX labels_project_hotkey ON labels(project_id, hotkey) WHERE hotkey IS NOT NULL;

      CREATE TABLE annotations (
        id         TEXT    PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        label_id   INTEGER NOT NULL REFERENCES labels(id) ON DELETE RESTRICT,
        start_time INTEGER NOT NULL,
        end_time   INTEGER NOT NULL,
        kind       TEXT    NOT NULL DEFAULT 'positive' CHECK (kind IN ('positive', 'negative')),
        source     TEXT    NOT NULL CHECK (source IN ('human', 'talib', 'model-confirmed', 'model-corrected')),
        annotator  TEXT    NOT NULL,
        direction  TEXT    CHECK (direction IN ('bullish', 'bearish')),
        note       TEXT,
        version    INTEGER NOT NULL DEFAULT 1,
        deleted_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        CHECK (end_time >= start_time)
      );
      CREATE INDEX annotations_dataset_time ON annotations(dataset_id, start_time);
      CREATE INDEX annotations_label ON annotations(label_id);

      CREATE TABLE autolabel_runs (
        id         INTEGER PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        options    TEXT    NOT NULL,
        report     TEXT    NOT NULL,
        summary    TEXT    NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX autolabel_runs_dataset ON autolabel_runs(dataset_id, id);
    `,
  },
  {
    version: 2,
    name: 'training jobs and reviewed regions',
    up: `
      -- A training run: inserted 'running' when it starts, updated once when it ends. A row still
      -- 'running' that no live process owns is turned 'failed' (SERVER_RESTARTED) at startup.
      CREATE TABLE training_jobs (
        id            TEXT    PRIMARY KEY,
        preset        TEXT    NOT NULL,
        state         TEXT    NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'cancelled')),
        stage         TEXT    NOT NULL,
        fraction      REAL    NOT NULL DEFAULT 0,
        dataset_ids   TEXT    NOT NULL,
        include_talib INTEGER NOT NULL,
        spans         TEXT    NOT NULL,
        version       TEXT,
        outcome       TEXT,
        error_code    TEXT,
        error_message TEXT,
        started_at    INTEGER NOT NULL,
        finished_at   INTEGER
      );
      CREATE INDEX training_jobs_started ON training_jobs(started_at);
      CREATE INDEX training_jobs_running ON training_jobs(state) WHERE state = 'running';

      -- Active learning: the uncertain regions a person has looked at, per dataset and model version.
      CREATE TABLE reviewed_regions (
        dataset_id    INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        model_version TEXT    NOT NULL,
        candle_index  INTEGER NOT NULL CHECK (candle_index >= 0),
        start_time    INTEGER NOT NULL,
        end_time      INTEGER NOT NULL,
        reviewed_at   INTEGER NOT NULL,
        PRIMARY KEY (dataset_id, model_version, candle_index),
        CHECK (end_time >= start_time)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'label checks',
    up: `
      -- A label-error check (cross-validated self-confidence of human spans): inserted 'running',
      -- updated once when it ends; items = the ranked spans (JSON) of a run that succeeded.
      CREATE TABLE label_error_runs (
        id            TEXT    PRIMARY KEY,
        state         TEXT    NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'cancelled')),
        stage         TEXT    NOT NULL,
        fraction      REAL    NOT NULL DEFAULT 0,
        preset        TEXT    NOT NULL,
        folds         INTEGER NOT NULL CHECK (folds BETWEEN 2 AND 10),
        include_talib INTEGER NOT NULL,
        dataset_ids   TEXT    NOT NULL,
        summary       TEXT,
        items         TEXT,
        error_code    TEXT,
        error_message TEXT,
        started_at    INTEGER NOT NULL,
        finished_at   INTEGER
      );
      CREATE INDEX label_error_runs_started ON label_error_runs(started_at);

      -- Flagged spans a person looked at and kept as labelled.
      CREATE TABLE label_error_reviews (
        run_id        TEXT    NOT NULL REFERENCES label_error_runs(id) ON DELETE CASCADE,
        annotation_id TEXT    NOT NULL,
        decision      TEXT    NOT NULL CHECK (decision IN ('kept')),
        reviewed_at   INTEGER NOT NULL,
        PRIMARY KEY (run_id, annotation_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'label studio annotation links',
    up: `
      -- A Label Studio annotation whose regions are stored here as spans. Label Studio ids are
      -- integers, kept as their decimal text. ls_updated_at: the annotation's updated_at (epoch
      -- ms) last applied, so a late-delivered older webhook does not undo a newer one.
      CREATE TABLE ls_annotations (
        ls_annotation_id TEXT    PRIMARY KEY,
        ls_task_id       TEXT,
        ls_updated_at    INTEGER,
        synced_at        INTEGER NOT NULL
      );
      CREATE INDEX ls_annotations_task ON ls_annotations(ls_task_id) WHERE ls_task_id IS NOT NULL;

      -- Which span each region of a Label Studio annotation produced. region_key: the region's id
      -- (plus '#<n>' for the n-th extra label of a multi-label region), or its label and range
      -- when it has no id. A span may be owned by several Label Studio annotations (two annotators
      -- drew the same region): it is removed when the last owner lets it go. Annotation ids are
      -- TEXT (UUIDs); a span purged from annotations (label or dataset deleted) drops its links.
      CREATE TABLE ls_annotation_spans (
        ls_annotation_id TEXT NOT NULL REFERENCES ls_annotations(ls_annotation_id) ON DELETE CASCADE,
        region_key       TEXT NOT NULL,
        ls_region_id     TEXT,
        annotation_id    TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
        PRIMARY KEY (ls_annotation_id, region_key)
      ) WITHOUT ROWID;
      CREATE INDEX ls_annotation_spans_span ON ls_annotation_spans(annotation_id);
    `,
  },
];

/** Applies every migration newer than the database's recorded version. Returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
  );
  const done: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.up);
      record.run(m.version, m.name, Date.now());
    })();
    done.push(m.version);
  }
  return done;
}

export function schemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
