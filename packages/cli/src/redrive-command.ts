import { readDeadLetter, type DeadLetter } from '@sitrep/codec';
import { EnvReader, readPlatformSettings, type Env } from '@sitrep/config';
import { topicNames } from '@sitrep/contracts';
import { commandBus } from './command-bus.js';

export interface RedriveOptions {
  /** Only dead letters from this source topic. */
  readonly topic?: string;
  /** Only dead letters set aside for this reason. */
  readonly reason?: string;
  /** Say what would be redriven, publish nothing. */
  readonly dryRun: boolean;
}

/**
 * `sitrep redrive`: puts dead letters back on the topics they came from, unchanged, once what
 * refused them is fixed (a recorder upgraded to read a newer record, a store that refused a
 * value). Safe to run twice: consumers drop records whose id they have seen, and a record that
 * still fails is set aside again, with its reason.
 */
export async function redriveCommand(options: RedriveOptions, env: Env): Promise<string[]> {
  const reader = new EnvReader(env);
  const platform = readPlatformSettings(reader);
  reader.finish([]);
  const bus = commandBus(platform, 'sitrep-redrive');
  try {
    const { deadLetter } = topicNames(platform.topicPrefix);
    // As the services create it: a bus that never set anything aside has an empty one.
    await bus.start([{ name: deadLetter, partitions: 1, replicationFactor: platform.topicReplicationFactor }]);
    const letters = (await bus.readAll(deadLetter))
      .map(readDeadLetter)
      .filter((letter): letter is DeadLetter => letter !== null)
      .filter((letter) => options.topic === undefined || letter.sourceTopic === options.topic)
      .filter((letter) => options.reason === undefined || letter.reason === options.reason);
    const byTopic = new Map<string, DeadLetter[]>();
    for (const letter of letters) byTopic.set(letter.sourceTopic, [...(byTopic.get(letter.sourceTopic) ?? []), letter]);
    const lines: string[] = [];
    for (const [topic, group] of byTopic) {
      // In their original order: an incident's events are applied in sequence.
      if (!options.dryRun)
        await bus.publish(
          topic,
          group.map((letter) => letter.original),
        );
      const reasons = new Map<string, number>();
      for (const letter of group) reasons.set(letter.reason, (reasons.get(letter.reason) ?? 0) + 1);
      const counted = [...reasons].map(([reason, count]) => `${reason} ${count}`).join(', ');
      lines.push(`${options.dryRun ? 'would redrive' : 'redrove'} ${group.length} to ${topic} (${counted})`);
    }
    if (lines.length === 0) lines.push('no dead letters to redrive');
    return lines;
  } finally {
    await bus.close();
  }
}
