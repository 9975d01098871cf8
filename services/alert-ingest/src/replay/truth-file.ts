import { z } from 'zod';
import { formatPath, rfc3339 } from '@sitrep/contracts';
import { occurrenceKey, type LabelledIncident } from '@sitrep/domain';

/**
 * A backtest's labelled truth: which alert occurrences belonged together.
 * `{"incidents": [{"id": "...", "alerts": [{"fingerprint": "...", "startsAt": "..."}]}]}`, each
 * incident optionally with `shape` (a name scores are broken down by) and `unambiguous`; other
 * fields (notes, links) are allowed and ignored.
 */
const truthSchema = z.object({
  incidents: z
    .array(
      z.object({
        id: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
        shape: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).optional(),
        unambiguous: z.boolean({ error: 'must be true or false' }).optional(),
        alerts: z
          .array(
            z.object({
              fingerprint: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
              startsAt: rfc3339,
            }),
            { error: 'must be a list of {"fingerprint", "startsAt"}' },
          )
          .min(1, { error: 'must list at least one alert occurrence' }),
      }),
      { error: 'must be a list of incidents' },
    )
    .min(1, { error: 'must list at least one incident' }),
});

export class TruthFileError extends Error {
  override readonly name = 'TruthFileError';

  constructor(
    readonly source: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${source}: ${field}: ${detail}`);
  }
}

/** Parses a truth file's text; the first problem found is thrown, naming its field. */
export function parseTruthFile(text: string, source: string): LabelledIncident[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TruthFileError(source, '(file)', `is not JSON: ${(error as Error).message}`);
  }
  const parsed = truthSchema.safeParse(json);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const field = issue === undefined || issue.path.length === 0 ? '(file)' : formatPath(issue.path);
    throw new TruthFileError(source, field, issue?.message ?? 'is not valid');
  }
  const ids = new Map<string, number>();
  const owners = new Map<string, string>();
  parsed.data.incidents.forEach((incident, index) => {
    const earlier = ids.get(incident.id);
    if (earlier !== undefined) {
      throw new TruthFileError(
        source,
        `incidents[${index}].id`,
        `${incident.id} is already the id of incidents[${earlier}]`,
      );
    }
    ids.set(incident.id, index);
    incident.alerts.forEach((alert, alertIndex) => {
      const key = occurrenceKey(alert);
      const owner = owners.get(key);
      // Listed twice in one incident is harmless; in two incidents the truth contradicts itself.
      if (owner !== undefined && owner !== incident.id) {
        throw new TruthFileError(
          source,
          `incidents[${index}].alerts[${alertIndex}]`,
          `${alert.fingerprint} from ${alert.startsAt.toISOString()} is already in incident ${owner}`,
        );
      }
      owners.set(key, incident.id);
    });
  });
  return parsed.data.incidents.map((incident) => ({
    id: incident.id,
    ...(incident.shape === undefined ? {} : { shape: incident.shape }),
    ...(incident.unambiguous === undefined ? {} : { unambiguous: incident.unambiguous }),
    alerts: incident.alerts.map((alert) => ({ fingerprint: alert.fingerprint, startsAt: alert.startsAt })),
  }));
}
