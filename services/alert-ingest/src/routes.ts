import { Router, type Request, type RequestHandler } from 'express';
import type { TopicNames } from '@sitrep/contracts';
import { parseChangeRequest, type FieldIssue } from '@sitrep/contracts';
import {
  alertMessages,
  alertsFromWebhook,
  changeFromRequest,
  changeMessage,
  decodeAlertmanagerWebhook,
} from '@sitrep/codec';
import type { Clock, ConditionLookup } from '@sitrep/domain';
import { directJsonPost, invalidPayload, jsonBody, methodNotAllowed, requireAuth, sendJson } from '@sitrep/http';
import { requestContext, type Logger } from '@sitrep/telemetry';
import type { IngestConfig } from './config.js';
import type { Publish } from './durable-publish.js';
import { changeProblems, tooManyAlerts, webhookProblems } from './input-limits.js';
import type { IngestMetrics } from './metrics.js';
import { alertRecordNamer, changeRecordNamer } from './publish-size.js';

export interface RouteDeps {
  readonly config: IngestConfig;
  readonly topics: TopicNames;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: IngestMetrics;
  readonly publish: Publish;
  /** When each alert's condition first held, from memory (Prometheus's rules, the correlation file). */
  readonly conditions: ConditionLookup;
}

const asProblems = (issues: readonly FieldIssue[]) =>
  issues.map((issue) => ({ field: issue.path, message: issue.message }));

/** Express 5 forwards rejected promises to the error handler; this only narrows the type. */
type AsyncHandler = (req: Request, res: Parameters<RequestHandler>[1]) => Promise<void>;

export const ALERTMANAGER_PATH = '/api/v1/alertmanager';

/**
 * The ingest routes: `router` serves them all; `direct` serves the plain webhook requests
 * (JSON, UTF-8, a Content-Length) of POST /api/v1/alertmanager ahead of the router, with the
 * same checks and answers and less work per request (see directJsonPost), and passes every other
 * request on to it.
 */
export function ingestRoutes(deps: RouteDeps): { readonly router: Router; readonly direct: RequestHandler } {
  const { config, topics, clock, logger, metrics, publish, conditions } = deps;
  const router = Router();
  const auth = requireAuth(config.auth);
  const body = jsonBody(config.maxBodyBytes);

  const receiveAlertmanager: AsyncHandler = async (req, res) => {
    const receivedAt = clock.now();
    const crowded = tooManyAlerts(req.body, config.limits);
    if (crowded) throw crowded;
    const parsed = decodeAlertmanagerWebhook(req.body);
    if (!parsed.ok) throw invalidPayload(asProblems(parsed.issues));
    const webhook = parsed.value;
    const refused = webhookProblems(webhook, receivedAt, config.limits);
    if (refused) throw refused;
    if (webhook.truncatedAlerts > 0) {
      metrics.truncatedAlerts.inc(webhook.truncatedAlerts);
      logger.warn('Alertmanager truncated this notification; raise max_alerts on the receiver', {
        groupKey: webhook.groupKey,
        truncatedAlerts: webhook.truncatedAlerts,
      });
    }
    const alerts = alertsFromWebhook(webhook, receivedAt, config.correlation, conditions);
    await publish(
      topics.alerts,
      (trace) => alertMessages(alerts, webhook, config.correlation, trace),
      requestContext(res),
      alertRecordNamer(webhook, alerts),
    );
    let firing = 0;
    for (const alert of alerts) if (alert.status === 'firing') firing += 1;
    if (firing > 0) metrics.alertsAccepted.inc({ status: 'firing' }, firing);
    if (firing < alerts.length) metrics.alertsAccepted.inc({ status: 'resolved' }, alerts.length - firing);
    // Debug, not info: in an alert storm a line per notification is a flood; the counters above
    // and sitrep_ingest_http_requests_total say how many were accepted.
    logger.debug('notification accepted', {
      receiver: webhook.receiver,
      groupKey: webhook.groupKey,
      status: webhook.status,
      alerts: alerts.length,
    });
    sendJson(res, 200, { status: 'accepted', alerts: alerts.length, ids: alerts.map((alert) => alert.occurrenceId) });
  };

  const receiveChange: AsyncHandler = async (req, res) => {
    const receivedAt = clock.now();
    const parsed = parseChangeRequest(req.body);
    if (!parsed.ok) throw invalidPayload(asProblems(parsed.issues));
    if (parsed.value.at.getTime() - receivedAt.getTime() > config.maxChangeSkewMs) {
      throw invalidPayload([{ field: 'at', message: 'is in the future; report a change once it has happened' }]);
    }
    const refused = changeProblems(parsed.value, config.limits);
    if (refused) throw refused;
    const change = changeFromRequest(parsed.value, receivedAt);
    await publish(
      topics.changes,
      (trace) => [changeMessage(change, config.correlation, trace)],
      requestContext(res),
      changeRecordNamer,
    );
    metrics.changesAccepted.inc();
    logger.info('change accepted', { service: change.service, kind: change.kind, id: change.id });
    res.status(200).json({ status: 'accepted', id: change.id });
  };

  router
    .route(ALERTMANAGER_PATH)
    .post(auth, ...body, receiveAlertmanager)
    .all(methodNotAllowed('POST'));
  router
    .route('/api/v1/changes')
    .post(auth, ...body, receiveChange)
    .all(methodNotAllowed('POST'));
  const direct = directJsonPost({
    path: ALERTMANAGER_PATH,
    limitBytes: config.maxBodyBytes,
    before: auth,
    handle: receiveAlertmanager,
  });
  return { router, direct };
}
