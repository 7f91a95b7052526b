import { describe, expect, it } from 'vitest';
import { STRIP_DEFAULTS, parseStripSettings } from './stripSettings';

describe('parseStripSettings', () => {
  it('reads saved settings', () => {
    expect(parseStripSettings('{"on":true,"mode":"uncertainty","tint":true}')).toEqual({
      on: true,
      mode: 'uncertainty',
      tint: true,
    });
  });
  it('fills what is missing or wrong with the defaults', () => {
    expect(parseStripSettings(null)).toEqual(STRIP_DEFAULTS);
    expect(parseStripSettings('{"on":"yes","mode":"rainbow"}')).toEqual(STRIP_DEFAULTS);
    expect(parseStripSettings('{not json')).toEqual(STRIP_DEFAULTS);
  });
});
