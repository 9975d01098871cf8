import type { Context } from '@opentelemetry/api';
import { CURSOR_PATTERN, isTimeZone, parseEntryRequest, type TimelineEntryRecordV1 } from '@sitrep/contracts';
import { INCIDENT_STATUSES, reliabilityReport, renderPostmortem, type Clock } from '@sitrep/domain';
import { ApiError, invalidPayload, jsonBody, methodNotAllowed } from '@sitrep/http';
import { StoreError, type IncidentStore } from '@sitrep/store';
import { requestContext, type Logger } from '@sitrep/telemetry';
import { Router, type Request, type Response } from 'express';
import type { RecorderConfig } from '../config.js';
import { rowStatus } from '../status.js';
import type { ImpactSource } from '../impact-source.js';
import type { RecorderMetrics } from '../metrics.js';
import { requireAccess } from './access.js';
import { QueryReader } from './query.js';
import { addEntry as recordEntry, loadIncidentRecord, reportedFromTimes } from './records.js';
import { entryView, incidentDetail, incidentListItem, timelineEntryView } from './views.js';

export interface IncidentsRouterDeps {
  readonly config: RecorderConfig;
  readonly store: IncidentStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: RecorderMetrics;
  readonly impact: ImpactSource;
  /** Durably publishes a person's entry on the timeline-entries topic (503 when it cannot). */
  readonly publishEntry: (record: TimelineEntryRecordV1, parent: Context) => Promise<void>;
}

type Handler = (req: Request, res: Response) => Promise<void>;

export const SEVERITIES = ['critical', 'warning', 'info'] as const;

const idParam = (req: Request): string => String(req.params.id);
const CURSOR = new RegExp(CURSOR_PATTERN);

/**
 * The postmortem's `tz`: exactly a name from the fixed list (UTC when absent). Nothing is built or
 * cached for any other spelling, so odd spellings cannot grow the process (luxon keeps a zone and
 * a formatter per name it is given).
 */
export function postmortemZone(query: QueryReader): string {
  const zone = query.string('tz', 64) ?? 'UTC';
  if (!isTimeZone(zone)) query.problem('tz', 'is not an IANA time zone as listed (such as Europe/Berlin, UTC)');
  return zone;
}

export function incidentsRouter(deps: IncidentsRouterDeps): Router {
  const { config, store, clock, logger, metrics } = deps;
  const read = requireAccess(config.access, 'read');
  const write = requireAccess(config.access, 'write');
  const router = Router();

  const loadRecord = (id: string) => loadIncidentRecord(store, clock, id);

  const list: Handler = async (req, res) => {
    const query = new QueryReader(req);
    const now = clock.now();
    const status = query.oneOf('status', INCIDENT_STATUSES);
    const service = query.string('service');
    const severity = query.oneOf('severity', SEVERITIES);
    const since = query.instant('since', now);
    const until = query.instant('until', now);
    const limit = query.integer('limit', 50, 1, 500);
    const cursor = query.matching('cursor', CURSOR, 'the nextCursor of a previous page');
    if (since && until && since >= until) query.problem('until', 'must be after since');
    query.finish();
    try {
      const page = await store.listIncidents({
        limit,
        ...(status ? { status: rowStatus(status) } : {}),
        ...(service ? { service } : {}),
        ...(severity ? { severity } : {}),
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(cursor ? { cursor } : {}),
      });
      res.json({ incidents: page.incidents.map(incidentListItem), nextCursor: page.nextCursor });
    } catch (error) {
      if (error instanceof StoreError && error.code === 'invalid_cursor') {
        throw new ApiError('invalid_query', error.message, { details: [{ field: 'cursor', message: error.message }] });
      }
      throw error;
    }
  };

  const detail: Handler = async (req, res) => {
    const { record, events, waitingEvents } = await loadRecord(idParam(req));
    const window = { from: record.moments.startedAt, to: record.moments.resolvedAt ?? clock.now() };
    res.json(incidentDetail(record, await deps.impact(events, window), waitingEvents));
  };

  const timeline: Handler = async (req, res) => {
    const { record } = await loadRecord(idParam(req));
    res.json({ incidentId: record.summary.id, entries: record.timeline.map(timelineEntryView) });
  };

  const postmortem: Handler = async (req, res) => {
    const query = new QueryReader(req);
    const zone = postmortemZone(query);
    query.finish();
    const { record } = await loadRecord(idParam(req));
    res.type('text/markdown; charset=utf-8').send(renderPostmortem(record, { zone }));
  };

  const addEntry: Handler = async (req, res) => {
    const id = idParam(req);
    const parsed = parseEntryRequest(req.body);
    if (!parsed.ok) throw invalidPayload(parsed.issues.map((issue) => ({ field: issue.path, message: issue.message })));
    const added = await recordEntry(
      { store, clock, logger, metrics, maxEntrySkewMs: config.maxEntrySkewMs, publishEntry: deps.publishEntry },
      id,
      parsed.value,
      requestContext(res),
    );
    const body = { entry: entryView(added.entry), incident: incidentListItem(added.incident) };
    if (added.status === 200) {
      res.status(200).json(body);
      return;
    }
    res
      .status(201)
      .location(`/api/v1/incidents/${encodeURIComponent(id)}/timeline`)
      .json(body);
  };

  const reliability: Handler = async (req, res) => {
    const query = new QueryReader(req);
    const now = clock.now();
    const since = query.instant('since', now);
    const until = query.instant('until', now);
    const groupBy = query.oneOf('groupBy', ['service', 'severity', 'none']) ?? 'none';
    if (since && until && since >= until) query.problem('until', 'must be after since');
    query.finish();
    const rows = await store.reportedTimes({ ...(since ? { since } : {}), ...(until ? { until } : {}) });
    const incidents = reportedFromTimes(rows, now);
    res.json({
      since: since?.toISOString() ?? null,
      until: until?.toISOString() ?? null,
      groupBy,
      incidents: incidents.length,
      groups: reliabilityReport(incidents, groupBy),
    });
  };

  router.route('/api/v1/incidents').get(read, list).all(methodNotAllowed('GET'));
  router.route('/api/v1/incidents/:id').get(read, detail).all(methodNotAllowed('GET'));
  router.route('/api/v1/incidents/:id/timeline').get(read, timeline).all(methodNotAllowed('GET'));
  router.route('/api/v1/incidents/:id/postmortem').get(read, postmortem).all(methodNotAllowed('GET'));
  router
    .route('/api/v1/incidents/:id/entries')
    .post(write, ...jsonBody(config.maxBodyBytes), addEntry)
    .all(methodNotAllowed('POST'));
  router.route('/api/v1/reports/reliability').get(read, reliability).all(methodNotAllowed('GET'));
  return router;
}
