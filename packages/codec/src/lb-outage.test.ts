import { describe, expect, it } from 'vitest';
import { parseAlertmanagerWebhook, parseChangeRequest } from '@sitrep/contracts';
import { lbOutageInputs, lbOutageSettings, minute, type OutageInput } from '@sitrep/domain/testing';
import { lbOutageDeliveries } from '@sitrep/testkit';
import { alertsFromWebhook } from './alerts.js';
import { changeFromRequest } from './changes.js';

// The reference outage is derived twice from one description: as the requests Sitrep receives
// (testkit, for the HTTP and replay tests) and as the domain values ingest makes of them (domain,
// for the correlator and recording tests). Reading the first as ingest does must give the second.
describe('the reference outage on the wire', () => {
  it('reads, as ingest reads it, as the domain inputs the domain tests use', () => {
    const read = lbOutageDeliveries().flatMap((delivery): OutageInput[] => {
      const receivedAt = minute(delivery.minute);
      if (delivery.path === '/api/v1/changes') {
        const request = parseChangeRequest(JSON.parse(JSON.stringify(delivery.body)));
        if (!request.ok) throw new Error(JSON.stringify(request.issues));
        return [{ change: changeFromRequest(request.value, receivedAt) }];
      }
      const webhook = parseAlertmanagerWebhook(JSON.parse(JSON.stringify(delivery.body)));
      if (!webhook.ok) throw new Error(JSON.stringify(webhook.issues));
      return alertsFromWebhook(webhook.value, receivedAt, lbOutageSettings()).map((alert) => ({
        alert,
      }));
    });
    expect(read).toEqual(lbOutageInputs());
  });
});
