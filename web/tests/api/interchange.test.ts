import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as datasetsRoute from '@/app/api/datasets/route';
import * as labelsRoute from '@/app/api/labels/route';
import * as annotationsRoute from '@/app/api/annotations/route';
import * as exportRoute from '@/app/api/annotations/export/route';
import * as importRoute from '@/app/api/annotations/import/route';
import * as datasetRoute from '@/app/api/datasets/[id]/route';
import { parseCsv } from '@/features/interchange/lib/csv';
import { call, sampleBytes, createTempDatabase } from '../support/routeHarness';

const env = createTempDatabase();
afterAll(() => env.cleanup());

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
let aapl: number;
let msft: number;
let labels: Record<string, number>;

beforeAll(async () => {
  aapl = (
    await call(datasetsRoute.POST, 'POST', '/api/datasets?name=AAPL&symbol=AAPL&onInvalidRow=skip', {
      raw: sampleBytes('aapl_daily.csv'),
    })
  ).body.datasets[0].id;
  msft = (
    await call(datasetsRoute.POST, 'POST', '/api/datasets?name=MSFT&symbol=MSFT&onInvalidRow=skip', {
      raw: sampleBytes('msft_daily.csv'),
    })
  ).body.datasets[0].id;
  labels = Object.fromEntries(
    ((await call(labelsRoute.GET, 'GET', '/api/labels')).body.labels as Array<{ id: number; name: string }>).map(
      (l) => [l.name, l.id],
    ),
  );
  const mk = (datasetId: number, label: string, start: string, end: string, extra: Record<string, unknown> = {}) =>
    call(annotationsRoute.POST, 'POST', '/api/annotations', {
      body: { datasetId, labelId: labels[label], start: day(start), end: day(end), ...extra },
      as: 'erin',
    });
  await mk(aapl, 'bull flag', '2010-01-04', '2010-01-15', { note: 'pole, then "flag", tight' });
  await mk(aapl, 'doji', '2010-02-01', '2010-02-01', { direction: 'bearish' });
  await mk(msft, 'engulfing', '2010-03-01', '2010-03-02', { source: 'talib', direction: 'bullish' });
});

const exportAs = (query: string) => call(exportRoute.GET, 'GET', `/api/annotations/export?${query}`);
const importFile = (body: string, query = '') =>
  call(importRoute.POST, 'POST', `/api/annotations/import?${query}`, { raw: body });
const count = () =>
  env.db().prepare('SELECT COUNT(*) FROM annotations WHERE deleted_at IS NULL').pluck().get() as number;

describe('GET /api/annotations/export', () => {
  it('json: the documented span records, filtered by dataset', async () => {
    const res = await exportAs(`format=json&datasetId=${aapl}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="spans-AAPL-.*\.json"/);
    expect(res.body.format).toBe('candle-annotator/spans');
    expect(res.body.version).toBe(1);
    expect(res.body.spans).toHaveLength(2);
    expect(res.body.spans[0]).toEqual({
      id: expect.any(String),
      dataset: 'AAPL',
      symbol: 'AAPL',
      timeframe: '1d',
      start: day('2010-01-04'),
      end: day('2010-01-15'),
      label: 'bull flag',
      source: 'human',
      annotator: 'erin',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.stringMatching(/Z$/),
      note: 'pole, then "flag", tight',
    });
    expect(res.body.spans[1]).toMatchObject({
      label: 'doji',
      direction: 'bearish',
      start: day('2010-02-01'),
      end: day('2010-02-01'),
    });
    expect('note' in res.body.spans[1]).toBe(false);
    const all = await exportAs('format=json');
    expect(all.body.spans.map((s: { dataset: string }) => s.dataset)).toEqual(['AAPL', 'AAPL', 'MSFT']);
    const humanOnly = await exportAs('format=json&source=human');
    expect(humanOnly.body.spans).toHaveLength(2);
  });

  it('csv: header and quoted fields', async () => {
    const res = await exportAs('format=csv');
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const rows = parseCsv(res.text);
    expect(rows[0]).toEqual([
      'id',
      'dataset',
      'symbol',
      'timeframe',
      'start',
      'end',
      'label',
      'source',
      'annotator',
      'created_at',
      'updated_at',
      'note',
      'direction',
      'kind',
    ]);
    expect(rows).toHaveLength(4);
    expect(rows[1][11]).toBe('pole, then "flag", tight');
    expect(rows[3].slice(6, 8)).toEqual(['engulfing', 'talib']);
  });

  it('labelstudio: one task per dataset with timeserieslabels results', async () => {
    const res = await exportAs('format=labelstudio');
    expect(res.body).toHaveLength(2);
    expect(res.body[0].data).toMatchObject({ dataset: 'AAPL', symbol: 'AAPL' });
    expect(res.body[0].annotations[0].result[0]).toMatchObject({
      type: 'timeserieslabels',
      value: { start: day('2010-01-04'), end: day('2010-01-15'), timeserieslabels: ['bull flag'] },
    });
  });

  it('rejects an unknown format or dataset', async () => {
    expect((await exportAs('format=xml')).status).toBe(400);
    expect((await exportAs('datasetId=999')).status).toBe(404);
  });
});

describe('POST /api/annotations/import', () => {
  it('our own JSON and CSV: already-present spans are duplicates, nothing doubles', async () => {
    const before = count();
    const json = (await exportAs('format=json')).text;
    const res = await importFile(json);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ format: 'json', imported: 0, duplicates: 3 });
    const csv = (await exportAs('format=csv')).text;
    expect((await importFile(csv)).body).toMatchObject({ format: 'csv', imported: 0, duplicates: 3 });
    expect(count()).toBe(before);
  });

  it('JSON spans into another dataset, snapping to candles, creating missing labels', async () => {
    const before = count();
    const spans = [
      {
        start: day('2011-05-07'),
        end: day('2011-05-13'),
        label: 'pennant',
        annotator: 'frank',
        note: 'weekend start snaps to Monday',
      },
      { start: '2011-06-01', end: '2011-06-03', label: 'Doji', source: 'model-confirmed', kind: 'negative' },
      { start: day('2011-07-02'), end: day('2011-07-03'), label: 'doji' },
    ];
    const res = await importFile(JSON.stringify(spans), `datasetId=${msft}`);
    expect(res.status).toBe(201);
    expect(res.body.imported).toBe(2);
    expect(res.body.createdLabels).toEqual(['pennant']);
    expect(res.body.skipped).toEqual([{ position: 3, reason: expect.stringMatching(/no candle/) }]);
    expect(count()).toBe(before + 2);
    const out = (await exportAs(`format=json&datasetId=${msft}`)).body.spans;
    expect(out.find((s: { label: string }) => s.label === 'pennant')).toMatchObject({
      start: day('2011-05-09'),
      end: day('2011-05-13'),
      annotator: 'frank',
    });
    expect(out.find((s: { label: string }) => s.label === 'doji')).toMatchObject({
      kind: 'negative',
      source: 'model-confirmed',
    });
  });

  it('Label Studio export with dates, epoch seconds and candle indices', async () => {
    const ls = [
      {
        data: { dataset: 'AAPL' },
        annotations: [
          {
            completed_by: 'gina',
            result: [
              {
                type: 'timeserieslabels',
                value: { start: '2012-01-03 00:00:00', end: '2012-01-05', timeserieslabels: ['hammer'] },
              },
              {
                type: 'timeserieslabels',
                value: { start: day('2012-02-01') / 1000, end: day('2012-02-02') / 1000, timeserieslabels: ['hammer'] },
              },
              { type: 'timeserieslabels', value: { start: 0, end: 2, timeserieslabels: ['morning star'] } },
            ],
          },
        ],
      },
    ];
    const res = await importFile(JSON.stringify(ls));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ format: 'labelstudio', imported: 3, skipped: [] });
    const spans = (await exportAs(`format=json&datasetId=${aapl}`)).body.spans as Array<{
      label: string;
      start: number;
      end: number;
      annotator: string;
    }>;
    expect(spans.filter((s) => s.label === 'hammer').map((s) => [s.start, s.end, s.annotator])).toEqual([
      [day('2012-01-03'), day('2012-01-05'), 'gina'],
      [day('2012-02-01'), day('2012-02-02'), 'gina'],
    ]);
    expect(spans.find((s) => s.label === 'morning star')).toMatchObject({
      start: day('2000-03-01'),
      end: day('2000-03-03'),
    });
  });

  it('files that cannot be imported are a 400 and change nothing', async () => {
    const before = count();
    const labelCount = env.db().prepare('SELECT COUNT(*) FROM labels').pluck().get();
    const cases: Array<[string, string, string]> = [
      ['', '', 'EMPTY_FILE'],
      ['{"hello": "world"}', '', 'IMPORT_PARSE_FAILED'],
      ['name,age\nbob,3\n', '', 'IMPORT_PARSE_FAILED'],
      [JSON.stringify([{ start: 1, end: 2, label: 'brand new label', dataset: 'NOPE' }]), '', 'NOTHING_IMPORTED'],
      [
        JSON.stringify([{ start: day('1990-01-01'), end: day('1990-01-05'), label: 'another new label' }]),
        `datasetId=${aapl}`,
        'NOTHING_IMPORTED',
      ],
    ];
    for (const [body, query, code] of cases) {
      const res = await importFile(body, query);
      expect(res.status, code).toBe(400);
      expect(res.body.error.code).toBe(code);
    }
    expect(count()).toBe(before);
    expect(env.db().prepare('SELECT COUNT(*) FROM labels').pluck().get()).toBe(labelCount);
  });
});

describe('CSV formula injection (OWASP)', () => {
  const FORMULA = /^[=+\-@\t\r]/;
  const hostile = {
    dataset: "=cmd|' /C calc'!A0",
    symbol: '@SUM(A1:A9)',
    label: '+HYPERLINK("http://evil.example.com","x")',
    notes: ['-2+3', '\t=tab first', "'=already quoted", 'plain note'],
  };

  it('no exported cell starts a formula; importing the file back gives the same text', async () => {
    const ds = (
      await call(datasetsRoute.POST, 'POST', '/api/datasets?name=formula', { raw: sampleBytes('ibm_daily.csv') })
    ).body.datasets[0].id as number;
    const renamed = await call(datasetRoute.PATCH, 'PATCH', `/api/datasets/${ds}`, {
      params: { id: String(ds) },
      body: { name: hostile.dataset, symbol: hostile.symbol },
    });
    expect(renamed.status).toBe(200);
    const label = await call(labelsRoute.POST, 'POST', '/api/labels', {
      body: { name: hostile.label, color: '#aa0000' },
    });
    expect(label.status).toBe(201);
    const times = [day('2011-03-01'), day('2011-03-02'), day('2011-03-03'), day('2011-03-04')];
    for (const [i, note] of hostile.notes.entries()) {
      const res = await call(annotationsRoute.POST, 'POST', '/api/annotations', {
        body: { datasetId: ds, labelId: label.body.label.id, start: times[i], end: times[i], note },
      });
      expect(res.status).toBe(201);
    }

    const csv = (await exportAs(`format=csv&datasetId=${ds}`)).text;
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(1 + hostile.notes.length);
    const offending = rows.flat().filter((cell) => FORMULA.test(cell));
    expect(offending).toEqual([]);
    expect(rows[1].slice(1, 3)).toEqual([`'${hostile.dataset}`, `'${hostile.symbol}`]);
    expect(rows[1][6]).toBe(`'${hostile.label}`);
    expect(rows.slice(1).map((r) => r[11])).toEqual(["'-2+3", "'\t=tab first", "''=already quoted", 'plain note']);

    // Into a copy of the dataset: the same label (no new one) and the original notes.
    const copy = (
      await call(datasetsRoute.POST, 'POST', '/api/datasets?name=formula%20copy', { raw: sampleBytes('ibm_daily.csv') })
    ).body.datasets[0].id as number;
    const withoutIds = csv.replace(/^[^,\r\n]*,/gm, (m, offset) => (offset === 0 ? m : ','));
    const imported = await call(importRoute.POST, 'POST', `/api/annotations/import?format=csv&datasetId=${copy}`, {
      raw: withoutIds,
      headers: { 'content-type': 'text/csv' },
    });
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ imported: hostile.notes.length, createdLabels: [] });
    const back = (await exportAs(`format=json&datasetId=${copy}`)).body.spans as Array<{
      note?: string;
      label: string;
    }>;
    expect(back.map((s) => s.label)).toEqual(hostile.notes.map(() => hostile.label));
    expect(back.map((s) => s.note)).toEqual(hostile.notes);
  });
});
