import type { IncidentStatus } from '@sitrep/domain';
import type { IncidentRowStatus } from '@sitrep/store';

// Explicit both ways, as switches: a status added on one side stops the build here instead of
// being stored or shown as something else.

/** The record's status as the store keeps it. */
export function rowStatus(status: IncidentStatus): IncidentRowStatus {
  switch (status) {
    case 'open':
      return 'open';
    case 'resolving':
      return 'resolving';
    case 'resolved':
      return 'resolved';
    case 'closed':
      return 'closed';
  }
}

/** A stored row's status as the API and the CLI show it. */
export function statusOfRow(status: IncidentRowStatus): IncidentStatus {
  switch (status) {
    case 'open':
      return 'open';
    case 'resolving':
      return 'resolving';
    case 'resolved':
      return 'resolved';
    case 'closed':
      return 'closed';
  }
}
