// Test data for every workspace's tests, on its own entry point (@sitrep/domain/testing) so that
// domain's own tests can use it too (domain imports no workspace package) while product code,
// which imports @sitrep/domain, never carries it (the dependency rule checks that).
export {
  change,
  domainAlert,
  firing,
  minute,
  reportedAlert,
  resolved,
  streamTime,
  TEST_EPOCH,
} from './alert-builder.js';
export type { AlertReport, AlertSpec, StreamTime } from './alert-builder.js';
export {
  applyOutageInput,
  LB_OUTAGE,
  lbOutageChange,
  lbOutageEvents,
  lbOutageInputs,
  lbOutageNotifications,
  lbOutageReceipts,
  lbOutageSettings,
} from './lb-outage.js';
export type {
  OutageAlert,
  OutageChange,
  OutageDescription,
  OutageInput,
  OutageNotification,
  OutageOptions,
  OutageReceipt,
} from './lb-outage.js';
