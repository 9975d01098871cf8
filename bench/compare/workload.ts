// The generated alerts every target of the comparison receives: the same alerts as Sitrep's
// webhook body (what Alertmanager's webhook receiver posts), as Alertmanager's own API v2 takes
// them (postable alerts, what Prometheus posts), and as the record values Sitrep writes to Kafka.
import { parseAlertmanagerWebhook } from '@sitrep/contracts';
import { alertMessages, alertsFromWebhook } from '@sitrep/codec';
import { DEFAULT_CORRELATION_SETTINGS, labelsFingerprint } from '@sitrep/domain';
import { alertBatch, webhookAlert, webhookBody } from '@sitrep/testkit';

export interface Workload {
  readonly alertsPerBody: number;
  /** Alertmanager webhook bodies (Sitrep's POST /api/v1/alertmanager). */
  readonly webhookBodies: readonly string[];
  /** The same alerts as JSON arrays of postable alerts (Alertmanager's POST /api/v2/alerts). */
  readonly postableBodies: readonly string[];
  /** The record values Sitrep publishes for those webhooks, one per alert. */
  readonly recordValues: readonly string[];
}

export function generateWorkload(bodies: number, alertsPerBody: number): Workload {
  const batches = Array.from({ length: bodies }, (_, index) =>
    // Distinct startsAt per body: distinct occurrences, as in a real storm. Each with the
    // fingerprint Alertmanager computes and sends in its webhook (Prometheus's label-set hash).
    alertBatch(alertsPerBody, new Date(Date.UTC(2026, 10, 22, 3, 0, index)).toISOString()).map((alert) => ({
      ...alert,
      fingerprint: labelsFingerprint(alert.labels),
    })),
  );
  const webhookBodies = batches.map((alerts) => JSON.stringify(webhookBody(alerts)));
  const postableBodies = batches.map((alerts) =>
    JSON.stringify(
      alerts.map((alert) => {
        const { labels, annotations, startsAt, generatorURL } = webhookAlert(alert);
        // No endsAt: Alertmanager then resolves it after resolve_timeout, as Prometheus's alerts.
        return { labels, annotations, startsAt, generatorURL };
      }),
    ),
  );
  const recordValues = webhookBodies.flatMap((body) => {
    const parsed = parseAlertmanagerWebhook(JSON.parse(body));
    if (!parsed.ok) throw new Error(`generated body refused: ${JSON.stringify(parsed.issues)}`);
    const alerts = alertsFromWebhook(parsed.value, new Date(), DEFAULT_CORRELATION_SETTINGS);
    return alertMessages(alerts, parsed.value, DEFAULT_CORRELATION_SETTINGS, {}).map((message) => message.value);
  });
  return { alertsPerBody, webhookBodies, postableBodies, recordValues };
}
