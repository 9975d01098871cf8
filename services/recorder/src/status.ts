import type { IncidentStatus } from '@sitrep/domain';
import type { IncidentRowStatus } from '@sitrep/store';

// Explicit both ways, as complete tables: a status added on one side stops the build here
// instead of being stored or shown as something else.
const ROW_STATUS: Readonly<Record<IncidentStatus, IncidentRowStatus>> = {
  open: 'open',
  resolving: 'resolving',
  resolved: 'resolved',
  closed: 'closed',
};
const RECORD_STATUS: Readonly<Record<IncidentRowStatus, IncidentStatus>> = {
  open: 'open',
  resolving: 'resolving',
  resolved: 'resolved',
  closed: 'closed',
};

/** The record's status as the store keeps it. */
export const rowStatus = (status: IncidentStatus): IncidentRowStatus => ROW_STATUS[status];

/** A stored row's status as the API and the CLI show it. */
export const statusOfRow = (status: IncidentRowStatus): IncidentStatus => RECORD_STATUS[status];
