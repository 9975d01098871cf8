// Open-loop load at a fixed rate, as its own process (wrk2 is not in Debian): request i is due at
// start + i / rate whatever happened to the earlier ones, and its latency is measured from that
// scheduled time, so a server that stalls is charged for every request that waited behind the
// stall (no coordinated omission). Prints one JSON line with the counts, percentiles and its own
// CPU time.
//
//   node bench/compare/open-loop.ts --url http://127.0.0.1:9095/api/v1/alertmanager --rate 500 \
//     --duration 10 --connections 64 --bodies bodies.json --header 'authorization: Bearer x'
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    bodies: { type: 'string' },
    header: { type: 'string', multiple: true, default: [] },
    'drain-seconds': { type: 'string', default: '20' },
  },
});
if (!args.url || !args.rate || !args.bodies) throw new Error('--url, --rate and --bodies are required');
const url = new URL(args.url);
const rate = Number(args.rate);
const total = Math.max(1, Math.round(rate * Number(args.duration)));
const bodies = (JSON.parse(readFileSync(args.bodies, 'utf8')) as string[]).map((body) => Buffer.from(body));
const headers: Record<string, string> = { 'content-type': 'application/json' };
for (const header of args.header) {
  const colon = header.indexOf(':');
  headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
}
const agent = new Agent({ keepAlive: true, maxSockets: Number(args.connections) });

const latencies = new Float64Array(total);
// How late the generator itself sent each request (its own event loop, GC, a busy core): the part
// of a latency that is not the server's.
const lateness = new Float64Array(total);
let completed = 0;
let ok = 0;
let failedStatus = 0;
let socketErrors = 0;
let issued = 0;
let finish: () => void = () => undefined;
const allDone = new Promise<void>((resolve) => (finish = resolve));

function settle(): void {
  completed += 1;
  if (completed === total) finish();
}

function send(index: number, scheduled: number): void {
  const body = bodies[index % bodies.length] as Buffer;
  lateness[index] = performance.now() - scheduled;
  const req = request(
    {
      agent,
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: { ...headers, 'content-length': String(body.length) },
    },
    (res) => {
      res.resume();
      res.once('end', () => {
        latencies[index] = performance.now() - scheduled;
        if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) ok += 1;
        else failedStatus += 1;
        settle();
      });
    },
  );
  req.once('error', () => {
    latencies[index] = Number.NaN;
    socketErrors += 1;
    settle();
  });
  req.end(body);
}

const cpuBefore = process.cpuUsage();
const start = performance.now() + 50;
const intervalMs = 1000 / rate;
function tick(): void {
  const due = Math.min(total, Math.floor((performance.now() - start) / intervalMs) + 1);
  while (issued < due) {
    send(issued, start + issued * intervalMs);
    issued += 1;
  }
  if (issued < total) setTimeout(tick, Math.max(0, Math.min(1, start + issued * intervalMs - performance.now())));
}
setTimeout(tick, 50);

const drained = await Promise.race([
  allDone.then(() => true),
  new Promise<boolean>((resolve) =>
    setTimeout(() => resolve(false), (Number(args.duration) + Number(args['drain-seconds'])) * 1000 + 100).unref(),
  ),
]);
const elapsed = (performance.now() - start) / 1000;
const measured = Array.from(latencies.subarray(0, total)).filter((value, index) => index < issued && value > 0);
measured.sort((a, b) => a - b);
const at = (p: number): number =>
  measured[Math.min(measured.length - 1, Math.floor((p / 100) * measured.length))] ?? NaN;
const cpu = process.cpuUsage(cpuBefore);
const late = Array.from(lateness.subarray(0, issued)).sort((a, b) => a - b);
const lateP99 = late[Math.min(late.length - 1, Math.floor(0.99 * late.length))] ?? NaN;
process.stdout.write(
  `${JSON.stringify({
    scheduled: total,
    completed,
    ok,
    failedStatus,
    socketErrors,
    unanswered: total - completed,
    drained,
    seconds: elapsed,
    p50Ms: at(50),
    p99Ms: at(99),
    maxMs: measured.at(-1) ?? NaN,
    sendLateP99Ms: lateP99,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  })}\n`,
);
agent.destroy();
process.exit(0);
