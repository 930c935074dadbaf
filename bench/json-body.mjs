// node bench/json-body.mjs [--dist DIR] [--iterations N]: the event-loop cost of reading one
// JSON request body with Tessera's reader (src/http/python-json.ts, as DRF's JSONParser
// reads it), against JSON.parse on the same text. Bodies are as large as BODY_LIMIT's
// default (2.5 MB): valid ones of several shapes, one whose only error is at its very end,
// and deep nesting. It times parsePythonJson from the compiled build in DIR (default: this
// checkout's dist/, made by `npx tsc -p tsconfig.build.json`), so two builds can be
// compared: `--dist /tmp/before/dist`. See bench/README.md.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: new URL('../dist', import.meta.url).pathname },
    iterations: { type: 'string', default: '9' },
  },
});
const iterations = Math.max(1, Number(args.iterations));
const { parsePythonJson } = await import(pathToFileURL(resolve(args.dist, 'http/python-json.js')).href);

const LIMIT = 2_621_440;

/** Repeats item(i) as the elements of one array until its UTF-8 would pass the limit. */
function arrayOf(item) {
  const parts = [];
  let size = 2;
  for (let i = 0; ; i++) {
    const next = item(i);
    const bytes = Buffer.byteLength(next) + 1;
    if (size + bytes > LIMIT) break;
    parts.push(next);
    size += bytes;
  }
  return `[${parts.join(',')}]`;
}

const products = arrayOf((i) => JSON.stringify({
  name: `Product ${i} \u00e9t\u00e9`, description: 'A "quoted" description\nwith an escape or two, and some words to read.',
  price: (i % 1000) + 0.99, stock: i, active: i % 2 === 0, tags: ['a', 'b'], ratio: i % 7 === 0 ? 1.0 : 0.5,
}).replace('"ratio":1', '"ratio":1.0'));
const floats = arrayOf((i) => `${i}.0`);
const ints = arrayOf((i) => String(i * 7919));
const strings = arrayOf((i) => JSON.stringify(`string number ${i} with some text`));

const bodies = [
  ['valid: products (objects, strings, numbers)', products],
  ['valid: integers', ints],
  ['valid: floats like 1.0 (exact in Python, not in JSON.parse)', floats],
  ['valid: strings', strings],
  ['valid: 1.5 repeated (a float per 4 bytes)', arrayOf(() => '1.5')],
  ['valid: {} repeated', arrayOf(() => '{}')],
  ['invalid at the end: products with a trailing comma', `${products.slice(0, -1)},]`],
  ['deep: 100,000 nested arrays, closed', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
  ['deep: 2.5 MB of [', '['.repeat(LIMIT)],
];

/** One call's cost: CPU time of this process (what the call took from the event loop, less
 * the time other processes held the CPU) and wall time. */
function time(fn) {
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  let outcome;
  try {
    fn();
    outcome = 'ok';
  } catch (error) {
    outcome = `${error.constructor.name}: ${String(error.message).slice(0, 60)}`;
  }
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  return { cpu: (cpu.user + cpu.system) / 1000, wall, outcome };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => value.toFixed(1).padStart(7);

console.log(`parsePythonJson from ${args.dist}, ${iterations} runs each, in ms per body: the least CPU time`);
console.log('(the cost on an idle core; on a busy machine other processes only add to it) and the median wall time.\n');
console.log(`${'body'.padEnd(62)} ${'size'.padStart(8)}  ${'JSON.parse'.padStart(10)}  ${'Tessera cpu'.padStart(11)} ${'wall'.padStart(7)}  ratio  outcome`);
for (const [name, text] of bodies) {
  const buffer = Buffer.from(text);
  const native = [];
  const ours = [];
  let outcome = '';
  for (let i = 0; i < iterations; i++) {
    native.push(time(() => JSON.parse(text)));
    const result = time(() => parsePythonJson(buffer));
    ours.push(result);
    outcome = result.outcome;
  }
  const nativeCpu = Math.min(...native.map((run) => run.cpu));
  const oursCpu = Math.min(...ours.map((run) => run.cpu));
  console.log(
    `${name.padEnd(62)} ${(buffer.length / 1e6).toFixed(2).padStart(6)}MB  ${ms(nativeCpu).padStart(10)}  ${ms(oursCpu).padStart(11)} `
      + `${ms(median(ours.map((run) => run.wall)))}  ${(oursCpu / nativeCpu).toFixed(1).padStart(5)}  ${outcome}`,
  );
}
