import type { AlertSlot, CorrelatorSnapshot, CorrelatorState, IncidentState } from './correlator-state.js';
import type { FiringListing } from './firing-listing.js';

/**
 * The correlator's state cut into parts, each stored under its own key, so that saving after a
 * batch costs what the batch touched rather than everything open: an incident's header (all but
 * its alerts), each alert slot, each group listing, and the stream part (the stream's time, the
 * recent changes and the notifications still arriving, all small). JSON-safe, like snapshots; a
 * null body means the part is gone (its incident or listing was forgotten).
 */
export type CorrelatorStatePart =
  | { readonly kind: 'incident'; readonly incidentId: string; readonly body: IncidentHeaderJson | null }
  | {
      readonly kind: 'alert';
      readonly incidentId: string;
      readonly fingerprint: string;
      readonly body: AlertSlotJson | null;
    }
  | { readonly kind: 'listing'; readonly listingId: string; readonly body: ListingJson | null }
  | { readonly kind: 'stream'; readonly body: StreamJson };

type SnapshotState = CorrelatorSnapshot['state'];
type IncidentJson = SnapshotState['incidents'][number][1];
export type IncidentHeaderJson = Omit<IncidentJson, 'alerts'>;
export type AlertSlotJson = IncidentJson['alerts'][number][1];
export type ListingJson = SnapshotState['listings'][number][1];
export type StreamJson = Pick<SnapshotState, 'now' | 'recentChanges' | 'pending'>;

/** The key a part is stored under, unique within one partition's state. */
export function partKey(part: CorrelatorStatePart): string {
  switch (part.kind) {
    case 'incident':
      return `incident/${part.incidentId}`;
    case 'alert':
      return `alert/${part.incidentId}/${part.fingerprint}`;
    case 'listing':
      return `listing/${part.listingId}`;
    case 'stream':
      return 'stream';
  }
}

/** Dates become ISO strings and maps entry arrays, as the JSON mirror types say; callers name the type. */
const toJson = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, inner: unknown) => (inner instanceof Map ? [...inner.entries()] : inner)));

export function incidentPart(incident: IncidentState): CorrelatorStatePart {
  const { alerts: _alerts, ...header } = incident;
  return { kind: 'incident', incidentId: incident.id, body: toJson(header) as IncidentHeaderJson };
}

export function alertPart(incidentId: string, fingerprint: string, slot: AlertSlot | undefined): CorrelatorStatePart {
  return { kind: 'alert', incidentId, fingerprint, body: slot ? (toJson(slot) as AlertSlotJson) : null };
}

export function listingPart(listingId: string, listed: FiringListing | undefined): CorrelatorStatePart {
  return { kind: 'listing', listingId, body: listed ? (toJson(listed) as ListingJson) : null };
}

export function streamPart(state: CorrelatorState): CorrelatorStatePart {
  return {
    kind: 'stream',
    body: toJson({ now: state.now, recentChanges: state.recentChanges, pending: state.pending }) as StreamJson,
  };
}

/** Every part of a whole state: what a first save after restoring an older snapshot writes. */
export function allParts(state: CorrelatorState): CorrelatorStatePart[] {
  const parts: CorrelatorStatePart[] = [streamPart(state)];
  for (const incident of state.incidents.values()) {
    parts.push(incidentPart(incident));
    for (const [fingerprint, slot] of incident.alerts) parts.push(alertPart(incident.id, fingerprint, slot));
  }
  for (const [id, listed] of state.listings) parts.push(listingPart(id, listed));
  return parts;
}

/**
 * The snapshot the latest parts describe (later parts of a key replace earlier ones; a null body
 * removes it). Incidents come in the order they were detected, whatever order their parts were
 * last written in, so a restored correlator iterates them as one that never stopped; alerts of an
 * incident gone are dropped.
 */
export function snapshotFromParts(parts: Iterable<CorrelatorStatePart>): CorrelatorSnapshot {
  const latest = new Map<string, CorrelatorStatePart>();
  for (const part of parts) latest.set(partKey(part), part);
  let stream: StreamJson = { now: new Date(0).toISOString(), recentChanges: [], pending: [] };
  const headers = new Map<string, IncidentHeaderJson>();
  const alerts = new Map<string, [string, AlertSlotJson][]>();
  const listings: [string, ListingJson][] = [];
  for (const part of latest.values()) {
    if (part.kind === 'stream') stream = part.body;
    else if (part.body === null) continue;
    else if (part.kind === 'incident') headers.set(part.incidentId, part.body);
    else if (part.kind === 'alert') {
      const slots = alerts.get(part.incidentId) ?? [];
      slots.push([part.fingerprint, part.body]);
      alerts.set(part.incidentId, slots);
    } else listings.push([part.listingId, part.body]);
  }
  const incidents = [...headers.values()]
    .sort((a, b) => (a.detectedAt < b.detectedAt ? -1 : a.detectedAt > b.detectedAt ? 1 : a.id < b.id ? -1 : 1))
    .map((header): [string, IncidentJson] => [header.id, { ...header, alerts: alerts.get(header.id) ?? [] }]);
  listings.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { version: 1, state: { ...stream, incidents, listings } };
}
