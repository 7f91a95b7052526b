import { describe, expect, it } from 'vitest';
import type { Annotation } from '@/features/annotations/types';
import { spansToCsv, spansToJson, spansToLabelStudio, toSpanRecord } from './exportFormats';
import { ImportParseError, detectFormat, parseImport } from './importFormats';
import { SPAN_FORMAT_ID } from './spanRecord';

const dataset = { id: 7, name: 'AAPL daily', symbol: 'AAPL', timeframe: '1d' };
const base: Annotation = {
  id: '0b7c3c52-4a7e-4c36-9d36-2f1f6b2c9a10',
  datasetId: 7,
  labelId: 1,
  start: Date.UTC(2010, 0, 4),
  end: Date.UTC(2010, 0, 6),
  kind: 'positive',
  source: 'human',
  annotator: 'ann',
  direction: null,
  note: 'clean, "textbook" one',
  version: 3,
  createdAt: Date.UTC(2024, 5, 1, 12),
  updatedAt: Date.UTC(2024, 5, 2, 12),
};

describe('toSpanRecord', () => {
  it('writes the documented fields, optional ones only when set', () => {
    const r = toSpanRecord(base, dataset, 'bull flag');
    expect(r).toEqual({
      id: base.id,
      dataset: 'AAPL daily',
      symbol: 'AAPL',
      timeframe: '1d',
      start: base.start,
      end: base.end,
      label: 'bull flag',
      source: 'human',
      annotator: 'ann',
      created_at: '2024-06-01T12:00:00.000Z',
      updated_at: '2024-06-02T12:00:00.000Z',
      note: 'clean, "textbook" one',
    });
    const talib = toSpanRecord({ ...base, note: null, source: 'talib', direction: 'bearish', kind: 'negative' }, dataset, 'engulfing');
    expect(talib.direction).toBe('bearish');
    expect(talib.kind).toBe('negative');
    expect('note' in talib).toBe(false);
  });
});

describe('export → import round trips', () => {
  const records = [toSpanRecord(base, dataset, 'bull flag'), toSpanRecord({ ...base, id: '1b7c3c52-4a7e-4c36-9d36-2f1f6b2c9a11', note: null, direction: 'bullish', start: base.end, end: base.end }, dataset, 'doji')];

  it('json', () => {
    const json = spansToJson(records, Date.UTC(2024, 6, 1));
    expect(json.format).toBe(SPAN_FORMAT_ID);
    const text = JSON.stringify(json);
    expect(detectFormat(text)).toBe('json');
    const parsed = parseImport(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.spans.map((s) => [s.label, s.start, s.end, s.dataset, s.note ?? null])).toEqual([
      ['bull flag', base.start, base.end, 'AAPL daily', 'clean, "textbook" one'],
      ['doji', base.end, base.end, 'AAPL daily', null],
    ]);
  });

  it('csv', () => {
    const text = spansToCsv(records);
    expect(text.split('\r\n')[0]).toBe('id,dataset,symbol,timeframe,start,end,label,source,annotator,created_at,updated_at,note,direction,kind');
    expect(detectFormat(text)).toBe('csv');
    const parsed = parseImport(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.spans[0]).toMatchObject({ label: 'bull flag', start: base.start, end: base.end, note: 'clean, "textbook" one', kind: 'positive', position: 2 });
    expect(parsed.spans[1]).toMatchObject({ label: 'doji', direction: 'bullish' });
  });

  it('label studio', () => {
    const tasks = spansToLabelStudio(records, new Map([[dataset.name, dataset]]));
    expect(tasks).toHaveLength(1);
    expect(tasks[0].annotations[0].result[0]).toMatchObject({ type: 'timeserieslabels', value: { start: base.start, end: base.end, timeserieslabels: ['bull flag'] } });
    const text = JSON.stringify(tasks);
    expect(detectFormat(text)).toBe('labelstudio');
    const parsed = parseImport(text);
    expect(parsed.spans.map((s) => [s.label, s.start, s.end, s.dataset])).toEqual([
      ['bull flag', base.start, base.end, 'AAPL daily'],
      ['doji', base.end, base.end, 'AAPL daily'],
    ]);
  });
});

describe('import parsing of foreign and broken files', () => {
  it('Label Studio results with formatted dates and indices, several labels per result', () => {
    const text = JSON.stringify([
      {
        data: { csv: 'prices.csv' },
        annotations: [
          {
            completed_by: { email: 'x@y.z' },
            result: [
              { type: 'timeserieslabels', value: { start: '2010-01-04 00:00:00', end: '2010-01-06', timeserieslabels: ['doji', 'hammer'] } },
              { type: 'timeserieslabels', value: { start: 3, end: 5, instant: false, timeserieslabels: ['engulfing'] } },
              { type: 'choices', value: { choices: ['x'] } },
              { type: 'timeserieslabels', value: { start: 1, end: 2, timeserieslabels: [] } },
            ],
          },
        ],
      },
    ]);
    const parsed = parseImport(text, 'labelstudio');
    expect(parsed.spans.map((s) => [s.label, s.start, s.end, s.annotator])).toEqual([
      ['doji', '2010-01-04 00:00:00', '2010-01-06', 'x@y.z'],
      ['hammer', '2010-01-04 00:00:00', '2010-01-06', 'x@y.z'],
      ['engulfing', 3, 5, 'x@y.z'],
    ]);
    expect(parsed.problems).toEqual([{ position: 3, reason: 'value.timeserieslabels is empty' }]);
  });

  it('reports bad records with their position and keeps the good ones', () => {
    const parsed = parseImport(JSON.stringify([{ start: 1, end: 2, label: 'doji' }, { start: 1, label: 'x' }, { start: 1, end: 2, label: 'y', source: 'robot' }]));
    expect(parsed.spans).toHaveLength(1);
    expect(parsed.problems.map((p) => p.position)).toEqual([2, 3]);
    expect(parsed.problems[0].reason).toMatch(/end/);
    expect(parsed.problems[1].reason).toMatch(/source/);
  });

  it('rejects files that are not span files', () => {
    expect(() => parseImport('')).toThrow(ImportParseError);
    expect(() => parseImport('{"nope": 1}')).toThrow(/spans/);
    expect(() => parseImport('[1, 2')).toThrow(/JSON/);
    expect(() => parseImport('name,age\nbob,3\n')).toThrow(/start, end and label/);
    expect(() => parseImport('[{"annotations": []}]')).toThrow(/timeserieslabels/);
  });
});
