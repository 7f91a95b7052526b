// Closed-loop HTTP load: `concurrency` clients, keep-alive, `total` requests all told.
//   node load.js URL BODY_FILE CONCURRENCY TOTAL [CANDLES_PER_REQUEST] [CONTENT_TYPE] [SERVER_PID]
// BODY_FILE `-`: GETs without a body (a server's fixed cost per request).
// With SERVER_PID, also the server's CPU time per request (user + system of all its threads,
// from /proc), so figures from a loaded machine still show the work each request costs.
// $BENCH_AUTHORIZATION, when set, is sent as the Authorization header (an API token).
// Every request says `Accept-Encoding: gzip, deflate`, as Python's requests does (browsers send
// more): a server that compresses its answers pays for it here as it does for its users. The
// result's `contentEncodings` says how the answers came (`none`: uncompressed).
const fs = require('node:fs');
const http = require('node:http');

const [url, bodyFile, concurrencyArg, totalArg, candlesArg, contentTypeArg, serverPidArg] = process.argv.slice(2);
const contentType = contentTypeArg || 'application/json';
const method = bodyFile === '-' ? 'GET' : 'POST';
const body = method === 'GET' ? Buffer.alloc(0) : fs.readFileSync(bodyFile);
const concurrency = Number(concurrencyArg);
const total = Number(totalArg);
const candlesPerRequest = Number(candlesArg || 500);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);

/** The Content-Encoding of the answers (`none` when uncompressed): what the clients were sent. */
const contentEncodings = new Set();

function once() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method,
        agent,
        headers: {
          'accept-encoding': 'gzip, deflate',
          ...(method === 'POST' ? { 'content-type': contentType, 'content-length': body.length } : {}),
          ...(process.env.BENCH_AUTHORIZATION ? { authorization: process.env.BENCH_AUTHORIZATION } : {}),
        },
      },
      (res) => {
        contentEncodings.add(res.headers['content-encoding'] ?? 'none');
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200)
            return reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`));
          resolve(Number(process.hrtime.bigint() - t0) / 1e6);
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU seconds (user + system, all threads) a process has used so far; null without a pid. */
function cpuSeconds(pid) {
  if (!pid) return null;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

async function main() {
  for (let i = 0; i < Math.min(20, total); i++) await once(); // warm-up (model load, JIT)
  const cpu0 = cpuSeconds(serverPidArg);
  const latencies = [];
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next++;
        latencies.push(await once());
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = cpuSeconds(serverPidArg);
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  console.log(
    JSON.stringify({
      requests: latencies.length,
      seconds,
      rps: latencies.length / seconds,
      candlesPerSecond: (latencies.length * candlesPerRequest) / seconds,
      p50: pct(50),
      p99: pct(99),
      serverCpuMsPerRequest: cpu0 === null ? null : ((cpu1 - cpu0) * 1000) / latencies.length,
      contentEncodings: [...contentEncodings],
    }),
  );
  agent.destroy();
}
main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});
