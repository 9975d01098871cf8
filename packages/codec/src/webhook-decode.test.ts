import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAlertmanagerWebhook } from '@sitrep/contracts';
import { decodeAlertmanagerWebhook, wellFormedWebhook } from './webhook-decode.js';

/*
 * The fast decoder must be the schema, faster: on any body, the same verdict, the same value when
 * accepted and the same issues when refused. Bodies are near-valid webhooks with one field at a
 * time bent into something odd, so both paths get exercised.
 */

const SEED = 20261202;

/** Mostly the good value, now and then something odd. */
const mostly = <T, U>(good: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: odd, weight: 1 });

const oddText = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '\u0000', 'a\ud800b', '__proto__', 'é', '\u{1F525}'),
);
const oddValue = fc.oneof(
  oddText,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
);
const timestamp = mostly(
  fc.date({ min: new Date(0), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((d) => d.toISOString()),
  fc.oneof(
    fc.constantFrom(
      '0001-01-01T00:00:00Z',
      '2026-11-22T03:00:00Z',
      '2026-11-22T03:00:00.123456789+02:00',
      '2026-02-30T00:00:00Z',
      '2026-11-22T24:00:00Z',
      '9999-12-31T23:00:00-01:00',
      '1969-12-31T23:59:59Z',
      '2026-11-22 03:00:00Z',
      '0000-01-01T00:00:00Z',
    ),
    oddValue,
  ),
);
const labels = fc.dictionary(
  mostly(fc.stringMatching(/^[a-z_]{1,8}$/), oddText),
  mostly(fc.stringMatching(/^[a-z0-9-]{0,8}$/), oddValue),
  { maxKeys: 4 },
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 3 });

const alert = fc.record(
  {
    status: mostly(fc.constantFrom('firing', 'resolved'), oddValue),
    labels: fc.oneof(
      { arbitrary: labels.filter((set) => Object.keys(set).length > 0), weight: 12 },
      { arbitrary: fc.constant({ alertname: 'HighErrorRate', service: 'auth' }), weight: 4 },
      { arbitrary: fc.constant(JSON.parse('{"__proto__": "x", "a": "b"}') as unknown), weight: 1 },
    ),
    annotations: maybe(labels),
    startsAt: timestamp,
    endsAt: maybe(timestamp),
    generatorURL: maybe(mostly(fc.constant('http://prometheus:9090/graph'), oddValue)),
    fingerprint: maybe(mostly(fc.stringMatching(/^[0-9a-f]{16}$/), fc.oneof(fc.constant('x'.repeat(129)), oddValue))),
    extra: maybe(oddValue),
  },
  { requiredKeys: ['status', 'labels', 'startsAt'] },
);

const webhook = fc.record(
  {
    version: mostly(fc.constant('4'), oddValue),
    groupKey: mostly(fc.constant('{}:{alertname="HighErrorRate"}'), oddText),
    truncatedAlerts: maybe(mostly(fc.nat(), fc.oneof(fc.integer(), fc.double(), oddValue))),
    status: mostly(fc.constantFrom('firing', 'resolved'), oddValue),
    receiver: mostly(fc.constant('sitrep'), oddValue),
    groupLabels: maybe(labels),
    commonLabels: maybe(labels),
    commonAnnotations: maybe(labels),
    externalURL: maybe(mostly(fc.constant('http://alertmanager:9093'), oddValue)),
    alerts: mostly(fc.array(alert, { maxLength: 3 }), oddValue),
  },
  { requiredKeys: ['version', 'groupKey', 'status', 'receiver', 'alerts'] },
);

describe('decodeAlertmanagerWebhook', () => {
  it('gives exactly what the schema gives, on valid and invalid bodies alike', () => {
    let accepted = 0;
    let fastPath = 0;
    fc.assert(
      fc.property(mostly(webhook, oddValue), (generated) => {
        // Through JSON, as a body arrives: no undefined values, __proto__ as an own key.
        const body = JSON.parse(JSON.stringify(generated)) as unknown;
        const fast = decodeAlertmanagerWebhook(body);
        expect(fast).toStrictEqual(parseAlertmanagerWebhook(body));
        if (fast.ok) accepted += 1;
        if (wellFormedWebhook(body) !== undefined) fastPath += 1;
      }),
      { seed: SEED, numRuns: 3000 },
    );
    // Both verdicts must have been exercised for the comparison to say anything.
    expect(accepted).toBeGreaterThan(50);
    // Everything the schema accepts here is plain enough for the fast path.
    expect(fastPath).toBe(accepted);
  });

  it('decodes a typical Alertmanager notification without the schema', () => {
    const body = {
      version: '4',
      groupKey: '{}:{alertname="HighErrorRate"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'sitrep',
      groupLabels: { alertname: 'HighErrorRate' },
      commonLabels: { alertname: 'HighErrorRate' },
      commonAnnotations: {},
      externalURL: 'http://alertmanager:9093',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'HighErrorRate', service: 'auth' },
          annotations: { summary: '31% of logins fail' },
          startsAt: '2026-11-22T03:00:00.123Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prometheus:9090/graph',
          fingerprint: 'c3a1e0e2b4f5d6a7',
        },
      ],
    };
    const decoded = decodeAlertmanagerWebhook(body);
    expect(decoded).toStrictEqual(parseAlertmanagerWebhook(body));
    expect(wellFormedWebhook(body)).toBeDefined();
    expect(decoded.ok && decoded.value.alerts[0]?.startsAt.toISOString()).toBe('2026-11-22T03:00:00.123Z');
  });
});
