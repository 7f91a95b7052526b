// The inference contract: predict / predictBatch / modelInfo against models trained here on the
// real samples, in a temporary registry.
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { engine, loadSample, sliceCandles, rejection } = require('./helpers')

const ROOT = path.join(__dirname, '..')

const SMALL = require('./fixtures/predict-small.json')

/** The small, fast pipeline config shared with the route tests and bench/predict (two instruments, two patterns, few rounds), in `registry`. */
function smallConfig(registry, modelType = 'lightgbm') {
  return {
    ...SMALL,
    dataset: { ...SMALL.dataset, output_dir: path.join(registry, 'dataset') },
    model: modelType === 'xgboost' ? { type: modelType, rounds: 25, learning_rate: 0.1, max_depth: 4 } : SMALL.model,
    registry: { root: registry, name: 'test-patterns' },
  }
}

describe('predict / modelInfo / predictBatch', () => {
  let registry
  let candles
  let first
  beforeAll(async () => {
    registry = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-predict-'))
    first = await engine.train({ config: smallConfig(registry), rootDir: ROOT })
    candles = await loadSample('ibm_daily.csv')
  }, 180_000)
  afterAll(() => fs.rmSync(registry, { recursive: true, force: true }))

  test('before any training: NO_MODEL', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-empty-'))
    const err = await rejection(engine.predict(sliceCandles(candles, 0, 500), { registry: empty }))
    expect(err.code).toBe('NO_MODEL')
    fs.rmSync(empty, { recursive: true })
  })

  test('spans with confidences on an unseen instrument, mapped to its candles', async () => {
    const c = sliceCandles(candles, 1000, 1500)
    const p = await engine.predict(c, { registry, perCandle: true })
    expect(p.model).toEqual({ name: 'test-patterns', version: first.version, type: 'lightgbm', trainedAt: expect.any(String) })
    expect(p.spans.length).toBeGreaterThan(5)
    for (const s of p.spans) {
      expect(['engulfing', 'doji']).toContain(s.label)
      expect(s.start).toBeLessThanOrEqual(s.end)
      expect(s.end).toBeLessThan(500)
      expect(s.startTime).toBe(c.time[s.start])
      expect(s.endTime).toBe(c.time[s.end])
      expect(s.confidence).toBeGreaterThan(0)
      expect(s.confidence).toBeLessThanOrEqual(1)
    }
    const pc = p.perCandle
    expect(pc.classNames[0]).toBe('O')
    expect(pc.probabilities).toHaveLength(500)
    const rows = pc.probabilities.filter(Boolean)
    expect(rows.length).toBeGreaterThan(400)
    for (const row of rows) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6)
    const i = pc.probabilities.findIndex(Boolean)
    expect(pc.entropy[i]).toBeGreaterThanOrEqual(0)
    expect(pc.margin[i]).toBeGreaterThanOrEqual(0)
    expect(pc.probabilities[0]).toBeNull() // inside the feature warm-up
  })

  test('minConfidence and labels filter; the same request gives the same answer', async () => {
    const c = sliceCandles(candles, 2000, 2600)
    const all = await engine.predict(c, { registry })
    const confident = await engine.predict(c, { registry, minConfidence: 0.6 })
    expect(confident.spans.every((s) => s.confidence >= 0.6)).toBe(true)
    expect(confident.spans.length).toBeLessThanOrEqual(all.spans.length)
    const doji = await engine.predict(c, { registry, labels: ['doji'] })
    expect(doji.spans.every((s) => s.label === 'doji')).toBe(true)
    expect(await engine.predict(c, { registry })).toEqual(all)
  })

  test('modelInfo: labels, features, per-class validation and test metrics', async () => {
    const info = await engine.modelInfo('champion', registry)
    expect(info.version).toBe(first.version)
    expect(info.aliases).toContain('champion')
    expect(info.labels.sort()).toEqual(['doji', 'engulfing'])
    expect(info.featureNames).toContain('rsi14')
    expect(info.minCandles).toBeGreaterThan(40)
    expect(info.summary.validationMacroF1).toBeGreaterThan(0)
    expect(info.metrics.validation).toBeDefined()
    expect(info.plots.some((p) => p.endsWith('.svg'))).toBe(true)
    const unknown = await rejection(engine.modelInfo('v0999', registry))
    expect(unknown.code).toBe('MODEL_NOT_FOUND')
  })

  test('too few candles says how many are needed; bad input is coded', async () => {
    const info = await engine.modelInfo(undefined, registry)
    const err = await rejection(engine.predict(sliceCandles(candles, 0, 30), { registry }))
    expect(err.code).toBe('TOO_FEW_CANDLES')
    expect(err.message).toContain(`at least ${info.minCandles}`)
    const c = sliceCandles(candles, 0, 300)
    c.close[100] = NaN
    expect((await rejection(engine.predict(c, { registry }))).code).toBe('INVALID_CANDLES')
    expect((await rejection(engine.predict(sliceCandles(candles, 0, 300), { registry, minConfidence: 2 }))).code).toBe('INVALID_ARGUMENT')
    expect((await rejection(engine.predict(sliceCandles(candles, 0, 300), { registry, bogus: 1 }))).code).toBe('INVALID_CONFIG')
    expect((await rejection(engine.predict(sliceCandles(candles, 0, 300), { registry, labels: ['bullflag'] }))).code).toBe('INVALID_ARGUMENT')
  })

  test('predictBatch: one result per request, errors per item', async () => {
    const ok = sliceCandles(candles, 100, 600)
    const results = await engine.predictBatch([
      { candles: ok, options: { registry } },
      { candles: sliceCandles(candles, 0, 10), options: { registry } },
      { candles: sliceCandles(candles, 700, 1200), options: { registry, minConfidence: 0.5 } },
    ])
    expect(results).toHaveLength(3)
    expect(results[0]).toEqual(await engine.predict(ok, { registry }))
    expect(results[1].error.code).toBe('TOO_FEW_CANDLES')
    expect(results[2].spans.every((s) => s.confidence >= 0.5)).toBe(true)
  })

  test('concurrent calls are safe and agree', async () => {
    const c = sliceCandles(candles, 1500, 2000)
    const expected = await engine.predict(c, { registry })
    const many = await Promise.all(Array.from({ length: 16 }, () => engine.predict(c, { registry })))
    for (const p of many) expect(p).toEqual(expected)
  })

  test('moving champion changes what predict serves, with no restart', async () => {
    const c = sliceCandles(candles, 1500, 2000)
    const second = await engine.train({ config: smallConfig(registry, 'xgboost'), rootDir: ROOT })
    expect(second.version).not.toBe(first.version)
    await engine.promote(second.version, registry)
    const now = await engine.predict(c, { registry })
    expect(now.model.version).toBe(second.version)
    expect(now.model.type).toBe('xgboost')
    await engine.promote(first.version, registry)
    expect((await engine.predict(c, { registry })).model.version).toBe(first.version)
    const listed = await engine.listModels(registry)
    expect(listed.map((v) => v.version)).toEqual([first.version, second.version])
    expect(listed[0].aliases).toContain('champion')
  }, 120_000)

  test('a corrupt model file is CORRUPT_MODEL and the process keeps serving', async () => {
    const c = sliceCandles(candles, 1500, 2000)
    // Versions are immutable, so a loaded one is served from memory: corrupt a copy of the
    // registry, which this process has never loaded from.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'candle-corrupt-'))
    fs.cpSync(registry, copy, { recursive: true })
    const dir = path.join(copy, 'versions', first.version)
    const card = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'))
    fs.writeFileSync(path.join(dir, card.modelFile), 'tree\nversion=v4\nnot a model at all')
    const err = await rejection(engine.predict(c, { registry: copy, model: first.version }))
    expect(err.code).toBe('CORRUPT_MODEL')
    fs.rmSync(copy, { recursive: true, force: true })
    const still = await engine.predict(c, { registry })
    expect(still.spans.length).toBeGreaterThan(0)
  })
})
