import { describe, expect, it } from 'vitest';
import type { Annotation } from '@/features/annotations';
import {
  DEFAULT_LABEL_STUDIO_LAYOUT,
  formatTime,
  spansToCsv,
  spansToJson,
  spansToLabelStudio,
  toSpanRecord,
} from './exportFormats';
import { ImportParseError, detectFormat, parseImport } from './importFormats';
import { SPAN_FORMAT_ID, spanExportSchema } from './spanRecord';

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
    const talib = toSpanRecord(
      { ...base, note: null, source: 'talib', direction: 'bearish', kind: 'negative' },
      dataset,
      'engulfing',
    );
    expect(talib.direction).toBe('bearish');
    expect(talib.kind).toBe('negative');
    expect('note' in talib).toBe(false);
  });
});

describe('the JSON export', () => {
  it('is valid by the one span schema (spanRecord.ts), and the schema refuses what it is not', () => {
    const exported = spansToJson([
      toSpanRecord(base, dataset, 'bull flag'),
      toSpanRecord(
        { ...base, id: '1b7c3c52-4a7e-4c36-9d36-2f1f6b2c9a10', kind: 'negative', direction: 'bullish', note: null },
        { ...dataset, symbol: null, timeframe: null },
        'doji',
      ),
    ]);
    expect(spanExportSchema.safeParse(JSON.parse(JSON.stringify(exported))).error).toBeUndefined();
    expect(spanExportSchema.safeParse({ ...exported, version: 2 }).success).toBe(false);
    expect(spanExportSchema.safeParse({ ...exported, spans: [{ ...exported.spans[0], extra: 1 }] }).success).toBe(
      false,
    );
  });
});

describe('export → import round trips', () => {
  const records = [
    toSpanRecord(base, dataset, 'bull flag'),
    toSpanRecord(
      {
        ...base,
        id: '1b7c3c52-4a7e-4c36-9d36-2f1f6b2c9a11',
        note: null,
        direction: 'bullish',
        start: base.end,
        end: base.end,
      },
      dataset,
      'doji',
    ),
  ];

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
    expect(text.split('\r\n')[0]).toBe(
      'id,dataset,symbol,timeframe,start,end,label,source,annotator,created_at,updated_at,note,direction,kind',
    );
    expect(detectFormat(text)).toBe('csv');
    const parsed = parseImport(text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.spans[0]).toMatchObject({
      label: 'bull flag',
      start: base.start,
      end: base.end,
      note: 'clean, "textbook" one',
      kind: 'positive',
      position: 2,
    });
    expect(parsed.spans[1]).toMatchObject({ label: 'doji', direction: 'bullish' });
  });

  it('label studio', () => {
    const candles = {
      time: [base.start, base.end],
      open: [1, 2],
      high: [2, 3],
      low: [0, 1],
      close: [1.5, 2.5],
      volume: [9, 9],
    };
    const tasks = spansToLabelStudio(records, () => candles, {
      layout: DEFAULT_LABEL_STUDIO_LAYOUT,
      as: 'annotations',
      modelVersion: 'x',
    });
    expect(tasks).toHaveLength(1);
    // The series inline under the config's key, no completed_by (Label Studio assigns the importer).
    expect(tasks[0].data.ts).toEqual(candles);
    expect(tasks[0].annotations![0]).not.toHaveProperty('completed_by');
    expect(tasks[0].annotations![0].result[0]).toMatchObject({
      type: 'timeserieslabels',
      value: { start: base.start, end: base.end, timeserieslabels: ['bull flag'] },
    });
    const text = JSON.stringify(tasks);
    expect(detectFormat(text)).toBe('labelstudio');
    const parsed = parseImport(text);
    expect(parsed.spans.map((s) => [s.label, s.start, s.end, s.dataset])).toEqual([
      ['bull flag', base.start, base.end, 'AAPL daily'],
      ['doji', base.end, base.end, 'AAPL daily'],
    ]);
  });

  it('Label Studio: the project layout, completed_by by email or id, predictions, formatted times', () => {
    const records = [
      toSpanRecord(base, dataset, 'bull flag'),
      toSpanRecord({ ...base, id: 'b', annotator: 'ann@example.com', source: 'talib' }, dataset, 'doji'),
      toSpanRecord({ ...base, id: 'c', annotator: 'label-studio:7' }, dataset, 'doji'),
    ];
    const candles = { time: [base.start], open: [1], high: [2], low: [0], close: [1.5], volume: [0] };
    const layout = {
      fromName: 'pattern',
      toName: 'chart',
      valueKey: 'series',
      columns: { time: 'date', open: 'O', high: 'H', low: 'L', close: 'C', volume: 'V' },
      timeFormat: '%Y-%m-%d',
    };
    const byEmail = spansToLabelStudio(records, () => candles, {
      layout,
      as: 'annotations',
      completedBy: 'annotator',
      modelVersion: 'x',
    });
    expect(byEmail[0].data.series).toEqual({ date: ['2010-01-04'], O: [1], H: [2], L: [0], C: [1.5], V: [0] });
    expect(byEmail[0].annotations!.map((a) => a.completed_by)).toEqual([undefined, { email: 'ann@example.com' }, 7]);
    expect(byEmail[0].annotations![0].result[0]).toMatchObject({ from_name: 'pattern', to_name: 'chart' });
    const byId = spansToLabelStudio(records, () => candles, {
      layout,
      as: 'annotations',
      completedBy: 3,
      modelVersion: 'x',
    });
    expect(byId[0].annotations!.map((a) => a.completed_by)).toEqual([3, 3, 3]);
    const predicted = spansToLabelStudio(records, () => candles, { layout, as: 'predictions', modelVersion: 'ca' });
    expect(predicted[0].annotations).toBeUndefined();
    expect(predicted[0].predictions!.map((p) => [p.model_version, p.score, p.result.length])).toEqual([
      ['ca:human', 1, 2],
      ['ca:talib', 1, 1],
    ]);
    expect(formatTime(Date.UTC(2020, 0, 2, 13, 5, 9, 250), '%d.%m.%Y %H:%M:%S.%L')).toBe('02.01.2020 13:05:09.250');
    expect(() => formatTime(0, '%Y-%K')).toThrow(/%K/);
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
              {
                type: 'timeserieslabels',
                value: { start: '2010-01-04 00:00:00', end: '2010-01-06', timeserieslabels: ['doji', 'hammer'] },
              },
              {
                type: 'timeserieslabels',
                value: { start: 3, end: 5, instant: false, timeserieslabels: ['engulfing'] },
              },
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
    const parsed = parseImport(
      JSON.stringify([
        { start: 1, end: 2, label: 'doji' },
        { start: 1, label: 'x' },
        { start: 1, end: 2, label: 'y', source: 'robot' },
      ]),
    );
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
