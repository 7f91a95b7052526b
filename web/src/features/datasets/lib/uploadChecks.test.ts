import { describe, expect, it } from 'vitest';
import { checkUploadBytes } from './uploadChecks';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('checkUploadBytes', () => {
  it('accepts a CSV', () => {
    expect(checkUploadBytes(bytes('time,open,high,low,close\n2024-01-01,1,2,0.5,1.5\n'))).toBeNull();
  });
  it('rejects empty and whitespace-only files', () => {
    expect(checkUploadBytes(new Uint8Array())?.code).toBe('EMPTY_FILE');
    expect(checkUploadBytes(bytes(' \r\n\n'))?.code).toBe('EMPTY_FILE');
  });
  it('rejects binary files', () => {
    expect(checkUploadBytes(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))?.code).toBe(
      'NOT_TEXT',
    );
    const controls = new Uint8Array(1000).map((_, i) => (i % 3 === 0 ? 0x01 : 0x41));
    expect(checkUploadBytes(controls)?.code).toBe('NOT_TEXT');
  });
});
