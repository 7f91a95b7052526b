import { describe, expect, it } from 'vitest';
import { csvField, parseCsv, toCsv } from './csv';

describe('csv', () => {
  it('quotes only when needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
  });
  it('round-trips quotes, commas and newlines', () => {
    const text = toCsv(['a', 'b'], [['x, y', 'line1\nline2'], ['"q"', 3]]);
    expect(parseCsv(text)).toEqual([['a', 'b'], ['x, y', 'line1\nline2'], ['"q"', '3']]);
  });
  it('handles LF, CRLF, a BOM and blank lines', () => {
    expect(parseCsv('\ufeffa,b\n1,2\r\n\n3,4')).toEqual([['a', 'b'], ['1', '2'], ['3', '4']]);
  });
  it('rejects an unterminated quote', () => {
    expect(() => parseCsv('a\n"oops')).toThrow(/unterminated/);
  });
});
