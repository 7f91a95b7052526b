import { afterAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as previewRoute from '@/app/api/datasets/preview/route';
import * as datasetRoute from '@/app/api/datasets/[id]/route';
import * as candlesRoute from '@/app/api/datasets/[id]/candles/route';
import { call, sampleBytes, syntheticCsv, createTempDatabase } from '../support/routeHarness';

const env = createTempDatabase();
afterAll(() => env.cleanup());

const countDatasets = () =>
  (env.db().prepare('SELECT COUNT(*) FROM datasets').pluck().get() as number) +
  (env.db().prepare('SELECT COALESCE(SUM(count), 0) FROM candle_blocks').pluck().get() as number);

async function upload(bytes: BodyInit | Uint8Array, query = '', headers: Record<string, string> = {}) {
  return call(datasetsRoute.POST, 'POST', `/api/datasets?${query}`, {
    raw: bytes,
    headers: { 'content-type': 'text/csv', ...headers },
  });
}

/** Runs `work` with CANDLE_MAX_UPLOAD_BYTES set to `mb` megabytes (maxUploadBytes reads it per request). */
async function withUploadLimit<T>(mb: number, work: () => Promise<T>): Promise<T> {
  const saved = process.env.CANDLE_MAX_UPLOAD_BYTES;
  process.env.CANDLE_MAX_UPLOAD_BYTES = String(mb * 1024 * 1024);
  try {
    return await work();
  } finally {
    if (saved === undefined) delete process.env.CANDLE_MAX_UPLOAD_BYTES;
    else process.env.CANDLE_MAX_UPLOAD_BYTES = saved;
  }
}

/** A body whose bytes come when `release` is called; `pulled` says whether anything read it yet. */
function heldBody(bytes: Uint8Array) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const state = { pulled: false };
  // highWaterMark 0: the stream pulls only when the route reads it, not to fill a queue at once.
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        state.pulled = true;
        await released;
        controller.enqueue(bytes);
        controller.close();
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, release, state };
}

describe('POST /api/datasets (upload)', () => {
  let aaplId: number;

  it('imports a real sample through the engine', async () => {
    const res = await upload(sampleBytes('aapl_daily.csv'), 'fileName=aapl_daily.csv&symbol=AAPL&onInvalidRow=skip');
    expect(res.status).toBe(201);
    const [d] = res.body.datasets;
    expect(d).toMatchObject({ name: 'aapl_daily', symbol: 'AAPL', timeframe: '1d', sourceFile: 'aapl_daily.csv' });
    expect(d.candleCount + res.body.rejectedCount).toBe(3270);
    expect(d.firstTime).toBe(Date.UTC(2000, 2, 1));
    expect(d.lastTime).toBe(Date.UTC(2013, 2, 1));
    // Where the upload's time went, phase by phase.
    expect(res.headers.get('server-timing')).toMatch(/^read;dur=[\d.]+, import;dur=[\d.]+, store;dur=[\d.]+$/);
    aaplId = d.id;
  });

  it('names a second upload of the same file uniquely', async () => {
    const res = await upload(sampleBytes('aapl_daily.csv'), 'fileName=aapl_daily.csv&onInvalidRow=skip');
    expect(res.status).toBe(201);
    expect(res.body.datasets[0].name).toBe('aapl_daily (2)');
  });

  it('fails on invalid rows by default, naming them, and stores nothing', async () => {
    const before = countDatasets();
    const csv =
      'time,open,high,low,close,volume\n2024-01-01,1,2,0.5,1.5,10\n2024-01-02,2,1,0.5,1.5,10\n2024-01-03,1,2,0.5,1.5,-3\n2024-01-04,1,2,0.5,1.5,10\n';
    const res = await upload(csv, 'name=bad');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('IMPORT_FAILED');
    expect(res.body.error.message).toMatch(/row 3/);
    expect(countDatasets()).toBe(before);

    const preview = await call(previewRoute.POST, 'POST', '/api/datasets/preview', { raw: csv });
    expect(preview.status).toBe(200);
    expect(preview.body.preview.rejected.map((r: { row: number }) => r.row)).toEqual([3, 4]);
    expect(preview.body.preview.series[0].candleCount).toBe(2);
    expect(countDatasets()).toBe(before);

    const skipped = await upload(csv, 'name=bad&onInvalidRow=skip');
    expect(skipped.status).toBe(201);
    expect(skipped.body.rejectedCount).toBe(2);
    expect(skipped.body.datasets[0].candleCount).toBe(2);
    expect(skipped.body.datasets[0].importReport.rejected).toHaveLength(2);
  });

  describe('bad uploads get clear messages and change nothing', () => {
    const cases: Array<[string, () => BodyInit | Uint8Array, number, string, RegExp]> = [
      ['an empty file', () => '', 400, 'EMPTY_FILE', /empty/i],
      [
        'a binary file',
        () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]),
        400,
        'NOT_TEXT',
        /binary/i,
      ],
      ['wrong columns', () => 'name,age\nbob,3\nalice,4\n', 400, 'IMPORT_FAILED', /open|close|time/i],
    ];
    for (const [what, body, status, code, message] of cases) {
      it(what, async () => {
        const before = countDatasets();
        const res = await upload(body(), 'name=x');
        expect(res.status).toBe(status);
        expect(res.body.error.code).toBe(code);
        expect(res.body.error.message).toMatch(message);
        expect(countDatasets()).toBe(before);
      });
    }

    it('the limit is 1 GiB unless CANDLE_MAX_UPLOAD_BYTES says otherwise, and the listing gives it', async () => {
      const list = await call(datasetsRoute.GET, 'GET', '/api/datasets');
      expect(list.body.uploadLimitBytes).toBe(1024 * 1024 * 1024);
      const fifty = await withUploadLimit(50, () => call(datasetsRoute.GET, 'GET', '/api/datasets'));
      expect(fifty.body.uploadLimitBytes).toBe(50 * 1024 * 1024);
    });

    it('a 100 MB file (declared size) over a 50 MB limit: 413 before reading it', async () => {
      const before = countDatasets();
      const big = new Uint8Array(100 * 1024 * 1024).fill(0x61);
      const res = await withUploadLimit(50, () =>
        upload(big, 'name=big', { 'content-length': String(big.byteLength) }),
      );
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(res.body.error.message).toMatch(/100\.0 MB.*limit is 50 MB/);
      expect(countDatasets()).toBe(before);
    });

    it('a 100 MB file streamed without a length over a 50 MB limit: 413 once the limit is passed', async () => {
      const before = countDatasets();
      const chunk = new Uint8Array(1024 * 1024).fill(0x61);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 100) controller.close();
          else {
            sent++;
            controller.enqueue(chunk);
          }
        },
      });
      const res = await withUploadLimit(50, () => upload(stream, 'name=big'));
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(sent).toBeLessThan(100); // stopped reading early
      expect(countDatasets()).toBe(before);
    });

    it('large uploads take turns: an upload is not read while a preview runs', async () => {
      // Streamed without a Content-Length: large, as far as the gate can tell.
      const first = heldBody(sampleBytes('msft_daily.csv'));
      const second = heldBody(new TextEncoder().encode('a,b,c\n1,2,3\n'));
      const previewDone = call(previewRoute.POST, 'POST', '/api/datasets/preview?onInvalidRow=skip', {
        raw: first.stream,
        headers: { 'content-type': 'text/csv' },
      });
      for (let waited = 0; !first.state.pulled && waited < 10_000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const uploadDone = upload(second.stream, 'name=turn');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const pulled = [first.state.pulled, second.state.pulled];
      first.release(); // before the checks: a failed check must not leave the gate held
      second.release();
      expect(pulled).toEqual([true, false]);
      expect((await previewDone).status).toBe(200);
      const refused = await uploadDone; // read once the preview was done: no OHLCV columns
      expect(refused.status).toBe(400);
      expect(second.state.pulled).toBe(true);
    });

    it('an invalid option is a 400 naming it', async () => {
      const res = await upload('time,open,high,low,close\n', 'onInvalidRow=maybe');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(/onInvalidRow/);
    });
  });

  describe('dataset CRUD', () => {
    it('lists, renames, sets metadata, refuses a taken name, deletes', async () => {
      const list = await call(datasetsRoute.GET, 'GET', '/api/datasets');
      expect(list.status).toBe(200);
      expect(list.body.datasets.map((d: { name: string }) => d.name)).toEqual(['aapl_daily', 'aapl_daily (2)', 'bad']);

      const renamed = await call(datasetRoute.PATCH, 'PATCH', `/api/datasets/${aaplId}`, {
        params: { id: String(aaplId) },
        body: { name: 'Apple', timeframe: '1D', symbol: 'AAPL.O' },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body.dataset).toMatchObject({ name: 'Apple', timeframe: '1D', symbol: 'AAPL.O' });

      const clash = await call(datasetRoute.PATCH, 'PATCH', `/api/datasets/${aaplId}`, {
        params: { id: String(aaplId) },
        body: { name: 'BAD' },
      });
      expect(clash.status).toBe(409);
      expect(clash.body.error.code).toBe('NAME_TAKEN');

      const empty = await call(datasetRoute.PATCH, 'PATCH', `/api/datasets/${aaplId}`, {
        params: { id: String(aaplId) },
        body: {},
      });
      expect(empty.status).toBe(400);

      const other = list.body.datasets.find((d: { name: string }) => d.name === 'bad');
      const del = await call(datasetRoute.DELETE, 'DELETE', `/api/datasets/${other.id}`, {
        params: { id: String(other.id) },
      });
      expect(del.status).toBe(200);
      const gone = await call(datasetRoute.GET, 'GET', `/api/datasets/${other.id}`, {
        params: { id: String(other.id) },
      });
      expect(gone.status).toBe(404);
      expect(gone.body.error.code).toBe('NOT_FOUND');
      const goneCandles = await call(candlesRoute.GET, 'GET', `/api/datasets/${other.id}/candles`, {
        params: { id: String(other.id) },
      });
      expect([goneCandles.status, goneCandles.body.error.code]).toEqual([404, 'NOT_FOUND']);
      expect(env.db().prepare('SELECT COUNT(*) FROM candle_blocks WHERE dataset_id = ?').pluck().get(other.id)).toBe(0);
    });

    it('rejects malformed ids and JSON', async () => {
      expect((await call(datasetRoute.GET, 'GET', '/api/datasets/abc', { params: { id: 'abc' } })).status).toBe(400);
      const badJson = await call(datasetRoute.PATCH, 'PATCH', `/api/datasets/${aaplId}`, {
        params: { id: String(aaplId) },
        raw: '{oops',
        headers: { 'content-type': 'application/json' },
      });
      expect(badJson.status).toBe(400);
      expect(badJson.body.error.code).toBe('INVALID_JSON');
    });
  });

  describe('GET /api/datasets/:id/candles', () => {
    it('range query by time, raw within maxPoints', async () => {
      const from = Date.UTC(2010, 0, 1);
      const to = Date.UTC(2010, 0, 31);
      const res = await call(
        candlesRoute.GET,
        'GET',
        `/api/datasets/${aaplId}/candles?from=${from}&to=${to}&maxPoints=1000`,
        { params: { id: String(aaplId) } },
      );
      expect(res.status).toBe(200);
      expect(res.body.bucketSize).toBe(1);
      expect(res.body.total).toBe(19); // trading days in January 2010
      expect(res.body.candles.time[0]).toBe(Date.UTC(2010, 0, 4));
      expect(res.body.candles.time.every((t: number) => t >= from && t <= to)).toBe(true);
    });

    it('aggregates OHLC when more than maxPoints candles fall in the range', async () => {
      const raw = await call(candlesRoute.GET, 'GET', `/api/datasets/${aaplId}/candles?maxPoints=200000`, {
        params: { id: String(aaplId) },
      });
      const agg = await call(candlesRoute.GET, 'GET', `/api/datasets/${aaplId}/candles?maxPoints=500`, {
        params: { id: String(aaplId) },
      });
      expect(agg.body.total).toBe(raw.body.total);
      expect(agg.body.bucketSize).toBe(Math.ceil(raw.body.total / 500));
      expect(agg.body.candles.time.length).toBeLessThanOrEqual(500);
      const k = agg.body.bucketSize;
      const r = raw.body.candles;
      const b = agg.body.candles;
      expect(b.open[1]).toBe(r.open[k]);
      expect(b.close[1]).toBe(r.close[2 * k - 1]);
      expect(b.high[1]).toBe(Math.max(...r.high.slice(k, 2 * k)));
      expect(b.low[1]).toBe(Math.min(...r.low.slice(k, 2 * k)));
      expect(b.endTime[1]).toBe(r.time[2 * k - 1]);
    });

    it('validates the query', async () => {
      const res = await call(candlesRoute.GET, 'GET', `/api/datasets/${aaplId}/candles?from=10&to=5`, {
        params: { id: String(aaplId) },
      });
      expect(res.status).toBe(400);
      expect(
        (
          await call(candlesRoute.GET, 'GET', `/api/datasets/${aaplId}/candles?maxPoints=1`, {
            params: { id: String(aaplId) },
          })
        ).status,
      ).toBe(400);
      expect((await call(candlesRoute.GET, 'GET', '/api/datasets/999/candles', { params: { id: '999' } })).status).toBe(
        404,
      );
    });

    it('serves a 100,000-candle dataset quickly at any zoom', async () => {
      const csv = syntheticCsv(100_000);
      const t0 = performance.now();
      const up = await upload(csv, 'name=synthetic-100k&symbol=SYN');
      const importMs = performance.now() - t0;
      expect(up.status).toBe(201);
      const d = up.body.datasets[0];
      expect(d.candleCount).toBe(100_000);
      expect(d.timeframe).toBe('1m');
      const t1 = performance.now();
      const overview = await call(candlesRoute.GET, 'GET', `/api/datasets/${d.id}/candles?maxPoints=4000`, {
        params: { id: String(d.id) },
      });
      const overviewMs = performance.now() - t1;
      expect(overview.body.total).toBe(100_000);
      expect(overview.body.candles.time.length).toBeLessThanOrEqual(4000);
      const from = overview.body.candles.time[2000];
      const to = overview.body.candles.endTime[2100];
      const t2 = performance.now();
      const detail = await call(
        candlesRoute.GET,
        'GET',
        `/api/datasets/${d.id}/candles?from=${from}&to=${to}&maxPoints=20000`,
        { params: { id: String(d.id) } },
      );
      const detailMs = performance.now() - t2;
      expect(detail.body.bucketSize).toBe(1);
      expect(detail.body.total).toBe(101 * overview.body.bucketSize);
      console.log(
        `100k candles: import ${importMs.toFixed(0)} ms, overview ${overviewMs.toFixed(0)} ms, detail ${detailMs.toFixed(0)} ms`,
      );
      expect(overviewMs).toBeLessThan(1500);
      expect(detailMs).toBeLessThan(500);
    });
  });
});

describe('POST /api/datasets: the reading of a file (date order, decimal mark)', () => {
  const preview = (csv: string, query = '') =>
    call(previewRoute.POST, 'POST', `/api/datasets/preview?${query}`, { raw: csv });
  // June 1-12, 2020 (weekdays) written day first: every day is <= 12, so both orders parse.
  const days = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12];
  const dayFirst =
    'Date,Open,High,Low,Close\n' +
    days.map((d) => `${String(d).padStart(2, '0')}/06/2020,1.12,1.13,1.11,1.125`).join('\n') +
    '\n';

  it('shows the reading it chose, with the evidence and the option that switches', async () => {
    const res = await preview(dayFirst);
    expect(res.status).toBe(200);
    const d = res.body.preview.detected;
    expect(d.timeFormat).toBe('DD/MM/YYYY');
    expect(res.body.preview.series[0]).toMatchObject({ timeframe: '1d', firstTime: Date.UTC(2020, 5, 1) });
    expect(d.ambiguities).toHaveLength(1);
    expect(d.ambiguities[0]).toMatchObject({
      kind: 'dateOrder',
      chosen: 'DD/MM/YYYY',
      switchWith: { dayFirst: false },
    });
    expect(d.ambiguities[0].evidence).toMatch(/weekend|regular/);
  });

  it('reads the file the other way on request, preview and import alike', async () => {
    const res = await preview(dayFirst, 'dayFirst=false');
    expect(res.body.preview.detected.timeFormat).toBe('MM/DD/YYYY');
    expect(res.body.preview.series[0].firstTime).toBe(Date.UTC(2020, 0, 6));
    const stored = await upload(dayFirst, 'name=month-first&dayFirst=false');
    expect(stored.status).toBe(201);
    expect(stored.body.datasets[0]).toMatchObject({ timeframe: '1M', firstTime: Date.UTC(2020, 0, 6) });
  });

  it("a decimal mark the values leave open is reported; 'decimal' and 'thousands' choose", async () => {
    const csv =
      'Date;Open;High;Low;Close\n2021-02-01;141,012;141,500;140,250;141,250\n2021-02-02;141,250;142,125;141,000;141,875\n';
    const auto = await preview(csv);
    expect(auto.body.preview.detected).toMatchObject({ decimal: ',', thousands: '.' });
    expect(auto.body.preview.detected.ambiguities[0].kind).toBe('decimalMark');
    const stored = await upload(csv, 'name=thousands&decimal=.&thousands=%2C');
    expect(stored.status).toBe(201);
    const id = stored.body.datasets[0].id;
    const candles = await call(candlesRoute.GET, 'GET', `/api/datasets/${id}/candles`, {
      params: { id: String(id) },
    });
    expect(candles.body.candles.open[0]).toBe(141012);
  });

  it('a file nothing decides is refused with the options that choose', async () => {
    const months = [1, 2, 3, 4, 5, 6].map((m) => `01/0${m}/2021,30000,30100,29900,30050`).join('\n');
    const res = await preview(`Date,Open,High,Low,Close\n${months}\n`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('IMPORT_FAILED');
    expect(res.body.error.message).toMatch(/ambiguous.*dayFirst: true.*dayFirst: false/);
    const chosen = await preview(`Date,Open,High,Low,Close\n${months}\n`, 'dayFirst=true');
    expect(chosen.body.preview.series[0].timeframe).toBe('1M');
  });
});

describe('POST /api/datasets?staged=: the preview’s parse, stored without sending the file again', () => {
  const csvHeaders = { 'content-type': 'text/csv' };
  const preview = (body: Uint8Array | string, query = '', as?: string) =>
    call(previewRoute.POST, 'POST', `/api/datasets/preview?${query}`, {
      raw: body,
      headers: csvHeaders,
      ...(as ? { as } : {}),
    });
  const importStaged = (id: string, query = '', as?: string) =>
    call(datasetsRoute.POST, 'POST', `/api/datasets?staged=${id}&${query}`, {
      raw: '',
      headers: csvHeaders,
      ...(as ? { as } : {}),
    });
  const candlesOf = async (id: number) =>
    (
      await call(candlesRoute.GET, 'GET', `/api/datasets/${id}/candles?maxPoints=200000`, {
        params: { id: String(id) },
      })
    ).body;
  const gone = (res: { status: number; body: { error: { code: string } } }) => {
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('STAGED_UPLOAD_GONE');
  };

  it('stores exactly what an upload of the same file stores, with no body and only a store phase', async () => {
    const msft = sampleBytes('msft_daily.csv');
    const p = await preview(msft, 'fileName=msft_daily.csv');
    expect(p.status).toBe(200);
    expect(p.headers.get('server-timing')).toMatch(/^read;dur=[\d.]+, import;dur=[\d.]+$/);
    const stagedId = p.body.preview.stagedId as string;
    expect(stagedId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // The dialog's Import: the symbol the user typed, the timeframe the preview inferred.
    const query = 'fileName=msft_daily.csv&symbol=MSFT&timeframe=1d&onInvalidRow=skip';
    const staged = await importStaged(stagedId, `${query}&name=staged-msft`);
    expect(staged.status).toBe(201);
    expect(staged.headers.get('server-timing')).toMatch(/^store;dur=[\d.]+$/);
    const sent = await upload(msft, `${query}&name=sent-msft`);
    expect(sent.status).toBe(201);
    const [a, b] = [staged.body.datasets[0], sent.body.datasets[0]];
    const same = (d: typeof a) => ({ ...d, id: 0, name: '', createdAt: 0, updatedAt: 0 });
    expect(same(a)).toEqual(same(b));
    expect(a).toMatchObject({ symbol: 'MSFT', timeframe: '1d', candleCount: 3270, sourceFile: 'msft_daily.csv' });
    expect({ ...(await candlesOf(a.id)), datasetId: 0 }).toEqual({ ...(await candlesOf(b.id)), datasetId: 0 });
    // Used once.
    gone(await importStaged(stagedId, query));
  });

  it('serves only the user who previewed it, and only the newest preview', async () => {
    const goog = sampleBytes('goog_daily.csv');
    const before = countDatasets();
    const first = (await preview(goog, '', 'erin')).body.preview.stagedId;
    const second = (await preview(goog, '', 'erin')).body.preview.stagedId;
    gone(await importStaged(second, '', 'frank'));
    gone(await importStaged(first, '', 'erin'));
    gone(await importStaged('00000000-0000-4000-8000-000000000000', '', 'erin'));
    expect(countDatasets()).toBe(before);
    expect((await importStaged(second, 'name=erin-goog', 'erin')).status).toBe(201);
  });

  it('leaves to the engine what the parse cannot answer: 409, and nothing is stored', async () => {
    const before = countDatasets();
    const days = Array.from({ length: 6 }, (_, i) => `2024-01-0${i + 1}`);
    const withBadRow = `time,open,high,low,close\n${days.map((d, i) => (i === 3 ? `${d},10,9,11,10` : `${d},10,11,9,10.5`)).join('\n')}\n`;
    const id = async (query = '') => (await preview(withBadRow, query)).body.preview.stagedId as string;
    gone(await importStaged(await id(), 'onInvalidRow=fail')); // the engine names the rows
    gone(await importStaged(await id(), 'onInvalidRow=skip&dayFirst=true')); // read otherwise
    gone(await importStaged(await id(), 'onInvalidRow=skip&timeframe=4h')); // a timeframe nothing checked
    gone(await importStaged(await id('timeframe=1w'), 'onInvalidRow=skip')); // the inferred one was overridden
    expect(countDatasets()).toBe(before);
    const kept = await importStaged(await id('timeframe=1w'), 'onInvalidRow=skip&timeframe=1w&name=weekly');
    expect(kept.status).toBe(201);
    expect(kept.body).toMatchObject({ rejectedCount: 1, datasets: [{ timeframe: '1w', candleCount: 5 }] });
  });

  it('a file with a symbol column keeps its symbols; one without takes the import’s', async () => {
    const rows = ['symbol,time,open,high,low,close'];
    for (const sym of ['AAA', 'BBB']) for (let i = 1; i <= 5; i++) rows.push(`${sym},2024-01-0${i},10,11,9,10.5`);
    const multi = (await preview(`${rows.join('\n')}\n`, 'symbol=IGNORED')).body.preview.stagedId;
    const stored = await importStaged(multi, 'symbol=ALSO-IGNORED&onInvalidRow=skip&name=pair');
    expect(stored.body.datasets.map((d: { name: string; symbol: string }) => [d.name, d.symbol])).toEqual([
      ['pair AAA', 'AAA'],
      ['pair BBB', 'BBB'],
    ]);
    const single = (await preview(sampleBytes('ibm_daily.csv'), 'symbol=OLD')).body.preview.stagedId;
    const renamed = await importStaged(single, 'symbol=IBM&name=ibm-staged');
    expect(renamed.body.datasets[0].symbol).toBe('IBM');
  });
});
