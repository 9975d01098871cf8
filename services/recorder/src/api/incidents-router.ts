import { randomUUID } from 'node:crypto';
import type { Context } from '@opentelemetry/api';
import {
  CURSOR_PATTERN,
  isTimeZone,
  parseEntryRequest,
  TIMELINE_ENTRY_SCHEMA_NAME,
  type TimelineEntryRecordV1,
} from '@sitrep/contracts';
import {
  INCIDENT_STATUSES,
  incidentDurations,
  recordIncident,
  reliabilityReport,
  renderPostmortem,
  type Clock,
  type IncidentEvent,
  type IncidentRecord,
  type ReportedIncident,
  type Severity,
} from '@sitrep/domain';
import { ApiError, invalidPayload, jsonBody, methodNotAllowed } from '@sitrep/http';
import { StoreError, type IncidentStore } from '@sitrep/store';
import { requestContext, type Logger } from '@sitrep/telemetry';
import { Router, type Request, type Response } from 'express';
import type { RecorderConfig } from '../config.js';
import { rowStatus } from '../status.js';
import type { ImpactSource } from '../impact-source.js';
import { applyTimelineEntry, gapFreePrefix, humanEntries } from '../incident-writer.js';
import { observeMoments, type RecorderMetrics } from '../metrics.js';
import { requireAccess } from './access.js';
import { QueryReader } from './query.js';
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

/** An entry id is unique store-wide: the same id on another incident is not a retry but a clash. */
const entryIdTaken = (entryId: string): ApiError =>
  new ApiError('conflict', `entry id ${entryId} is already used on another incident; send another id`, {
    details: [{ field: 'id', message: 'is already used on another incident' }],
  });

export function incidentsRouter(deps: IncidentsRouterDeps): Router {
  const { config, store, clock, logger, metrics } = deps;
  const read = requireAccess(config.access, 'read');
  const write = requireAccess(config.access, 'write');
  const router = Router();

  const loadRecord = async (
    id: string,
  ): Promise<{ record: IncidentRecord; events: IncidentEvent[]; waitingEvents: number }> => {
    const [events, entries] = await Promise.all([store.events(id), store.entries(id)]);
    const applied = gapFreePrefix(events);
    if (applied.length === 0) throw new ApiError('not_found', `no incident ${id}`);
    return {
      record: recordIncident(applied, humanEntries(entries), clock.now()),
      events: applied,
      waitingEvents: events.length - applied.length,
    };
  };

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
    const now = clock.now();
    const parsed = parseEntryRequest(req.body);
    if (!parsed.ok) throw invalidPayload(parsed.issues.map((issue) => ({ field: issue.path, message: issue.message })));
    const body = parsed.value;
    const at = body.at ?? now;
    if (at.getTime() - now.getTime() > config.maxEntrySkewMs) {
      throw invalidPayload([{ field: 'at', message: 'is in the future; record what has happened' }]);
    }
    const [incident, known, sameId] = await Promise.all([
      store.incident(id),
      store.entries(id),
      body.id === undefined ? null : store.entry(body.id),
    ]);
    if (incident === null) throw new ApiError('not_found', `no incident ${id}`);
    if (sameId !== null && sameId.incidentId !== id) throw entryIdTaken(sameId.id);
    // A retried request (same id): answer with what was recorded, publish nothing again.
    const earlier = body.id === undefined ? undefined : known.find((entry) => entry.id === body.id);
    if (earlier) {
      res.status(200).json({ entry: entryView(earlier), incident: incidentListItem(incident) });
      return;
    }
    const record: TimelineEntryRecordV1 = {
      schema: TIMELINE_ENTRY_SCHEMA_NAME,
      id: body.id ?? randomUUID(),
      incidentId: id,
      kind: body.kind,
      at: at.toISOString(),
      recordedAt: now.toISOString(),
      author: body.author,
      text: body.text,
      to: body.to ?? null,
    };
    // On the bus first: once it is there, every recorder instance and any rebuild will have it.
    await deps.publishEntry(record, requestContext(res));
    const applied = await applyTimelineEntry(store, record);
    observeMoments(metrics, applied);
    const stored = (await store.entries(id)).find((entry) => entry.id === record.id);
    if (!stored) {
      // Another request took this id for another incident between our check and our write.
      if ((await store.entry(record.id)) !== null) throw entryIdTaken(record.id);
      throw new Error(`entry ${record.id} was not stored`);
    }
    logger.info('timeline entry added', { incidentId: id, kind: record.kind, entryId: record.id });
    // Created either way: the consumer may have stored it from the bus a moment before we did.
    res
      .status(201)
      .location(`/api/v1/incidents/${encodeURIComponent(id)}/timeline`)
      .json({ entry: entryView(stored), incident: incidentListItem((await store.incident(id)) ?? incident) });
  };

  const reliability: Handler = async (req, res) => {
    const query = new QueryReader(req);
    const now = clock.now();
    const since = query.instant('since', now);
    const until = query.instant('until', now);
    const groupBy = query.oneOf('groupBy', ['service', 'severity', 'none']) ?? 'none';
    if (since && until && since >= until) query.problem('until', 'must be after since');
    query.finish();
    const rows = await store.reportedIncidents({ ...(since ? { since } : {}), ...(until ? { until } : {}) });
    const incidents: ReportedIncident[] = rows.map((row) => ({
      service: row.services[0] ?? '',
      severity: row.severity as Severity,
      durations: incidentDurations(row, now),
    }));
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
