import { spawnSync } from 'node:child_process';
import { replayRecordedOutage, type TimelineRow } from './replayed-outage.js';
import { runOutageScenario } from './scenario.js';

// `npm run demo`: the load-balancer outage recorded by Sitrep, live when Prometheus and
// Alertmanager are installed (and --replay is not given), else from a recorded delivery stream.
const say = (line: string) => process.stdout.write(`${line}\n`);
const installed = (command: string) => spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;

function printTimeline(entries: readonly TimelineRow[]): void {
  say('\nTimeline (UTC):');
  for (const entry of entries) {
    const who = entry.author === null ? '' : ` (${entry.author})`;
    say(
      `  ${entry.at.slice(0, 19).replace('T', ' ')}  ${entry.source.padEnd(6)}  ${entry.kind.padEnd(16)}  ${entry.text}${who}`,
    );
  }
}

async function main(): Promise<void> {
  const forceReplay = process.argv.includes('--replay');
  if (!forceReplay && installed('prometheus') && installed('prometheus-alertmanager')) {
    say('Live: an auth service behind a load balancer, real Prometheus and Alertmanager, Sitrep on the embedded bus.');
    say('The balancer gets misconfigured; watch Sitrep open, explain and resolve the incident (about a minute).\n');
    const result = await runOutageScenario({ log: say, holdSeconds: 10 });
    printTimeline(result.timeline);
    say(`\n${result.postmortem}`);
    return;
  }
  if (forceReplay) say('Replaying a recorded outage (--replay).');
  else {
    say('Prometheus and Alertmanager are not installed, so this replays a recorded outage instead.');
    say(
      'For the live demo: sudo apt-get install prometheus prometheus-alertmanager   (then run `npm run demo` again)\n',
    );
  }
  const { timeline, postmortem } = await replayRecordedOutage(say);
  printTimeline(timeline);
  say(`\n${postmortem}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
