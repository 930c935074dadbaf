// One load generator, run by run.mjs as a child process (pinned to its own core when the
// machine allows): autocannon for a warm-up, then for the measured period.
//
//   node bench/load.mjs <spec.json>
//
// spec: { url, method, path, headers, body, connections, warmup, duration, keys?,
//         usernames?, password?, rate? }
// With `keys`, every connection cycles through its own slice of tokens (pre-encoded
// requests, so rotating costs the generator nothing per request); with `usernames`, the
// body is a login for each username in turn. Prints "MEASURE" when the measured period
// starts and "RESULT <json>" at the end.
import { readFileSync, writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const PER_CLIENT_LIMIT = 2500;

function requestsFor(clientIndex) {
  const base = { method: spec.method ?? 'GET', path: spec.path, headers: { ...(spec.headers ?? {}) }, body: spec.body };
  const keys = spec.keys ?? null;
  const usernames = spec.usernames ?? null;
  const pool = keys ?? usernames;
  if (pool === null || pool.length === 0) return [base];
  const per = Math.max(1, Math.min(PER_CLIENT_LIMIT, Math.floor(pool.length / spec.connections)));
  const start = (clientIndex * per) % pool.length;
  const list = [];
  for (let i = 0; i < per; i++) {
    const item = pool[(start + i) % pool.length];
    if (keys !== null) {
      list.push({ ...base, headers: { ...base.headers, authorization: `Token ${item}` } });
    } else {
      list.push({ ...base, body: JSON.stringify({ username: item, password: spec.password }) });
    }
  }
  return list;
}

// autocannon starts its clock before it calls setupClient, and setRequests() encodes every
// request of the list there: 100,000 rotating tokens cost the generator ~0.2-0.4 s of a
// 2 s slice, during which the server idles, so a run with many distinct tokens measured
// the generator, not the server (10x more keys per connection, same server and database:
// -35% req/s in 2 s slices). The first run of this process (the warm-up) encodes each
// connection's list once; later runs hand the encoded list straight to the iterator.
// (autocannon 9's RequestIterator fields; without them it falls back to setRequests().)
const encoded = [];

function installRequests(client, index) {
  const iterator = client.requestIterator;
  const ready = encoded[index];
  if (ready !== undefined && iterator !== undefined && Array.isArray(iterator.requests)) {
    iterator.requests = ready;
    iterator.currentRequestIndex = 0;
    iterator.currentRequest = ready[0];
    return;
  }
  client.setRequests(requestsFor(index));
  if (iterator !== undefined && Array.isArray(iterator.requests) && iterator.requests.every((request) => Buffer.isBuffer(request.requestBuffer))) {
    encoded[index] = iterator.requests;
  }
}

function run(duration, latencies = null) {
  let clientIndex = 0;
  const options = {
    url: spec.url,
    connections: spec.connections,
    duration,
    timeout: spec.timeout ?? 30,
    setupClient(client) {
      installRequests(client, clientIndex++);
      // autocannon's own histogram keeps whole milliseconds; these keep the fraction.
      if (latencies !== null) client.on('response', (_status, _bytes, ms) => latencies.push(ms));
    },
  };
  if (spec.rate !== undefined) options.overallRate = spec.rate;
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

if (spec.warmup > 0) await run(spec.warmup);
process.stdout.write('MEASURE\n');
const latencies = [];
const result = await run(spec.duration, latencies);
const sorted = Float64Array.from(latencies).sort();
// The raw latencies too, so run.mjs can merge several slices into one distribution.
if (spec.latencyFile !== undefined) writeFileSync(spec.latencyFile, Buffer.from(sorted.buffer, sorted.byteOffset, sorted.byteLength));
const percentile = (p) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);
const summary = {
  requests: result.requests.total ?? result.requests.sent,
  duration: result.duration,
  rps: result.requests.average,
  latency: { p50: percentile(50), p99: percentile(99), max: percentile(100), average: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1) },
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx: result.non2xx,
  statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count])),
  count2xx: result['2xx'],
};
process.stdout.write(`RESULT ${JSON.stringify(summary)}\n`);
