// Closed-loop HTTP load: `concurrency` clients, keep-alive, `total` requests all told.
//   node load.js URL BODY_FILE CONCURRENCY TOTAL [CANDLES_PER_REQUEST]
const fs = require('node:fs')
const http = require('node:http')

const [url, bodyFile, concurrencyArg, totalArg, candlesArg] = process.argv.slice(2)
const body = fs.readFileSync(bodyFile)
const concurrency = Number(concurrencyArg)
const total = Number(totalArg)
const candlesPerRequest = Number(candlesArg || 500)
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency })
const target = new URL(url)

function once() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint()
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`))
        resolve(Number(process.hrtime.bigint() - t0) / 1e6)
      })
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function main() {
  for (let i = 0; i < Math.min(20, total); i++) await once() // warm-up (model load, JIT)
  const latencies = []
  let next = 0
  const t0 = process.hrtime.bigint()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++
      latencies.push(await once())
    }
  }))
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  latencies.sort((a, b) => a - b)
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]
  console.log(JSON.stringify({ requests: latencies.length, seconds, rps: latencies.length / seconds,
    candlesPerSecond: (latencies.length * candlesPerRequest) / seconds, p50: pct(50), p99: pct(99) }))
  agent.destroy()
}
main().catch((e) => { console.error(e.message); process.exit(1) })
