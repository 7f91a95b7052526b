// config/pipeline.schema.json, generated from the engine's config types
// (crates/engine/tests/config_schema.rs): it accepts every config the repo ships and refuses
// what the engine refuses, each bad config checked against both (the engine's `train` is
// handed an already-aborted signal, so a config it accepted would end CANCELLED, not train).
const fs = require('node:fs');
const path = require('node:path');
const Ajv2020 = require('ajv/dist/2020').default;
const YAML = require('yaml');
const engine = require('..');
const { rejection } = require('./helpers');

const ROOT = path.join(__dirname, '..');
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'config', 'pipeline.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

const SHIPPED = [
  ...fs
    .readdirSync(path.join(ROOT, 'config'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join('config', f)),
  '__test__/fixtures/pipeline-small.yaml',
];
const readConfig = (rel) => YAML.parse(fs.readFileSync(path.join(ROOT, rel), 'utf8'));

describe('the pipeline config schema', () => {
  test.each(SHIPPED)('accepts %s', (rel) => {
    expect(validate(readConfig(rel)) ? [] : validate.errors).toEqual([]);
  });

  test('every shipped config names the schema for editors', () => {
    for (const rel of SHIPPED) {
      const first = fs.readFileSync(path.join(ROOT, rel), 'utf8').split('\n')[0];
      const ref = first.match(/^# yaml-language-server: \$schema=(\S+)$/)?.[1];
      expect(ref && path.resolve(path.dirname(path.join(ROOT, rel)), ref)).toBe(
        path.join(ROOT, 'config', 'pipeline.schema.json'),
      );
    }
  });

  const base = () => readConfig('__test__/fixtures/pipeline-small.yaml');
  const BAD = {
    'an unknown top-level key': (c) => (c.splitt = {}),
    'a key no model family reads': (c) => (c.model.learnin_rate = 0.1),
    "another family's key (learning_rate on random_forest)": (c) => {
      c.model = { type: 'random_forest', learning_rate: 0.1 };
    },
    "an XGBoost key on the window model (whose head's keys the schema reaches through a $ref)": (c) => {
      c.model = { type: 'window', context: 32, min_child_weight: 1 };
    },
    'an unknown model type': (c) => (c.model.type = 'svm'),
    'a string where rounds is a count': (c) => (c.model.rounds = 'many'),
    'an unknown balance mode': (c) => (c.balance.mode = 'smote'),
    'an unknown key in a series': (c) => (c.data.series[0].paht = 'x.csv'),
    'a feature selection that is neither a flag nor a list': (c) => (c.features.geometry = 'all'),
    'distributed workers given as a word': (c) => (c.distributed = { workers: 'three' }),
  };
  test.each(Object.keys(BAD))('refuses %s, as the engine does', async (name) => {
    const config = base();
    BAD[name](config);
    expect(validate(config)).toBe(false);
    const cancelled = new AbortController();
    cancelled.abort();
    const err = await rejection(engine.train({ config, rootDir: ROOT }, undefined, cancelled.signal));
    expect(err.code).toBe('INVALID_CONFIG');
  });

  test('the engine ends an accepted config CANCELLED here, so the refusals above are its own', async () => {
    const cancelled = new AbortController();
    cancelled.abort();
    const err = await rejection(engine.train({ config: base(), rootDir: ROOT }, undefined, cancelled.signal));
    expect(err.code).toBe('CANCELLED');
  });
});
