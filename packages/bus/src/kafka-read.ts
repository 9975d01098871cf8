import kafkajs from 'kafkajs';
import type { Admin, IHeaders, Kafka, KafkaMessage, PartitionAssigner } from 'kafkajs';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from './bus.js';
import { BusError } from './bus-error.js';
import { toBusError } from './kafka-errors.js';
import { withTimeout } from './timeout.js';

const { AssignerProtocol } = kafkajs;

const READ_TIMEOUT_MS = 60_000;

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

export function toIncoming(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? '',
    headers: decodeHeaders(message.headers),
    timestamp: new Date(Number(message.timestamp)),
    ...(message.value === null ? { tombstone: true as const } : {}),
  };
}

/**
 * Gives the group's one member exactly the partitions asked for: kafkajs has no manual
 * assignment, and a throwaway group of one member is how it reads without joining a real group.
 */
function onlyPartitions(topic: string, partitions: readonly number[]): PartitionAssigner {
  const name = 'SitrepChosenPartitions';
  return () => ({
    name,
    version: 1,
    assign: ({ members }) =>
      Promise.resolve(
        members.map((member, index) => ({
          memberId: member.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 1,
            assignment: index === 0 ? { [topic]: [...partitions] } : {},
            userData: Buffer.alloc(0),
          }),
        })),
      ),
    protocol: ({ topics }) => ({
      name,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    }),
  });
}

/**
 * Every message of the chosen partitions (all when `partitions` is undefined) up to their end
 * offsets as of the call, in order per partition; read_committed, so aborted transactions are
 * skipped. Joins a throwaway group and deletes it afterwards.
 */
export async function readPartitions(
  kafka: Kafka,
  admin: Admin,
  clientId: string,
  topic: string,
  partitions?: readonly number[],
): Promise<IncomingMessage[]> {
  // A topic just created, or a leader just moved: the metadata catches up within a few tries.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await readOnce(kafka, admin, clientId, topic, partitions);
    } catch (error) {
      if (!(error instanceof BusError) || !error.retriable || attempt >= READ_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt).unref());
    }
  }
}

const READ_ATTEMPTS = 5;

async function readOnce(
  kafka: Kafka,
  admin: Admin,
  clientId: string,
  topic: string,
  partitions?: readonly number[],
): Promise<IncomingMessage[]> {
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const wanted = partitions ?? ends.map((end) => end.partition);
    const unknown = wanted.filter((partition) => !ends.some((end) => end.partition === partition));
    if (unknown.length > 0) throw new BusError(`${topic} has no partition ${unknown.join(', ')}`, 'protocol', false);
    const pending = new Map(
      ends
        .filter((end) => wanted.includes(end.partition) && BigInt(end.high) > BigInt(end.low))
        .map((end) => [end.partition, BigInt(end.high)]),
    );
    if (pending.size === 0) return [];
    const groupId = `${clientId}-read-${randomBytes(6).toString('hex')}`;
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      partitionAssigners: [onlyPartitions(topic, [...pending.keys()])],
    });
    const messages: IncomingMessage[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      const done = new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
        // Also emitted for a batch that held only transaction markers (which never reaches
        // eachBatch): the end offset of a transactional partition is often such a marker.
        consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
          const end = pending.get(payload.partition);
          if (end !== undefined && BigInt(payload.lastOffset) + 1n >= end) pending.delete(payload.partition);
          if (pending.size === 0) resolve();
        });
        consumer
          .run({
            autoCommit: false,
            eachBatch: async ({ batch }) => {
              const end = pending.get(batch.partition);
              if (end === undefined) return;
              for (const message of batch.messages) {
                if (BigInt(message.offset) < end) messages.push(toIncoming(topic, batch.partition, message));
              }
              await Promise.resolve();
            },
          })
          .catch(reject);
      });
      await withTimeout(
        done,
        READ_TIMEOUT_MS,
        () => new BusError(`reading ${topic} took over ${READ_TIMEOUT_MS} ms`, 'timeout', true),
      );
    } finally {
      await consumer.disconnect().catch(() => undefined);
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
    return messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  } catch (error) {
    throw toBusError(error, `cannot read ${topic}`);
  }
}
