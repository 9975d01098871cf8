import type { Context } from '@opentelemetry/api';
import type { TimelineEntryRecordV1 } from '@sitrep/contracts';
import { renderPostmortem, type Clock } from '@sitrep/domain';
import { ApiError } from '@sitrep/http';
import { StoreError, type IncidentStore } from '@sitrep/store';
import { requestContext, type Logger } from '@sitrep/telemetry';
import { Router, type Request, type Response } from 'express';
import { incidentDetail } from '../api/views.js';
import { addEntry, loadIncidentRecord, reportedFromTimes } from '../api/records.js';
import type { ImpactSource } from '../impact-source.js';
import type { RecorderMetrics } from '../metrics.js';
import type { UiAssets } from './assets.js';
import { bodyField, sessionOf } from './auth.js';
import { entryRequestFromForm, type EntryFormValues, type FieldError } from './entry-form.js';
import { incidentPage } from './incident-page.js';
import type { PageContext } from './layout.js';
import { listPage, listRows, PERIODS, readListFilters, storeFilter } from './list-page.js';
import { REPORT_PERIODS, reportsPage } from './reports-page.js';
import { alertCharts } from './series.js';
import { chartWindow } from './series-section.js';
import { parseCookies } from './sessions.js';
import { pageZone, ZONE_COOKIE } from './zone.js';

export interface PagesDeps {
  readonly store: IncidentStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: RecorderMetrics;
  readonly impact: ImpactSource;
  readonly assets: UiAssets;
  readonly maxEntrySkewMs: number;
  /** Where each alert's own series is drawn from; null draws none. */
  readonly prometheus: { readonly url: string; readonly timeoutMs: number } | null;
  readonly publishEntry: (record: TimelineEntryRecordV1, parent: Context) => Promise<void>;
}

type Handler = (req: Request, res: Response) => Promise<void>;

const sendHtml = (res: Response, status: number, body: { text: string }) => {
  res.status(status).type('html').send(body.text);
};

export function pagesRouter(deps: PagesDeps): Router {
  const { store, clock } = deps;
  const router = Router();

  const context = (req: Request, res: Response, zoneOverride?: string): PageContext => {
    const { zone, fromQuery } = pageZone(
      zoneOverride ?? req.query.tz,
      parseCookies(req.headers.cookie).get(ZONE_COOKIE),
    );
    return {
      zone,
      zoneFromQuery: fromQuery,
      session: sessionOf(res),
      assets: deps.assets,
      now: clock.now(),
      path: req.path,
    };
  };

  const list: Handler = async (req, res) => {
    const ctx = context(req, res);
    const filters = readListFilters(req.query);
    const page = await store.listIncidents(storeFilter(filters, ctx.now));
    // The script's live update asks for the rows alone.
    if (req.query.rows === '1') {
      sendHtml(res, 200, listRows(ctx, page.incidents));
      return;
    }
    sendHtml(res, 200, listPage(ctx, filters, page.incidents, page.nextCursor));
  };

  const renderIncident = async (
    req: Request,
    res: Response,
    status: number,
    extra: { form?: { values: EntryFormValues; errors: readonly FieldError[] }; notice?: string; zone?: string } = {},
  ) => {
    const ctx = context(req, res, extra.zone);
    const { record, events, waitingEvents } = await loadIncidentRecord(store, clock, String(req.params.id));
    const window = { from: record.moments.startedAt, to: record.moments.resolvedAt ?? ctx.now };
    const chartsWindow = chartWindow(record, ctx.now);
    const [impact, charts] = await Promise.all([
      deps.impact(events, window),
      alertCharts(deps.prometheus, events, chartsWindow),
    ]);
    const { warnings } = incidentDetail(record, impact, waitingEvents);
    sendHtml(
      res,
      status,
      incidentPage(ctx, {
        record,
        events,
        impact,
        warnings,
        charts: { charts, window: chartsWindow },
        ...(extra.form ? { form: extra.form } : {}),
        ...(extra.notice ? { notice: extra.notice } : {}),
      }),
    );
  };

  const incident: Handler = async (req, res) => {
    const added = typeof req.query.added === 'string' ? req.query.added.replace(/[^a-z_]/g, '') : '';
    await renderIncident(req, res, 200, added === '' ? {} : { notice: `Recorded: ${added.replace(/_/g, ' ')}.` });
  };

  const postmortem: Handler = async (req, res) => {
    const ctx = context(req, res);
    const { record } = await loadIncidentRecord(store, clock, String(req.params.id));
    res
      .type('text/markdown; charset=utf-8')
      .attachment(`postmortem-${record.summary.id}.md`)
      .send(renderPostmortem(record, { zone: ctx.zone }));
  };

  const addFromForm: Handler = async (req, res) => {
    const id = String(req.params.id);
    if (sessionOf(res).level !== 'write') {
      res
        .status(403)
        .type('text/plain')
        .send('This login is read-only: log in with the read-write token to add entries.');
      return;
    }
    const zoneField = bodyField(req, 'tz');
    const { zone } = pageZone(zoneField, undefined);
    const form = entryRequestFromForm((req.body ?? {}) as Record<string, unknown>, zone);
    if (!form.ok) {
      await renderIncident(req, res, 400, { form: { values: form.values, errors: form.errors }, zone });
      return;
    }
    try {
      const added = await addEntry(deps, id, form.value, requestContext(res));
      const query = new URLSearchParams({ added: added.entry.kind });
      if (bodyField(req, 'keep_tz') === 'yes') query.set('tz', zone);
      res.redirect(303, `/incidents/${encodeURIComponent(id)}?${query.toString()}#timeline`);
    } catch (error) {
      if (error instanceof ApiError && error.status < 500 && error.code !== 'not_found') {
        const errors = error.details.length > 0 ? error.details : [{ field: 'entry', message: error.message }];
        const values = Object.fromEntries(
          ['kind', 'at', 'author', 'text', 'to'].flatMap((name) => {
            const value = bodyField(req, name);
            return typeof value === 'string' ? [[name, value]] : [];
          }),
        ) as EntryFormValues;
        await renderIncident(req, res, error.status, { form: { values, errors }, zone });
        return;
      }
      throw error;
    }
  };

  const reports: Handler = async (req, res) => {
    const ctx = context(req, res);
    const period = REPORT_PERIODS.find((option) => option === req.query.period) ?? '30d';
    const since = period === 'all' ? undefined : new Date(ctx.now.getTime() - PERIODS[period]);
    // The report index, as the reliability API reads it: the page and the API cannot disagree.
    const rows = await store.reportedTimes(since ? { since } : {});
    const reported = reportedFromTimes(rows, ctx.now);
    sendHtml(
      res,
      200,
      reportsPage(ctx, {
        period,
        incidents: rows.map((row, index) => ({
          startedAt: new Date(row.startedAt),
          reported: reported[index] as (typeof reported)[number],
        })),
      }),
    );
  };

  const wrap =
    (handler: Handler) =>
    (req: Request, res: Response, next: (error: unknown) => void): void => {
      handler(req, res).catch(next);
    };

  router.get('/', wrap(list));
  router.get('/incidents/:id', wrap(incident));
  router.get('/incidents/:id/postmortem.md', wrap(postmortem));
  router.post('/incidents/:id/entries', wrap(addFromForm));
  router.get('/reports', wrap(reports));
  return router;
}

/** Why a page could not be shown, in words for a person. */
export function pageError(error: unknown): { status: number; message: string } {
  if (error instanceof ApiError) return { status: error.status, message: error.message };
  if (error instanceof StoreError && error.code === 'unavailable')
    return { status: 503, message: 'The incident store is unavailable; reload in a moment.' };
  return { status: 500, message: 'Something went wrong on our side; the log has the details.' };
}
