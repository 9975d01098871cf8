import { describe, expect, it } from 'vitest';
import { INCIDENT_STATUSES } from '@sitrep/domain';
import { INCIDENT_ROW_STATUSES } from '@sitrep/store';
import { rowStatus, statusOfRow } from './status.js';

describe('incident status between the record and the store row', () => {
  it('maps every record status onto a row status and back', () => {
    for (const status of INCIDENT_STATUSES) expect(statusOfRow(rowStatus(status))).toBe(status);
  });

  it('leaves no row status that no record status maps to', () => {
    expect(new Set(INCIDENT_STATUSES.map(rowStatus))).toEqual(new Set(INCIDENT_ROW_STATUSES));
  });
});
