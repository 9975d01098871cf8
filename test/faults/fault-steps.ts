import { waitFor } from '@sitrep/testkit';
import type { LoadRunner } from './load-runner.js';
import type { Sender } from './load.js';
import type { Topology } from './topology.js';
import { recorderApi } from './verify.js';

/**
 * kafkajs' consumer session timeout (its default: Sitrep does not set it). A member silent for
 * longer is out of its group, and its partitions go to others.
 */
export const CONSUMER_SESSION_TIMEOUT_MS = 30_000;

export interface Recovery {
  readonly fault: string;
  /** From the moment named in `from` until a scenario started then had its incident recorded. */
  readonly ms: number;
  readonly from: string;
}

export interface FaultContext {
  readonly topology: Topology;
  readonly load: LoadRunner;
  readonly sender: Sender;
  readonly log: (line: string) => void;
}

const RECOVERY_TIMEOUT_MS = 120_000;
const OUTAGE_HOLD_MS = 5000;

/** Starts a scenario and resolves once the recorder lists an incident for its service. */
async function probe(context: FaultContext, sender: Sender = context.sender, hooks = {}): Promise<void> {
  const { scenario } = context.load.play(sender, hooks);
  await waitFor(
    async () => {
      const page = await recorderApi<{ incidents: unknown[] }>(
        context.topology,
        `/api/v1/incidents?service=${encodeURIComponent(scenario.service)}`,
      );
      return page.incidents.length > 0;
    },
    { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 250, description: `an incident for probe ${scenario.service}` },
  );
}

/** Every partition of the alerts topic led, with all three replicas in sync again. */
async function clusterWhole(context: FaultContext): Promise<void> {
  const { cluster, topics } = context.topology;
  await waitFor(
    async () => {
      const partitions = await cluster.describe(topics.alerts);
      return partitions.length > 0 && partitions.every((entry) => entry.leader >= 0 && entry.isr.length === 3);
    },
    { timeoutMs: RECOVERY_TIMEOUT_MS, intervalMs: 500, description: 'all three replicas of the alerts topic in sync' },
  );
}

async function measured(
  context: FaultContext,
  fault: string,
  from: string,
  since: number,
  recovered: Promise<unknown>,
): Promise<Recovery> {
  await recovered;
  const recovery = { fault, from, ms: Date.now() - since };
  context.log(`fault ${fault}: recovered ${(recovery.ms / 1000).toFixed(1)} s after ${from}`);
  return recovery;
}

export async function killPartitionLeader(context: FaultContext): Promise<Recovery> {
  const { cluster, topics } = context.topology;
  const leader = await cluster.leaderOf(topics.alerts, 0);
  if (leader === undefined) throw new Error(`${topics.alerts}/0 has no leader to kill`);
  const node = cluster.node(leader);
  const since = Date.now();
  await node.kill9();
  context.log(`kill -9 Kafka node ${leader}, leader of ${topics.alerts}/0`);
  const recovered = probe(context);
  await node.start();
  return measured(context, 'leader-kill', 'the kill', since, Promise.all([recovered, clusterWhole(context)]));
}

export async function killIngest(context: FaultContext): Promise<Recovery> {
  const [ingest] = context.topology.ingests;
  if (!ingest) throw new Error('no ingest');
  const since = Date.now();
  await ingest.process.kill9();
  context.log(`kill -9 ${ingest.name}`);
  await ingest.process.start();
  return measured(context, 'ingest-kill', 'the kill', since, probe(context, context.sender.only(ingest.url)));
}

export async function killCorrelator(context: FaultContext): Promise<Recovery> {
  const { correlator } = context.topology;
  const since = Date.now();
  await correlator.process.kill9();
  context.log('kill -9 the correlator');
  await correlator.process.start();
  return measured(context, 'correlator-kill', 'the kill', since, probe(context));
}

export async function killRecorder(context: FaultContext): Promise<Recovery> {
  const { recorder } = context.topology;
  const since = Date.now();
  await recorder.process.kill9();
  context.log('kill -9 the recorder');
  await recorder.process.start();
  return measured(context, 'recorder-kill', 'the kill', since, probe(context));
}

/** Both consumers frozen past their session: their groups move on without them, then they wake. */
export async function pauseConsumers(context: FaultContext): Promise<Recovery> {
  const { correlator, recorder } = context.topology;
  correlator.process.pause();
  recorder.process.pause();
  const pauseMs = CONSUMER_SESSION_TIMEOUT_MS + 4000;
  context.log(`SIGSTOP the correlator and the recorder for ${pauseMs / 1000} s`);
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
  correlator.process.resume();
  recorder.process.resume();
  return measured(context, 'consumers-paused', 'SIGCONT', Date.now(), probe(context));
}

/**
 * Two of three brokers stopped: no write can reach two replicas, so ingest must refuse (503)
 * and never acknowledge. A webhook sent then must be answered 503; after the restart it is
 * retried like any other and must be recorded.
 */
export async function stopTwoBrokers(context: FaultContext): Promise<{ recovery: Recovery; refusal: number }> {
  const { cluster } = context.topology;
  const stopped = cluster.nodes.slice(1);
  for (const node of stopped) await node.stop();
  context.sender.forbidAcks(true);
  context.log(`stopped Kafka nodes ${stopped.map((node) => node.nodeId).join(' and ')}`);
  let refusal = 0;
  const since = Date.now();
  const recovered = probe(context, context.sender, {
    beforeFirst: async (body: Record<string, unknown>) => {
      refusal = await context.sender.sendOnce(body);
    },
  });
  await waitFor(() => refusal !== 0, { timeoutMs: 30_000, description: 'an answer while two brokers are down' });
  // Held a while longer, so the load's own retries meet the outage too (and must not be acknowledged).
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_HOLD_MS));
  context.sender.forbidAcks(false);
  context.log(`a webhook sent with two brokers down was answered ${refusal}; restarting them`);
  await Promise.all(stopped.map((node) => node.start()));
  const recovery = await measured(
    context,
    'two-brokers-stopped',
    'two brokers stopped',
    since,
    Promise.all([recovered, clusterWhole(context)]),
  );
  return { recovery, refusal };
}
