import { z } from 'zod';
import { rfc3339, rfc3339OrGoZero } from './time.js';
import { parseWith, storableLabels, storableText, type ParseResult } from './validation.js';

const labelSet = storableLabels('label values must be strings');

/**
 * One alert of Alertmanager's webhook body (notify/webhook in prometheus/alertmanager). Unknown
 * fields are accepted and dropped: newer Alertmanager releases add some.
 */
export const webhookAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet.refine((labels) => Object.keys(labels).length > 0, { error: 'must have at least one label' }),
  annotations: labelSet.default({}),
  startsAt: rfc3339,
  endsAt: rfc3339OrGoZero.optional(),
  generatorURL: storableText().default(''),
  // Alertmanager sends it since 0.19; older senders get one computed from the labels.
  fingerprint: storableText().min(1).max(128).optional(),
});

/** Alertmanager's webhook notification, version 4. */
export const alertmanagerWebhookSchema = z.object({
  version: z.literal('4', { error: 'must be "4" (Alertmanager webhook format version)' }),
  groupKey: storableText(),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: storableText(),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: storableText().default(''),
  alerts: z.array(webhookAlertSchema),
});

export type AlertmanagerWebhook = z.output<typeof alertmanagerWebhookSchema>;
export type WebhookAlert = z.output<typeof webhookAlertSchema>;

export function parseAlertmanagerWebhook(body: unknown): ParseResult<AlertmanagerWebhook> {
  return parseWith(alertmanagerWebhookSchema, body);
}
