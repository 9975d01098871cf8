import kafkajs from 'kafkajs';
import { expect, it } from 'vitest';
import { testKafkaBrokers, uniqueName, waitFor } from '@sitrep/testkit';

// Pins down that kafkajs 2.2.4 (unmaintained, written for Kafka 2.x) still speaks to the Kafka
// 4.x broker we pin: Kafka 4.0 removed many old protocol versions (KIP-896).
it('kafkajs 2.2.4 creates a topic, produces with acks=all and consumes in a group on the pinned broker', async () => {
  const kafka = new kafkajs.Kafka({
    brokers: [testKafkaBrokers()],
    clientId: 'smoke',
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  const groupId = uniqueName('smoke');
  const consumer = kafka.consumer({ groupId });
  const topic = uniqueName('smoke');
  try {
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    expect((await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions).toHaveLength(3);
    await producer.connect();
    const [ack] = await producer.send({
      topic,
      acks: -1,
      messages: [{ key: 'auth', value: 'hello', headers: { h: 'v' } }],
    });
    expect(ack?.errorCode).toBe(0);
    const received: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        received.push(
          `${message.key?.toString() ?? ''}=${message.value?.toString() ?? ''}:${message.headers?.h?.toString() ?? ''}`,
        );
        return Promise.resolve();
      },
    });
    await waitFor(() => received.length === 1, { description: 'the message' });
    expect(received).toEqual(['auth=hello:v']);
    // The group commits its offset past the one message (offset 0 consumed, next is 1).
    const committed = await waitFor(
      async () => {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
        return offsets?.partitions.find((partition) => partition.offset === '1');
      },
      { description: 'the committed offset' },
    );
    expect(committed.offset).toBe('1');
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
  }
});
