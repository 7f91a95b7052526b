import { describe, expect, it } from 'vitest';
import { LabelConfigError, parseLabelConfig } from './labelConfig';
import { columnKeys, servingProblem, taskSeries } from './taskSeries';
import { parseExtraParams, ExtraParamsError } from './extraParams';
import { projectUidOf, taskFingerprint } from './taskIdentity';

describe('parseLabelConfig', () => {
  it('finds the TimeSeriesLabels control and its TimeSeries object', () => {
    const c = parseLabelConfig(`<View>
      <!-- <TimeSeriesLabels name="old" toName="x"/> -->
      <Header value="Label patterns"/>
      <TimeSeriesLabels name="label" toName="ts"><Label value="Doji"/><Label value="A &amp; B" background="#f00"/></TimeSeriesLabels>
      <TimeSeries name="ts" valueType="json" value="$ohlc" timeColumn="date" timeFormat="%Y-%m-%d">
        <Channel column="Open"/><Channel column="High"/><Channel column="Low"/><Channel column="Close"/>
      </TimeSeries></View>`);
    expect(c).toEqual({
      fromName: 'label',
      toName: 'ts',
      labels: ['Doji', 'A & B'],
      object: {
        name: 'ts',
        valueKey: 'ohlc',
        valueType: 'json',
        timeColumn: 'date',
        timeFormat: '%Y-%m-%d',
        sep: null,
        channels: ['Open', 'High', 'Low', 'Close'],
      },
    });
    expect(columnKeys(c.object)).toEqual({
      time: 'date',
      open: 'Open',
      high: 'High',
      low: 'Low',
      close: 'Close',
      volume: 'volume',
    });
  });

  it('rejects configs without a time-series labels control', () => {
    expect(() =>
      parseLabelConfig('<View><Image name="i" value="$img"/><RectangleLabels name="r" toName="i"/></View>'),
    ).toThrow(LabelConfigError);
    expect(() => parseLabelConfig('<View><TimeSeriesLabels name="l" toName="nothing"/></View>')).toThrow(/toName/);
    expect(() => parseLabelConfig('not xml')).toThrow(LabelConfigError);
  });
});

describe('taskSeries', () => {
  it('reads inline columns, rows, dates and dataset references', () => {
    expect(
      taskSeries(
        { ts: { time: ['2024-01-02', '2024-01-03'], open: [1, 2], high: [2, 3], low: [0, 1], close: ['1.5', 2.5] } },
        null,
      ),
    ).toEqual({
      kind: 'inline',
      candles: {
        time: [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)],
        open: [1, 2],
        high: [2, 3],
        low: [0, 1],
        close: [1.5, 2.5],
        volume: [0, 0],
      },
      lsTimes: null,
    });
    const rows = taskSeries({ ts: [{ time: 1_700_000_000, open: 1, high: 2, low: 0, close: 1, volume: 5 }] }, null);
    expect(rows).toEqual({
      kind: 'inline',
      candles: { time: [1_700_000_000_000], open: [1], high: [2], low: [0], close: [1], volume: [5] },
      // Label Studio uses a numeric time column without timeFormat as it is (seconds here).
      lsTimes: [1_700_000_000],
    });
    expect(taskSeries({ datasetId: 4, from: 1_700_000_000_000 }, null)).toEqual({
      kind: 'dataset',
      datasetId: 4,
      from: 1_700_000_000_000,
      to: undefined,
    });
    expect(taskSeries({ ts: '/data/upload/1/file.csv' }, null)).toEqual({
      kind: 'url',
      url: '/data/upload/1/file.csv',
    });
    expect(taskSeries({}, null).kind).toBe('missing');
  });
});

describe('label config limits and what the backend can serve', () => {
  const base = (ts: string) =>
    `<View><TimeSeriesLabels name="l" toName="ts"><Label value="doji"/></TimeSeriesLabels>${ts}</View>`;
  const ohlc =
    '<Channel column="Open Price"/><Channel column="h"/><Channel column="LOW"/><Channel column="Adj Close"/>';

  it('refuses oversize, over-deep, DOCTYPE and malformed configs with a LabelConfigError', () => {
    expect(() => parseLabelConfig(`<View>${'<!--'.repeat(70_000)}</View>`)).toThrow(/KiB/);
    expect(() => parseLabelConfig(`${'<View>'.repeat(100)}${'</View>'.repeat(100)}`)).toThrow(/deeper/);
    expect(() => parseLabelConfig('<!DOCTYPE x [<!ENTITY a "b">]><View/>')).toThrow(/DOCTYPE/);
    expect(() => parseLabelConfig('<View><TimeSeries name="a"></View>')).toThrow(/well-formed/);
    expect(() => parseLabelConfig(`<View>${'<a/>'.repeat(20_001)}</View>`)).toThrow(/elements/);
  });

  it('servingProblem: time column, price channels (names normalised), valueType, sep', () => {
    const ok = parseLabelConfig(base(`<TimeSeries name="ts" value="$csv" timeColumn="t">${ohlc}</TimeSeries>`));
    expect(servingProblem(ok)).toBeNull();
    expect(columnKeys(ok.object)).toMatchObject({
      open: 'Open Price',
      high: 'h',
      low: 'LOW',
      close: 'Adj Close',
      volume: 'volume',
    });
    const noTime = parseLabelConfig(base(`<TimeSeries name="ts" value="$csv">${ohlc}</TimeSeries>`));
    expect(servingProblem(noTime)).toMatch(/no timeColumn/);
    const noClose = parseLabelConfig(
      base(
        `<TimeSeries name="ts" value="$csv" timeColumn="t"><Channel column="open"/><Channel column="high"/><Channel column="low"/></TimeSeries>`,
      ),
    );
    expect(servingProblem(noClose)).toMatch(/none is named close/);
    const sep = parseLabelConfig(
      base(`<TimeSeries name="ts" value="$csv" timeColumn="t" sep="::">${ohlc}</TimeSeries>`),
    );
    expect(servingProblem(sep)).toMatch(/sep/);
    const tab = parseLabelConfig(
      base(`<TimeSeries name="ts" value="$csv" timeColumn="t" sep="\\t">${ohlc}</TimeSeries>`),
    );
    expect(servingProblem(tab)).toBeNull();
  });

  it('extra_params, project uids and task fingerprints', () => {
    expect(parseExtraParams(null)).toEqual({});
    expect(parseExtraParams('{"min_confidence": 0.4, "labels": "doji, engulfing"}')).toEqual({
      minConfidence: 0.4,
      labels: ['doji', 'engulfing'],
    });
    expect(() => parseExtraParams({ threshold: 1 })).toThrow(ExtraParamsError);
    expect(() => parseExtraParams({ min_confidence: 2 })).toThrow(/min_confidence/);
    expect(projectUidOf({ id: 3, created_at: '2026-01-02T03:04:05.999Z' })).toBe(
      `3.${Math.floor(Date.UTC(2026, 0, 2, 3, 4, 5) / 1000)}`,
    );
    expect(projectUidOf('3.1700000000')).toBe('3.1700000000');
    expect(projectUidOf({ id: 3 })).toBe('3');
    expect(taskFingerprint({ a: 1, b: [1, { c: 2 }] })).toBe(taskFingerprint({ b: [1, { c: 2 }], a: 1 }));
    expect(taskFingerprint({ a: 1 })).not.toBe(taskFingerprint({ a: 2 }));
  });
});
