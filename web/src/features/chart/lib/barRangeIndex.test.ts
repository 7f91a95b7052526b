import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../tests/support/seededRandom';
import { BarRangeIndex, MAX_EXTREME_BARS } from './barRangeIndex';
import { barRangeOf, type ChartBars } from './chartBars';

type Span = { start: number; end: number; id: number };

/** Bars of mixed widths with gaps between some of them, as the aggregated overview has. */
function randomBars(next: () => number, n: number): Pick<ChartBars, 'time' | 'endTime' | 'high' | 'low'> {
  const bars = { time: [] as number[], endTime: [] as number[], high: [] as number[], low: [] as number[] };
  let t = 1000;
  for (let i = 0; i < n; i++) {
    const width = 1 + Math.floor(next() * 5);
    bars.time.push(t);
    bars.endTime.push(t + width - 1);
    const low = 100 + next() * 10;
    bars.low.push(low);
    bars.high.push(low + next() * 3);
    t += width + (next() < 0.1 ? 1 + Math.floor(next() * 8) : 0);
  }
  return bars;
}

describe('BarRangeIndex', () => {
  it('finds the spans in view as resolving every span would, with the same bars and extremes', () => {
    const next = seededRandom(11);
    const bars = randomBars(next, 2000);
    const last = bars.endTime[bars.endTime.length - 1];
    const spans: Span[] = Array.from({ length: 600 }, (_, id) => {
      const start = 900 + Math.floor(next() * (last - 800));
      const length = next() < 0.05 ? Math.floor(next() * 3000) : Math.floor(next() * 40);
      return { id, start, end: start + length };
    });
    const index = new BarRangeIndex(bars, spans);
    for (let q = 0; q < 300; q++) {
      const from = next() * 2100 - 50;
      const to = from + next() * (q % 10 === 0 ? 2000 : 60);
      const expected = spans.flatMap((span) => {
        const r = barRangeOf(bars, span.start, span.end);
        if (!r || r.to < from || r.from > to) return [];
        const high = Math.max(...bars.high.slice(r.from, r.to + 1));
        const low = Math.min(...bars.low.slice(r.from, r.to + 1));
        return [{ item: span, from: r.from, to: r.to, high, low }];
      });
      expect(index.within(from, to)).toEqual(expected);
    }
  });

  it('skips spans outside the data or inside a gap', () => {
    const bars = { time: [10, 20, 40], endTime: [19, 29, 49], high: [5, 6, 7], low: [1, 2, 3] };
    const spans = [
      { id: 'before', start: 0, end: 5 },
      { id: 'gap', start: 31, end: 38 },
      { id: 'after', start: 50, end: 60 },
      { id: 'two', start: 25, end: 45 },
    ];
    expect(new BarRangeIndex(bars, spans).within(-10, 10).map((r) => [r.item.id, r.from, r.to, r.high, r.low])).toEqual(
      [['two', 1, 2, 7, 2]],
    );
  });

  it('reads the extremes of a very long span over its first bars only', () => {
    const n = MAX_EXTREME_BARS + 10;
    const bars = {
      time: Array.from({ length: n }, (_, i) => i),
      endTime: Array.from({ length: n }, (_, i) => i),
      high: Array.from({ length: n }, (_, i) => (i === n - 1 ? 99 : 1)),
      low: Array.from({ length: n }, () => 0),
    };
    const [resolved] = new BarRangeIndex(bars, [{ start: 0, end: n - 1 }]).within(0, n);
    expect(resolved).toMatchObject({ from: 0, to: n - 1, high: 1, low: 0 });
  });
});
