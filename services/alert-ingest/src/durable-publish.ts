import { SpanKind, type Context } from '@opentelemetry/api';
import { isBusError, rootCauseMessage, type Bus, type OutgoingMessage } from '@sitrep/bus';
import { ApiError, unavailable } from '@sitrep/http';
import { inSpan, traceHeaders, type Logger } from '@sitrep/telemetry';
import type { InputLimits } from './input-limits.js';
import type { IngestMetrics } from './metrics.js';
import { planPublish, type RecordNamer } from './publish-size.js';

export type Publish = (
  topic: string,
  build: (traceHeaders: Record<string, string>) => OutgoingMessage[],
  /** The request's trace context, so the producer span is its child. */
  parent: Context,
  /** Names a record's origin in the request, for a 413 when it is too large for the bus. */
  name: RecordNamer,
) => Promise<void>;

/**
 * Publishes a request's records and resolves only when the bus has stored all of them. A failure
 * that may pass (the broker away, a timeout, an unclassified error) becomes a 503 with
 * Retry-After: the sender keeps the alerts and tries again, and because record ids are stable,
 * records that did land before the failure are harmless repeats. A failure the bus calls final
 * (no authorisation, a record too large) is a 500 and an error log line: retrying will not store
 * these records until an operator changes something. Records too large for the bus are refused
 * with 413 before anything is written; many records go out in several produce requests, each
 * within the bus's message size (see planPublish).
 */
export function durablePublisher(
  bus: Pick<Bus, 'publish'>,
  metrics: IngestMetrics,
  logger: Logger,
  retryAfterSeconds: number,
  limits: Pick<InputLimits, 'messageBytes' | 'publishBytes'>,
): Publish {
  return (topic, build, parent, name) =>
    inSpan(
      `publish ${topic}`,
      { 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.operation.type': 'publish' },
      async (span) => {
        // Built inside the producer span so each record's traceparent names this span.
        const messages = build(traceHeaders());
        span.setAttribute('messaging.batch.message_count', messages.length);
        const requests = planPublish(messages, limits, name);
        const end = metrics.publishDuration.startTimer({ topic });
        try {
          // In order, one after another: records of one key stay in order on their partition.
          for (const request of requests.length > 0 ? requests : [messages]) await bus.publish(topic, request);
          end({ outcome: 'ok' });
        } catch (error) {
          end({ outcome: 'error' });
          const errorClass = isBusError(error) ? error.errorClass : 'unknown';
          metrics.publishErrors.inc({ class: errorClass });
          if (isBusError(error) && !error.retriable) {
            logger.error('publish refused for good; retrying will not help', {
              topic,
              errorClass,
              cause: rootCauseMessage(error),
              error,
            });
            throw new ApiError(
              'internal',
              `the bus refused the records for good (${errorClass}); see the alert-ingest log`,
            );
          }
          logger.warn('publish failed; asking the sender to retry', { topic, errorClass, error: error as Error });
          throw unavailable(`could not store the records durably (${errorClass}); retry later`, retryAfterSeconds);
        }
      },
      { kind: SpanKind.PRODUCER, parent },
    );
}
