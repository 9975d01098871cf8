// Closed-loop maximum with wrk (Debian's), in its own process: each connection sends its next
// request as soon as the previous answered.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWaitedChildrenSeconds } from './cpu.ts';

export interface WrkOptions {
  readonly url: string;
  readonly bodies: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly threads: number;
  readonly durationSeconds: number;
  /** Where the Lua script goes. */
  readonly dir: string;
}

export interface WrkResult {
  readonly responses: number;
  /** Responses with status >= 400. */
  readonly failedStatus: number;
  readonly socketErrors: number;
  readonly seconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU-seconds wrk used, start to end. */
  readonly cpuSeconds: number;
}

function luaString(text: string): string {
  // Printable ASCII as is, everything else as decimal byte escapes (LuaJIT has no \u).
  let out = '"';
  for (const byte of Buffer.from(text, 'utf8')) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte}`;
  }
  return `${out}"`;
}

function script(options: WrkOptions): string {
  const headers = Object.entries(options.headers)
    .map(([name, value]) => `wrk.headers[${luaString(name)}] = ${luaString(value)}`)
    .join('\n');
  return `wrk.method = "POST"
${headers}
local bodies = {
${options.bodies.map(luaString).join(',\n')}
}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format(nil, nil, nil, bodies[(counter % #bodies) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK_RESULT {"responses":%d,"failedStatus":%d,"socketErrors":%d,"micros":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(99)))
end
`;
}

export async function runWrk(options: WrkOptions): Promise<WrkResult> {
  const file = join(options.dir, `wrk-${process.pid}-${Date.now()}.lua`);
  writeFileSync(file, script(options));
  const args = [
    `-t${options.threads}`,
    `-c${options.connections}`,
    `-d${options.durationSeconds}s`,
    '--timeout',
    '10s',
    '-s',
    file,
    options.url,
  ];
  // Through a shell that prints its own /proc stat once wrk ended: the waited-for child's CPU time.
  const child = spawn(
    'sh',
    ['-c', '"$0" "$@"; code=$?; echo "SHELL_STAT $(cat /proc/$$/stat)"; exit $code', 'wrk', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const result = /WRK_RESULT (\{.*\})/.exec(out);
  const stat = /SHELL_STAT (.*)/.exec(out);
  if (code !== 0 || !result?.[1] || !stat?.[1]) throw new Error(`wrk failed (exit ${code}): ${out.slice(-2000)}`);
  const parsed = JSON.parse(result[1]) as {
    responses: number;
    failedStatus: number;
    socketErrors: number;
    micros: number;
    p50: number;
    p99: number;
  };
  return {
    responses: parsed.responses,
    failedStatus: parsed.failedStatus,
    socketErrors: parsed.socketErrors,
    seconds: parsed.micros / 1e6,
    p50Ms: parsed.p50 / 1000,
    p99Ms: parsed.p99 / 1000,
    cpuSeconds: parseWaitedChildrenSeconds(stat[1]),
  };
}
