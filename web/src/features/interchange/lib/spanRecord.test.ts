import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { spanJsonSchema } from './spanRecord';

const SCHEMA_FILE = fileURLToPath(new URL('../../../../docs/span.schema.json', import.meta.url));

describe('the span record has one source (spanRecord.ts)', () => {
  it('the committed file is what the generator writes (npm -w web run contracts rewrites it)', async () => {
    await expect(`${JSON.stringify(spanJsonSchema(), null, 2)}\n`).toMatchFileSnapshot(SCHEMA_FILE);
  });

  it('describes every span field, with the exported ones required', () => {
    const span = (spanJsonSchema().properties as { spans: { items: Record<string, any> } }).spans.items;
    expect(span.additionalProperties).toBe(false);
    expect(Object.keys(span.properties)).toEqual(
      expect.arrayContaining(['id', 'dataset', 'start', 'end', 'label', 'source', 'kind', 'direction', 'note']),
    );
    expect(span.required).toEqual(
      expect.arrayContaining(['dataset', 'symbol', 'timeframe', 'start', 'end', 'label', 'source', 'annotator']),
    );
    expect(span.required).not.toContain('kind');
    expect(span.properties.kind.default).toBe('positive');
  });
});
