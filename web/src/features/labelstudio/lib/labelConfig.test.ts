import { describe, expect, it } from 'vitest';
import { LabelConfigError, parseLabelConfig } from './labelConfig';
import { columnKeys, taskSeries } from './taskSeries';

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
      object: { name: 'ts', valueKey: 'ohlc', valueType: 'json', timeColumn: 'date', timeFormat: '%Y-%m-%d', channels: ['Open', 'High', 'Low', 'Close'] },
    });
    expect(columnKeys(c.object)).toEqual({ time: 'date', open: 'Open', high: 'High', low: 'Low', close: 'Close', volume: 'volume' });
  });

  it('rejects configs without a time-series labels control', () => {
    expect(() => parseLabelConfig('<View><Image name="i" value="$img"/><RectangleLabels name="r" toName="i"/></View>')).toThrow(LabelConfigError);
    expect(() => parseLabelConfig('<View><TimeSeriesLabels name="l" toName="nothing"/></View>')).toThrow(/toName/);
    expect(() => parseLabelConfig('not xml')).toThrow(LabelConfigError);
  });
});

describe('taskSeries', () => {
  it('reads inline columns, rows, dates and dataset references', () => {
    expect(taskSeries({ ts: { time: ['2024-01-02', '2024-01-03'], open: [1, 2], high: [2, 3], low: [0, 1], close: ['1.5', 2.5] } }, null)).toEqual({
      kind: 'inline',
      candles: { time: [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)], open: [1, 2], high: [2, 3], low: [0, 1], close: [1.5, 2.5], volume: [0, 0] },
    });
    const rows = taskSeries({ ts: [{ time: 1_700_000_000, open: 1, high: 2, low: 0, close: 1, volume: 5 }] }, null);
    expect(rows).toEqual({ kind: 'inline', candles: { time: [1_700_000_000_000], open: [1], high: [2], low: [0], close: [1], volume: [5] } });
    expect(taskSeries({ datasetId: 4, from: 1_700_000_000_000 }, null)).toEqual({ kind: 'dataset', datasetId: 4, from: 1_700_000_000_000, to: undefined });
    expect(taskSeries({ ts: 'https://host/file.csv' }, null).kind).toBe('missing');
    expect(taskSeries({}, null).kind).toBe('missing');
  });
});
