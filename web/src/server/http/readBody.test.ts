import { describe, expect, it } from 'vitest';
import { declaredLength, readBody } from './handler';
import { ApiError } from './apiError';

/** A POST whose body arrives in the given chunks, with or without a Content-Length. */
function upload(chunks: Uint8Array[], contentLength?: number): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const headers = contentLength === undefined ? undefined : { 'content-length': String(contentLength) };
  return new Request('http://localhost/api/datasets', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const joined = (chunks: Uint8Array[]) => Buffer.concat(chunks);

describe('readBody', () => {
  const chunks = [bytes(70_000, 1), bytes(5, 2), bytes(130_001, 3)];
  const total = 200_006;

  it('reads a body of the declared length', async () => {
    const body = await readBody(upload(chunks, total), 1_000_000);
    expect(body.equals(joined(chunks))).toBe(true);
  });

  it('reads a body without a declared length, larger than the first buffer', async () => {
    const body = await readBody(upload(chunks), 1_000_000);
    expect(body.length).toBe(total);
    expect(body.equals(joined(chunks))).toBe(true);
  });

  it('reads a body longer or shorter than its declared length', async () => {
    expect((await readBody(upload(chunks, 1_000), 1_000_000)).equals(joined(chunks))).toBe(true);
    expect((await readBody(upload(chunks, 900_000), 1_000_000)).equals(joined(chunks))).toBe(true);
  });

  it('refuses a body over the limit, declared or not', async () => {
    await expect(readBody(upload(chunks, total), 100_000)).rejects.toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    const undeclared = readBody(upload(chunks), 100_000);
    await expect(undeclared).rejects.toBeInstanceOf(ApiError);
    await expect(undeclared).rejects.toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('reads an empty body', async () => {
    expect((await readBody(upload([], 0), 1_000)).length).toBe(0);
    expect((await readBody(upload([]), 1_000)).length).toBe(0);
  });
});

describe('declaredLength', () => {
  const request = (headers: Record<string, string>) =>
    new Request('http://localhost/api/datasets', { method: 'POST', headers });

  it('reads Content-Length, and null when it is absent or not a length', () => {
    expect(declaredLength(request({ 'content-length': '1234' }))).toBe(1234);
    expect(declaredLength(request({}))).toBeNull();
    expect(declaredLength(request({ 'content-length': 'lots' }))).toBeNull();
  });
});
