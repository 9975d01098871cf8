import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { EntryRow, IncidentRow, IncidentStore, StoredEvent } from './store.js';

const T0 = Date.parse('2026-11-22T03:00:00Z');
const at = (minute: number) => new Date(T0 + minute * 60_000);

function event(incidentId: string, sequence: number, id = `${incidentId}-e${sequence}`): StoredEvent {
  return {
    id,
    incidentId,
    sequence,
    type: 'incident.alert_attached',
    occurredAt: at(sequence),
    payload: `{"n":${sequence}}`,
  };
}

function row(id: string, start: number, extra: Partial<IncidentRow> = {}): IncidentRow {
  return {
    id,
    status: 'open',
    services: ['auth-lb', 'auth'],
    severity: 'critical',
    startedAt: at(start),
    detectedAt: at(start + 1),
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    closedAt: null,
    lastSequence: 1,
    revision: 1,
    summary: '{}',
    updatedAt: at(start + 1),
    ...extra,
  };
}

function entry(id: string, incidentId: string, minute: number): EntryRow {
  return {
    id,
    incidentId,
    kind: 'note',
    at: at(minute),
    recordedAt: at(minute + 5),
    author: 'oncall',
    text: `note ${id}`,
    to: null,
  };
}

/**
 * What every IncidentStore adapter must do. `open` gives a migrated store on fresh storage each
 * time it is called with a new name, and the same storage again for the same name.
 */
export function describeStoreContract(name: string, open: (storage: string) => Promise<IncidentStore>): void {
  describe(`IncidentStore contract: ${name}`, () => {
    const opened: IncidentStore[] = [];
    let counter = 0;
    const fresh = async (storage = `s${Date.now().toString(36)}${(counter += 1)}`) => {
      const store = await open(storage);
      opened.push(store);
      return { store, storage };
    };
    afterEach(async () => {
      await Promise.allSettled(opened.splice(0).map((store) => store.close()));
    });

    it('stores any text every reader can hold and gives it back exactly', async () => {
      const { store } = await fresh();
      // What the edge lets through: any text without NUL or an unpaired surrogate.
      const text = fc.string({ unit: 'grapheme', maxLength: 60 }).filter((value) => !value.includes('\u0000'));
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          text,
          text,
          text,
          // Services are never empty (an alert without a service label is scoped by its alertname).
          fc.array(
            text.filter((value) => value !== ''),
            { minLength: 1, maxLength: 3 },
          ),
          async (id, author, body, services) => {
            n += 1;
            const incidentId = `${id}#${n}`;
            const stored = row(incidentId, n, { services, summary: JSON.stringify({ body }) });
            const storedEvent = { ...event(incidentId, 1, `e${n}`), payload: JSON.stringify({ body }) };
            expect(await store.recordEvent(storedEvent, stored)).toBe('stored');
            const note = { ...entry(`n${n}`, incidentId, n), author, text: body, to: author };
            expect(await store.addEntry(note, null)).toBe('stored');
            expect(await store.incident(incidentId)).toEqual(stored);
            expect(await store.events(incidentId)).toEqual([storedEvent]);
            expect(await store.entries(incidentId)).toEqual([note]);
            // The same text through a batch, where events and rows are written several at a time.
            const batched = { ...event(incidentId, 2, `b${n}`), type: author, payload: JSON.stringify({ id, body }) };
            const next = { ...stored, lastSequence: 2, revision: 2, summary: JSON.stringify({ author }) };
            expect(await store.recordBatch([{ events: [batched], incident: next, previous: stored }])).toBe('stored');
            expect(await store.events(incidentId)).toEqual([storedEvent, batched]);
            expect(await store.incident(incidentId)).toEqual(next);
            // And the service filter finds it by each of its services, commas and percent signs included.
            for (const service of services) {
              const page = await store.listIncidents({ service, limit: 500 });
              expect(page.incidents.map((incident) => incident.id)).toContain(incidentId);
            }
          },
        ),
        { numRuns: 60 },
      );
    });

    it('migrates idempotently, also from two instances at once', async () => {
      const { store, storage } = await fresh();
      await Promise.all([store.migrate(), (await fresh(storage)).store.migrate()]);
      expect(await store.incident('none')).toBeNull();
    });

    it('records an event with its incident row atomically, and a redelivery changes nothing', async () => {
      const { store } = await fresh();
      expect(await store.recordEvent(event('i1', 1), row('i1', 0))).toBe('stored');
      expect(await store.recordEvent(event('i1', 1), row('i1', 0, { severity: 'info' }))).toBe('duplicate');
      expect(await store.incident('i1')).toEqual(row('i1', 0));
      expect(await store.events('i1')).toEqual([event('i1', 1)]);
    });

    it('stores an event without touching the incident row when given none', async () => {
      const { store } = await fresh();
      expect(await store.recordEvent(event('i1', 2), null)).toBe('stored');
      expect(await store.incident('i1')).toBeNull();
      expect((await store.events('i1')).map((stored) => stored.sequence)).toEqual([2]);
    });

    it('refuses a different event claiming a sequence already taken', async () => {
      const { store } = await fresh();
      await store.recordEvent(event('i1', 1), row('i1', 0));
      await expect(store.recordEvent(event('i1', 1, 'other-id'), row('i1', 0))).rejects.toMatchObject({
        code: 'conflict',
      });
      expect(await store.events('i1')).toHaveLength(1);
    });

    it('returns events in sequence order and keeps them across a reopen', async () => {
      const { store, storage } = await fresh();
      for (const [index, sequence] of [2, 1, 3].entries())
        await store.recordEvent(event('i1', sequence), row('i1', 0, { lastSequence: sequence, revision: index + 1 }));
      await store.close();
      opened.splice(opened.indexOf(store), 1);
      const { store: again } = await fresh(storage);
      expect((await again.events('i1')).map((stored) => stored.sequence)).toEqual([1, 2, 3]);
      expect((await again.incident('i1'))?.lastSequence).toBe(3);
    });

    it('lists newest first with filters and stable cursor paging', async () => {
      const { store } = await fresh();
      await store.recordEvent(event('a', 1), row('a', 0));
      await store.recordEvent(
        event('b', 1),
        row('b', 10, { status: 'resolved', resolvedAt: at(30), severity: 'warning' }),
      );
      await store.recordEvent(event('e', 1), row('e', 5, { status: 'closed', resolvedAt: at(8), closedAt: at(9) }));
      await store.recordEvent(event('c', 1), row('c', 20, { services: ['payments'] }));
      await store.recordEvent(event('d', 1), row('d', 20, { services: ['auth'] }));
      const all = await store.listIncidents({ limit: 10 });
      expect(all.incidents.map((incident) => incident.id)).toEqual(['d', 'c', 'b', 'e', 'a']);
      expect(all.nextCursor).toBeNull();
      const ids = async (filter: Parameters<IncidentStore['listIncidents']>[0]) =>
        (await store.listIncidents(filter)).incidents.map((incident) => incident.id);
      expect(await ids({ limit: 10, status: 'resolved' })).toEqual(['b']);
      expect(await ids({ limit: 10, status: 'closed' })).toEqual(['e']);
      expect(await ids({ limit: 10, service: 'auth' })).toEqual(['d', 'b', 'e', 'a']);
      expect(await ids({ limit: 10, service: 'auth-l' })).toEqual([]);
      expect(await ids({ limit: 10, severity: 'warning' })).toEqual(['b']);
      expect(await ids({ limit: 10, since: at(10), until: at(20) })).toEqual(['b']);

      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 4; page += 1) {
        const result = await store.listIncidents({ limit: 2, ...(cursor ? { cursor } : {}) });
        seen.push(...result.incidents.map((incident) => incident.id));
        if (result.nextCursor === null) break;
        cursor = result.nextCursor;
      }
      expect(seen).toEqual(['d', 'c', 'b', 'e', 'a']);
      await expect(store.listIncidents({ limit: 2, cursor: 'garbage' })).rejects.toMatchObject({
        code: 'invalid_cursor',
      });
    });

    it('filters by service exactly: `_` and `%` are characters, not wildcards, and case counts', async () => {
      const { store } = await fresh();
      const services = { a: ['users_db'], b: ['users-db'], c: ['usersXdb'], d: ['Users_DB'], e: ['100%', 'api'] };
      for (const [id, names] of Object.entries(services))
        await store.recordEvent(event(id, 1), row(id, 0, { services: names }));
      const ids = async (service: string) =>
        (await store.listIncidents({ limit: 10, service })).incidents.map((incident) => incident.id).sort();
      expect(await ids('users_db')).toEqual(['a']);
      expect(await ids('Users_DB')).toEqual(['d']);
      expect(await ids('users%')).toEqual([]);
      expect(await ids('%')).toEqual([]);
      expect(await ids('_')).toEqual([]);
      expect(await ids('100%')).toEqual(['e']);
      expect(await ids('api')).toEqual(['e']);
      expect(await ids('users')).toEqual([]);
    });

    it('finds nothing, and fails nothing, for ids and filters with NUL, lone surrogates or odd characters', async () => {
      const { store } = await fresh();
      await store.recordEvent(event('i1', 1), row('i1', 0));
      await store.addEntry(entry('n1', 'i1', 2), null);
      for (const odd of [
        'i1\u0000',
        '\u0000',
        'i\ud800',
        '\udfff',
        '\uffff',
        '\\',
        "'; --",
        '\u202e',
        'a'.repeat(600),
      ]) {
        expect(await store.incident(odd)).toBeNull();
        expect(await store.events(odd)).toEqual([]);
        expect(await store.entries(odd)).toEqual([]);
        expect(await store.entry(odd)).toBeNull();
        expect((await store.listIncidents({ limit: 5, service: odd })).incidents).toEqual([]);
        const cursor = `${T0}.${Buffer.from(odd, 'utf8').toString('base64url')}`;
        // Any well-formed cursor is a position: the page is whatever sorts after it (collations differ).
        const page = (await store.listIncidents({ limit: 5, cursor })).incidents.map((incident) => incident.id);
        expect([[], ['i1']]).toContainEqual(page);
      }
      for (const cursor of [
        '\u0000',
        'garbage',
        'W10',
        '1.5.x',
        '1.a=',
        '.abc',
        '1234567890123456.aQ',
        `1.${'a'.repeat(1001)}`,
      ])
        await expect(store.listIncidents({ limit: 2, cursor })).rejects.toMatchObject({ code: 'invalid_cursor' });
    });

    it('finds an entry by id, whichever incident it is on', async () => {
      const { store } = await fresh();
      await store.addEntry(entry('n1', 'i1', 10), null);
      expect(await store.entry('n1')).toEqual(entry('n1', 'i1', 10));
      expect(await store.entry('n2')).toBeNull();
    });

    it('keeps people’s entries, once each, in time order', async () => {
      const { store } = await fresh();
      expect(await store.addEntry(entry('n2', 'i1', 20), null)).toBe('stored');
      expect(await store.addEntry(entry('n1', 'i1', 10), null)).toBe('stored');
      expect(await store.addEntry(entry('n1', 'i1', 10), null)).toBe('duplicate');
      await store.addEntry({ ...entry('n3', 'i1', 15), kind: 'escalated', to: 'platform lead' }, null);
      expect((await store.entries('i1')).map((stored) => [stored.id, stored.to])).toEqual([
        ['n1', null],
        ['n3', 'platform lead'],
        ['n2', null],
      ]);
      expect(await store.entries('other')).toEqual([]);
    });

    it('writes an entry with the incident row it changes, atomically', async () => {
      const { store } = await fresh();
      await store.recordEvent(event('i1', 1), row('i1', 0));
      const acknowledged = row('i1', 0, { acknowledgedAt: at(3), revision: 2 });
      expect(await store.addEntry({ ...entry('n1', 'i1', 3), kind: 'acknowledged' }, acknowledged)).toBe('stored');
      expect(await store.incident('i1')).toEqual(acknowledged);
    });

    it('refuses a row written from a stale read, and then writes nothing', async () => {
      const { store } = await fresh();
      await store.recordEvent(event('i1', 1), row('i1', 0));
      // Two writers both read revision 1; the second to write loses and must re-read.
      expect(await store.recordEvent(event('i1', 2), row('i1', 0, { lastSequence: 2, revision: 2 }))).toBe('stored');
      const stale = row('i1', 0, { mitigatedAt: at(4), revision: 2 });
      expect(await store.addEntry({ ...entry('n1', 'i1', 4), kind: 'mitigated' }, stale)).toBe('stale');
      expect(await store.entries('i1')).toEqual([]);
      expect(await store.recordEvent(event('i1', 3), row('i1', 0, { lastSequence: 3, revision: 2 }))).toBe('stale');
      expect((await store.events('i1')).map((stored) => stored.sequence)).toEqual([1, 2]);
      // A second creator of the same incident is stale too.
      expect(await store.recordEvent(event('i1', 9, 'x'), row('i1', 0))).toBe('stale');
      expect(await store.incident('i1')).toMatchObject({ lastSequence: 2, revision: 2 });
    });

    it('gives reports every incident in a range, and counts open incidents', async () => {
      const { store } = await fresh();
      expect(await store.counts()).toEqual({ events: 0, incidents: 0, entries: 0 });
      await store.recordEvent(event('a', 1), row('a', 0, { acknowledgedAt: at(2) }));
      await store.recordEvent(event('b', 1), row('b', 10, { services: ['payments', 'db'], severity: 'warning' }));
      await store.recordEvent(event('c', 1), row('c', 20, { status: 'resolved', resolvedAt: at(25) }));
      await store.recordEvent(event('d', 1), row('d', 30));
      await store.addEntry(entry('n1', 'a', 2), null);
      const reported = await store.reportedIncidents({ since: at(0), until: at(30) });
      expect(reported.map((incident) => incident.id).sort()).toEqual(['a', 'b', 'c']);
      expect(reported.find((incident) => incident.id === 'a')).toEqual({
        id: 'a',
        status: 'open',
        services: ['auth-lb', 'auth'],
        severity: 'critical',
        startedAt: at(0),
        detectedAt: at(1),
        acknowledgedAt: at(2),
        mitigatedAt: null,
        resolvedAt: null,
        closedAt: null,
      });
      expect(await store.reportedIncidents({})).toHaveLength(4);
      const open = await store.openIncidentCounts();
      expect(open.sort((x, y) => x.service.localeCompare(y.service))).toEqual([
        { service: 'auth-lb', severity: 'critical', count: 2 },
        { service: 'payments', severity: 'warning', count: 1 },
      ]);
      expect(await store.counts()).toEqual({ events: 4, incidents: 4, entries: 1 });
    });

    it('gives reports only what they read of each incident, as epoch milliseconds', async () => {
      const { store } = await fresh();
      await store.recordEvent(event('a', 1), row('a', 0, { acknowledgedAt: at(2), mitigatedAt: at(3) }));
      await store.recordEvent(event('b', 1), row('b', 10, { services: ['pay,ments', 'db'], severity: 'warning' }));
      await store.recordEvent(event('c', 1), row('c', 20, { services: ['50%'], resolvedAt: at(25) }));
      await store.recordEvent(event('d', 1), row('d', 30));
      const times = await store.reportedTimes({ since: at(0), until: at(30) });
      const rows = await store.reportedIncidents({ since: at(0), until: at(30) });
      const epoch = (date: Date | null) => date?.getTime() ?? null;
      const expected = rows.map((reported) => ({
        service: reported.services[0],
        severity: reported.severity,
        startedAt: reported.startedAt.getTime(),
        detectedAt: reported.detectedAt.getTime(),
        acknowledgedAt: epoch(reported.acknowledgedAt),
        mitigatedAt: epoch(reported.mitigatedAt),
        resolvedAt: epoch(reported.resolvedAt),
      }));
      const order = <T extends { startedAt: number }>(list: readonly T[]): T[] =>
        [...list].sort((x, y) => x.startedAt - y.startedAt);
      expect(order(times)).toEqual(order(expected));
      expect(order(times).map((reported) => reported.service)).toEqual(['auth-lb', 'pay,ments', '50%']);
      expect(await store.reportedTimes({})).toHaveLength(4);
    });

    it('lists by service where a row moved: under its new services and start, not its old ones', async () => {
      const { store } = await fresh();
      await store.recordEvent(event('a', 1), row('a', 0, { services: ['auth'] }));
      await store.recordEvent(event('b', 1), row('b', 5, { services: ['auth'] }));
      await store.recordEvent(event('a', 2), row('a', 10, { services: ['auth', 'db'], lastSequence: 2, revision: 2 }));
      const ids = async (filter: Omit<Parameters<IncidentStore['listIncidents']>[0], 'limit'>) =>
        (await store.listIncidents({ limit: 10, ...filter })).incidents.map((incident) => incident.id);
      expect(await ids({ service: 'auth' })).toEqual(['a', 'b']);
      expect(await ids({ service: 'db' })).toEqual(['a']);
      expect(await ids({ service: 'auth', until: at(6) })).toEqual(['b']);
      const first = await store.listIncidents({ limit: 1, service: 'auth' });
      expect(await ids({ service: 'auth', cursor: first.nextCursor ?? '' })).toEqual(['b']);
      await store.addEntry(entry('n1', 'a', 11), row('a', 3, { services: ['db'], lastSequence: 2, revision: 3 }));
      expect(await ids({ service: 'auth' })).toEqual(['b']);
      expect(await ids({ service: 'db', since: at(3), until: at(4) })).toEqual(['a']);
    });

    it('records a batch of events and rows in one transaction', async () => {
      const { store } = await fresh();
      await store.recordEvent(event('a', 1), row('a', 0));
      const a = row('a', 0, { lastSequence: 3, revision: 2, services: ['auth', 'db'] });
      const b = row('b', 4, { services: ['pay'] });
      expect(
        await store.recordBatch([
          { events: [event('a', 2), event('a', 3)], incident: a, previous: row('a', 0) },
          { events: [event('b', 1)], incident: b, previous: null },
          { events: [event('c', 2)], incident: null, previous: null },
        ]),
      ).toBe('stored');
      expect(await store.incident('a')).toEqual(a);
      expect(await store.incident('b')).toEqual(b);
      expect(await store.incident('c')).toBeNull();
      expect((await store.events('a')).map((stored) => stored.sequence)).toEqual([1, 2, 3]);
      expect((await store.events('c')).map((stored) => stored.sequence)).toEqual([2]);
      expect((await store.listIncidents({ limit: 5, service: 'db' })).incidents.map((found) => found.id)).toEqual([
        'a',
      ]);
      expect((await store.listIncidents({ limit: 5, service: 'pay' })).incidents.map((found) => found.id)).toEqual([
        'b',
      ]);
    });

    it('writes nothing of a batch when any row is stale, or an event was stored meanwhile', async () => {
      const { store } = await fresh();
      await store.recordEvent(event('a', 1), row('a', 0));
      await store.recordEvent(event('b', 1), row('b', 0, { revision: 2 }));
      const batch = (bRevision: number) => [
        { events: [event('a', 2)], incident: row('a', 0, { lastSequence: 2, revision: 2 }), previous: row('a', 0) },
        {
          events: [event('b', 2)],
          incident: row('b', 0, { lastSequence: 2, revision: bRevision }),
          previous: row('b', 0, { revision: bRevision - 1 }),
        },
      ];
      expect(await store.recordBatch(batch(2))).toBe('stale');
      expect(await store.counts()).toMatchObject({ events: 2 });
      expect(await store.incident('a')).toEqual(row('a', 0));
      await store.recordEvent(event('b', 2), null);
      expect(await store.recordBatch(batch(3))).toBe('stale');
      expect(await store.counts()).toMatchObject({ events: 3 });
      expect(await store.incident('b')).toEqual(row('b', 0, { revision: 2 }));
    });

    it('refuses a batch whose event claims a sequence taken by another id, and writes nothing of it', async () => {
      const { store } = await fresh();
      await store.recordEvent(event('a', 1), row('a', 0));
      await expect(
        store.recordBatch([
          { events: [event('b', 1)], incident: row('b', 0), previous: null },
          { events: [event('a', 1, 'other-id')], incident: null, previous: null },
        ]),
      ).rejects.toMatchObject({ code: 'conflict' });
      expect(await store.counts()).toMatchObject({ events: 1, incidents: 1 });
    });

    it('records a batch of hundreds of events, and refuses one with a stored event anywhere among them', async () => {
      const { store } = await fresh();
      // More events than any one insert statement takes, and not a multiple of it.
      const many = (incident: string, count: number) => Array.from({ length: count }, (_, n) => event(incident, n + 1));
      const big = [
        { events: many('a', 130), incident: row('a', 0, { lastSequence: 130 }), previous: null },
        { events: many('b', 77), incident: null, previous: null },
      ];
      expect(await store.recordBatch(big)).toBe('stored');
      expect(await store.counts()).toMatchObject({ events: 207, incidents: 1 });
      expect((await store.events('a')).map((stored) => stored.sequence)).toEqual(many('a', 130).map((e) => e.sequence));
      expect(await store.events('b')).toEqual(many('b', 77));
      // One of 120 new events is stored already (b's 60th, redelivered): nothing of the batch is written.
      const again = [
        { events: many('c', 119), incident: row('c', 0, { lastSequence: 119 }), previous: null },
        { events: [event('b', 60)], incident: null, previous: null },
      ];
      expect(await store.recordBatch(again)).toBe('stale');
      expect(await store.counts()).toMatchObject({ events: 207, incidents: 1 });
      const clash = [{ events: [...many('d', 60), event('a', 7, 'other-id')], incident: null, previous: null }];
      await expect(store.recordBatch(clash)).rejects.toMatchObject({ code: 'conflict' });
      expect(await store.counts()).toMatchObject({ events: 207 });
      const read = await store.readForBatch({
        incidentIds: ['b'],
        full: new Set(),
        eventIds: [...many('b', 77).map((stored) => stored.id), 'b-e78', 'a-e130'],
      });
      expect(read.storedEvents.size).toBe(78);
      expect(read.storedEvents.get('a-e130')).toEqual({ incidentId: 'a', sequence: 130 });
      expect(read.storedEvents.has('b-e78')).toBe(false);
    });

    it('reads what a batch touches: rows, waiting or all events, entries, and which events are stored', async () => {
      const { store } = await fresh();
      await store.recordEvent(event('a', 1), row('a', 0));
      await store.recordEvent(event('a', 2), row('a', 0, { lastSequence: 2, revision: 2 }));
      await store.recordEvent(event('a', 4), null);
      await store.recordEvent(event('b', 3), null);
      await store.addEntry(entry('n1', 'a', 2), null);
      await store.addEntry(entry('n2', 'b', 2), null);
      const read = await store.readForBatch({
        incidentIds: ['a', 'b', 'c'],
        full: new Set(['b']),
        eventIds: ['a-e2', 'a-e4', 'b-e3', 'a-e9'],
      });
      const a = read.incidents.get('a');
      expect(a?.row).toEqual(row('a', 0, { lastSequence: 2, revision: 2 }));
      expect(a?.events).toEqual([event('a', 4)]);
      expect(a?.entries).toBeNull();
      expect(read.incidents.get('b')).toEqual({ row: null, events: [event('b', 3)], entries: [entry('n2', 'b', 2)] });
      expect(read.incidents.get('c')).toEqual({ row: null, events: [], entries: null });
      expect(Object.fromEntries(read.storedEvents)).toEqual({
        'a-e2': { incidentId: 'a', sequence: 2 },
        'a-e4': { incidentId: 'a', sequence: 4 },
        'b-e3': { incidentId: 'b', sequence: 3 },
      });
      const full = await store.readForBatch({ incidentIds: ['a'], full: new Set(['a']), eventIds: [] });
      expect(full.incidents.get('a')?.events.map((stored) => stored.sequence)).toEqual([1, 2, 4]);
      expect(full.incidents.get('a')?.entries).toEqual([entry('n1', 'a', 2)]);
    });

    it('counts events stored but not applied, and says since when the oldest waits', async () => {
      const { store } = await fresh();
      expect(await store.waitingEvents()).toEqual({ count: 0, oldestOccurredAt: null });
      await store.recordEvent(event('a', 1), row('a', 0));
      // Event 3 of a, ahead of 2; events 4 and 5 of b, whose opening never came.
      await store.recordEvent(event('a', 3), null);
      await store.recordEvent(event('b', 5), null);
      await store.recordEvent(event('b', 4), null);
      expect(await store.waitingEvents()).toEqual({ count: 3, oldestOccurredAt: at(3) });
      await store.recordEvent(event('a', 2), row('a', 0, { lastSequence: 3, revision: 2 }));
      expect(await store.waitingEvents()).toEqual({ count: 2, oldestOccurredAt: at(4) });
    });
  });
}
