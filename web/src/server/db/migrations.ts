import type Database from 'better-sqlite3';
import { emptyColumns, insertCandleBlocks } from './candleBlocks';

/**
 * Versioned schema migrations. Each runs once, in its own transaction, and is recorded in
 * `schema_migrations`. Never edit a released migration: append a new one.
 */
export interface Migration {
  version: number;
  name: string;
  up: string;
  /**
   * Runs with foreign keys off (they cannot be switched inside a transaction), for rebuilding a
   * table that others reference; the migration fails unless `foreign_key_check` is clean after it.
   */
  foreignKeysOff?: boolean;
  /** Moves data that SQL alone cannot (runs after `up`, in the same transaction). */
  data?: (db: Database.Database) => void;
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
  {
    version: 5,
    name: 'label studio projects, task identity, sync problems',
    up: `
      -- Label Studio projects as their /setup described them. project_uid is Label Studio's own
      -- "<project id>.<created_at in seconds>", which tells instances and re-created projects
      -- apart. hostname + access_token (the project owner's API token, sent by Label Studio so a
      -- backend can read task files) fetch file-URL tasks; extra_params: the backend's checked
      -- options (JSON).
      CREATE TABLE ls_projects (
        project_uid  TEXT    PRIMARY KEY,
        project_id   TEXT    NOT NULL,
        label_config TEXT    NOT NULL,
        hostname     TEXT,
        access_token TEXT,
        extra_params TEXT,
        updated_at   INTEGER NOT NULL
      );
      CREATE INDEX ls_projects_by_id ON ls_projects(project_id, updated_at);

      -- Which dataset a Label Studio task's spans go to. A task is (project uid, task id,
      -- fingerprint of its data): a task id Label Studio reuses after a delete, with other data,
      -- is a new task and never lands on the old one's dataset.
      CREATE TABLE ls_tasks (
        id          INTEGER PRIMARY KEY,
        project_uid TEXT    NOT NULL,
        ls_task_id  TEXT    NOT NULL,
        fingerprint TEXT    NOT NULL,
        dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        created_at  INTEGER NOT NULL,
        UNIQUE (project_uid, ls_task_id, fingerprint)
      );
      ALTER TABLE ls_annotations ADD COLUMN task_ref INTEGER REFERENCES ls_tasks(id) ON DELETE SET NULL;
      ALTER TABLE ls_annotations ADD COLUMN project_uid TEXT;
      CREATE INDEX ls_annotations_task_ref ON ls_annotations(task_ref) WHERE task_ref IS NOT NULL;

      -- Webhook events that could not be applied, kept whole for a retry from the app (Label
      -- Studio does not resend them). resolved_at: applied by a retry, or dismissed.
      CREATE TABLE ls_sync_problems (
        id               INTEGER PRIMARY KEY,
        action           TEXT    NOT NULL,
        project_uid      TEXT,
        ls_task_id       TEXT,
        ls_annotation_id TEXT,
        payload          TEXT    NOT NULL,
        code             TEXT    NOT NULL,
        message          TEXT    NOT NULL,
        attempts         INTEGER NOT NULL DEFAULT 1,
        received_at      INTEGER NOT NULL,
        last_tried_at    INTEGER NOT NULL,
        resolved_at      INTEGER,
        resolution       TEXT
      );
      CREATE INDEX ls_sync_problems_open ON ls_sync_problems(received_at) WHERE resolved_at IS NULL;
    `,
  },
  {
    version: 6,
    name: "span source 'similar', find-similar runs",
    // SQLite cannot alter a CHECK constraint: the table is rebuilt (SQLite's documented procedure,
    // foreign keys off so dropping the old table cascades nothing to ls_annotation_spans).
    foreignKeysOff: true,
    up: `
      CREATE TABLE annotations_new (
        id         TEXT    PRIMARY KEY,
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        label_id   INTEGER NOT NULL REFERENCES labels(id) ON DELETE RESTRICT,
        start_time INTEGER NOT NULL,
        end_time   INTEGER NOT NULL,
        kind       TEXT    NOT NULL DEFAULT 'positive' CHECK (kind IN ('positive', 'negative')),
        source     TEXT    NOT NULL
                   CHECK (source IN ('human', 'talib', 'model-confirmed', 'model-corrected', 'similar')),
        annotator  TEXT    NOT NULL,
        direction  TEXT    CHECK (direction IN ('bullish', 'bearish')),
        note       TEXT,
        version    INTEGER NOT NULL DEFAULT 1,
        deleted_at INTEGER,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        CHECK (end_time >= start_time)
      );
      INSERT INTO annotations_new SELECT * FROM annotations;
      DROP TABLE annotations;
      ALTER TABLE annotations_new RENAME TO annotations;
      CREATE INDEX annotations_dataset_time ON annotations(dataset_id, start_time);
      CREATE INDEX annotations_label ON annotations(label_id);

      -- "Find similar" searches as labelling functions: the latest per project, with the report
      -- (JSON, per dataset too) shown beside TA-Lib's in the labelling-function report.
      CREATE TABLE similar_runs (
        id          INTEGER PRIMARY KEY,
        project_id  INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        label_id    INTEGER REFERENCES labels(id) ON DELETE SET NULL,
        query_start INTEGER NOT NULL,
        query_end   INTEGER NOT NULL,
        options     TEXT    NOT NULL,
        report      TEXT    NOT NULL,
        created_at  INTEGER NOT NULL
      );
      CREATE INDEX similar_runs_project ON similar_runs(project_id, id);
    `,
  },
  {
    version: 7,
    name: 'users, sessions and api tokens',
    up: `
      -- People who sign in (web/src/server/auth). password_hash: scrypt, as "$scrypt$ln=..,r=..,p=..$salt$key".
      -- must_change_password: the one-time password printed at first run (or set by an admin)
      -- must be replaced before anything else is allowed.
      CREATE TABLE users (
        id                   INTEGER PRIMARY KEY,
        username             TEXT    NOT NULL,
        role                 TEXT    NOT NULL CHECK (role IN ('admin', 'annotator', 'viewer')),
        password_hash        TEXT    NOT NULL,
        must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
        disabled             INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
        created_at           INTEGER NOT NULL,
        updated_at           INTEGER NOT NULL,
        last_login_at        INTEGER
      );
      CREATE UNIQUE INDEX users_username ON users(username COLLATE NOCASE);

      -- Browser sessions. Only the SHA-256 of the cookie's random value is stored.
      CREATE TABLE sessions (
        id_hash    TEXT    PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX sessions_user ON sessions(user_id);

      -- API tokens for scripts and for Label Studio (Bearer, Token or Basic auth). Only the
      -- SHA-256 of the token is stored; prefix: its first characters, to recognise it in lists.
      CREATE TABLE api_tokens (
        id           INTEGER PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name         TEXT    NOT NULL,
        token_hash   TEXT    NOT NULL UNIQUE,
        prefix       TEXT    NOT NULL,
        created_at   INTEGER NOT NULL,
        expires_at   INTEGER,
        last_used_at INTEGER,
        revoked_at   INTEGER
      );
      CREATE INDEX api_tokens_user ON api_tokens(user_id);
    `,
  },
  {
    version: 8,
    name: 'candle levels',
    up: `
      -- Pre-aggregated runs of a big dataset's candles (levels of 16, 256 and 4096 candles, each
      -- run aligned to a multiple of its level in the dataset's candle index), so zoomed-out views
      -- and range counts never read every candle (web/src/features/datasets/server/candleLevels.ts).
      -- Written with the candles at import; datasets imported before this are levelled on first view.
      CREATE TABLE candle_levels (
        dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        level       INTEGER NOT NULL,
        time        INTEGER NOT NULL,
        end_time    INTEGER NOT NULL,
        first_index INTEGER NOT NULL,
        count       INTEGER NOT NULL,
        open        REAL    NOT NULL,
        high        REAL    NOT NULL,
        low         REAL    NOT NULL,
        close       REAL    NOT NULL,
        volume      REAL    NOT NULL,
        PRIMARY KEY (dataset_id, level, time)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    name: 'candle blocks',
    up: `
      -- A dataset's candles as blocks of 4,096 consecutive candles, each column one little-endian
      -- Float64 BLOB (web/src/server/db/candleBlocks.ts): a 10M-candle upload spent more time
      -- inserting a row per candle than parsing the CSV. A rowid table: its rows are ≈ 200 KB.
      CREATE TABLE candle_blocks (
        dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        first_index INTEGER NOT NULL,
        first_time  INTEGER NOT NULL,
        last_time   INTEGER NOT NULL,
        count       INTEGER NOT NULL,
        time        BLOB    NOT NULL,
        open        BLOB    NOT NULL,
        high        BLOB    NOT NULL,
        low         BLOB    NOT NULL,
        close       BLOB    NOT NULL,
        volume      BLOB    NOT NULL,
        PRIMARY KEY (dataset_id, first_index)
      );
      CREATE INDEX candle_blocks_last_time ON candle_blocks(dataset_id, last_time);
    `,
    data: moveCandlesIntoBlocks,
  },
  {
    version: 10,
    name: 'candle level blocks',
    up: `
      -- A big dataset's levels (runs of 16, 256 and 4,096 candles; see migration 8) stored like
      -- its candles: blocks of 4,096 consecutive runs of one level, each column one Float64 BLOB
      -- (web/src/features/datasets/server/candleLevels.ts). Run k of level L starts at candle
      -- k·L, so a run's first index is not stored. Levels are derived data: the old rows are
      -- dropped, and a dataset without levels is levelled again on its first view.
      CREATE TABLE candle_level_blocks (
        dataset_id INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        level      INTEGER NOT NULL,
        first_run  INTEGER NOT NULL,
        count      INTEGER NOT NULL,
        first_time INTEGER NOT NULL,
        last_time  INTEGER NOT NULL,
        time       BLOB    NOT NULL,
        end_time   BLOB    NOT NULL,
        open       BLOB    NOT NULL,
        high       BLOB    NOT NULL,
        low        BLOB    NOT NULL,
        close      BLOB    NOT NULL,
        volume     BLOB    NOT NULL,
        PRIMARY KEY (dataset_id, level, first_run)
      );
      CREATE INDEX candle_level_blocks_last_time ON candle_level_blocks(dataset_id, level, last_time);
      DROP TABLE candle_levels;
    `,
  },
];

/** Migration 9: every dataset's candle rows into blocks, then the row table dropped. */
function moveCandlesIntoBlocks(db: Database.Database): void {
  const datasets = db.prepare('SELECT dataset_id AS id, COUNT(*) AS n FROM candles GROUP BY dataset_id').all() as {
    id: number;
    n: number;
  }[];
  const rows = db.prepare(
    'SELECT time, open, high, low, close, volume FROM candles WHERE dataset_id = ? ORDER BY time',
  );
  for (const { id, n } of datasets) {
    const c = emptyColumns(n);
    let i = 0;
    for (const r of rows.raw().iterate(id) as Iterable<number[]>) {
      c.time[i] = r[0];
      c.open[i] = r[1];
      c.high[i] = r[2];
      c.low[i] = r[3];
      c.close[i] = r[4];
      c.volume[i] = r[5];
      i++;
    }
    insertCandleBlocks(db, id, c);
  }
  db.exec('DROP TABLE candles');
}

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
    const foreignKeysWereOn = db.pragma('foreign_keys', { simple: true }) === 1;
    if (m.foreignKeysOff) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.up);
        m.data?.(db);
        if (m.foreignKeysOff && (db.pragma('foreign_key_check') as unknown[]).length > 0)
          throw new Error(`migration ${m.version} (${m.name}) left rows breaking foreign keys`);
        record.run(m.version, m.name, Date.now());
      })();
    } finally {
      if (m.foreignKeysOff && foreignKeysWereOn) db.pragma('foreign_keys = ON');
    }
    done.push(m.version);
  }
  return done;
}

export function schemaVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}
