import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertmanagerWebhook, IncidentEventRecordV1, TimelineEntryRecordV1 } from '@sitrep/contracts';
import {
  alertOccurrenceId,
  alertScope,
  changeId,
  Correlator,
  DEFAULT_CORRELATION_SETTINGS,
  labelsFingerprint,
  normaliseLabels,
  type Alert,
  type Change,
  type IncidentEvent,
} from '@sitrep/domain';
import { alertFromRecord, alertMessages, alertRecord, readAlert } from './alerts.js';
import { changeMessage, readChange } from './changes.js';
import {
  correlatorSnapshotOf,
  correlatorStateMessage,
  correlatorStateRecord,
  readCorrelatorState,
} from './correlator-state.js';
import { deadLetterMessage, readDeadLetter } from './dead-letter.js';
import type { EncodedMessage } from './envelope.js';
import {
  incidentEventFromRecord,
  incidentEventMessages,
  incidentEventRecord,
  readIncidentEventRecord,
} from './incident-events.js';
import { readTimelineEntryRecord, timelineEntryMessage } from './timeline-entries.js';

// Every record type through the wire and back, for arbitrary content: what a writer encodes,
// the reader decodes to the same value. Strings are any text every reader stores (no NUL, no
// unpaired surrogate: the edge refuses those), instants any millisecond from 1970 to 9999.

const RUNS = { numRuns: 150 };
const text = fc.string({ unit: 'grapheme', maxLength: 40 }).filter((value) => !value.includes('\u0000'));
const name = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,20}$/).filter((value) => value !== '__proto__');
const labels = fc.dictionary(
  name,
  text.filter((value) => value !== ''),
  { maxKeys: 6 },
);
const instant = fc.date({
  min: new Date('1970-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59.999Z'),
  noInvalidDate: true,
});

/** As a consumer reads it: the message as stored on the bus, with where it was read. */
const consumed = (message: EncodedMessage, topic: string) => ({
  topic,
  partition: 0,
  offset: '0',
  key: message.key,
  value: message.value,
  headers: message.headers,
});

const alertOf = (
  labelSet: Record<string, string>,
  annotations: Record<string, string>,
  startsAt: Date,
  receivedAt: Date,
): Alert => {
  const normalised = normaliseLabels({ alertname: 'Prop', ...labelSet });
  const fingerprint = labelsFingerprint(normalised);
  return {
    occurrenceId: alertOccurrenceId(fingerprint, startsAt, 'firing'),
    fingerprint,
    status: 'firing',
    labels: normalised,
    scope: alertScope(normalised, DEFAULT_CORRELATION_SETTINGS.scopeLabels),
    annotations: normaliseLabels(annotations),
    startsAt,
    endsAt: null,
    generatorURL: null,
    receivedAt,
    listing: null,
  };
};

const webhook: AlertmanagerWebhook = {
  version: '4',
  groupKey: '{}:{}',
  receiver: 'sitrep',
  status: 'firing',
  externalURL: 'http://am',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  // Truncated: the alert carries no group listing, as alertOf builds it.
  truncatedAlerts: 1,
  alerts: [],
};

describe('every record type round-trips through the wire, whatever it holds', () => {
  it('alerts', () => {
    fc.assert(
      fc.property(labels, labels, instant, instant, (labelSet, annotations, startsAt, receivedAt) => {
        const alert = alertOf(labelSet, annotations, startsAt, receivedAt);
        const [message] = alertMessages([alert], webhook, DEFAULT_CORRELATION_SETTINGS, {});
        const read = readAlert(consumed(message as EncodedMessage, 'sitrep.alerts.v1'));
        expect(read).toEqual({ ok: true, value: alert });
        expect(alertFromRecord(alertRecord(alert, webhook))).toEqual(alert);
      }),
      RUNS,
    );
  });

  it('changes', () => {
    fc.assert(
      fc.property(
        text.filter((value) => value !== ''),
        text,
        labels,
        instant,
        instant,
        (service, summary, labelSet, at, receivedAt) => {
          const change: Change = {
            id: changeId(service, 'deploy', at, summary),
            service,
            kind: 'deploy',
            summary,
            at,
            labels: normaliseLabels(labelSet),
            link: null,
            receivedAt,
          };
          const message = changeMessage(change, DEFAULT_CORRELATION_SETTINGS, {});
          expect(readChange(consumed(message, 'sitrep.changes.v1'))).toEqual({ ok: true, value: change });
        },
      ),
      RUNS,
    );
  });

  it('incident events and the correlator state', () => {
    fc.assert(
      fc.property(labels, labels, (labelSet, annotations) => {
        const correlator = new Correlator(DEFAULT_CORRELATION_SETTINGS);
        const startsAt = new Date('2026-11-22T03:00:00Z');
        const events = correlator.applyAlert(
          alertOf({ service: 'auth', ...labelSet }, annotations, startsAt, new Date(startsAt.getTime() + 60_000)),
        );
        for (const [index, message] of incidentEventMessages(events, {}).entries()) {
          expect(message.value).toBe(JSON.stringify(incidentEventRecord(events[index] as IncidentEvent)));
          const read = readIncidentEventRecord(consumed(message, 'sitrep.incidents.v1'));
          expect(read.ok).toBe(true);
          if (read.ok) expect(incidentEventFromRecord(read.value as IncidentEventRecordV1)).toEqual(events[index]);
        }
        const state = correlatorStateMessage(correlatorStateRecord(0, 7n, correlator.snapshot()));
        const restored = readCorrelatorState(consumed(state, 'sitrep.correlator-state.v1'));
        expect(restored.ok).toBe(true);
        if (restored.ok)
          expect(correlatorSnapshotOf(restored.value)).toEqual(JSON.parse(JSON.stringify(correlator.snapshot())));
      }),
      { numRuns: 60 },
    );
  });

  it('timeline entries', () => {
    fc.assert(
      fc.property(
        text,
        text.filter((value) => value !== ''),
        instant,
        instant,
        (entryText, author, at, recordedAt) => {
          const record: TimelineEntryRecordV1 = {
            schema: 'sitrep.timeline-entry.v1',
            id: 'entry-1',
            incidentId: 'inc_1',
            kind: 'note',
            at: at.toISOString(),
            recordedAt: recordedAt.toISOString(),
            author,
            text: entryText,
            to: null,
          };
          expect(
            readTimelineEntryRecord(consumed(timelineEntryMessage(record, {}), 'sitrep.timeline-entries.v1')),
          ).toEqual({
            ok: true,
            value: record,
          });
        },
      ),
      RUNS,
    );
  });

  it('dead letters give back the record they set aside', () => {
    fc.assert(
      fc.property(
        text,
        fc.string({ maxLength: 200 }),
        fc.dictionary(name, text, { maxKeys: 4 }),
        (key, value, headers) => {
          const original = { topic: 'sitrep.incidents.v1', partition: 3, offset: '42', key, value, headers };
          const letter = readDeadLetter(
            consumed(deadLetterMessage(original, 'apply_failed', 'x'), 'sitrep.dead-letter.v1'),
          );
          expect(letter).toEqual({
            sourceTopic: 'sitrep.incidents.v1',
            reason: 'apply_failed',
            detail: 'x',
            original: { key, value, headers },
          });
        },
      ),
      RUNS,
    );
  });
});
