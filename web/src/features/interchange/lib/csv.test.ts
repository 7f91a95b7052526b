import { describe, expect, it } from 'vitest';
import { csvField, neutralizeFormula, parseCsv, restoreFormula, toCsv } from './csv';

describe('csv', () => {
  it('quotes only when needed', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(null)).toBe('');
  });
  it('round-trips quotes, commas and newlines', () => {
    const text = toCsv(
      ['a', 'b'],
      [
        ['x, y', 'line1\nline2'],
        ['"q"', 3],
      ],
    );
    expect(parseCsv(text)).toEqual([
      ['a', 'b'],
      ['x, y', 'line1\nline2'],
      ['"q"', '3'],
    ]);
  });
  it('handles LF, CRLF, a BOM and blank lines', () => {
    expect(parseCsv('\ufeffa,b\n1,2\r\n\n3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
  });
  it('rejects an unterminated quote', () => {
    expect(() => parseCsv('a\n"oops')).toThrow(/unterminated/);
  });
  it('neutralizes formula prefixes in text cells (OWASP), never in numbers', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1'])
      expect(csvField(text)).toBe(`"'${text.replace(/"/g, '""')}"`);
    expect(csvField(-1.5)).toBe('-1.5');
    expect(csvField('a=1')).toBe('a=1');
    expect(csvField("'quoted")).toBe("'quoted");
  });
  it('restores exactly what it neutralized, including text that starts with quotes', () => {
    for (const text of ['=1', "'=1", "''+x", "'plain", 'plain', '-', "'", '@'])
      expect(restoreFormula(neutralizeFormula(text))).toBe(text);
    expect(neutralizeFormula("'=1")).toBe("''=1");
    expect(restoreFormula("'plain")).toBe("'plain");
  });
});
