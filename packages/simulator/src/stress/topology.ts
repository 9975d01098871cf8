import { DependencyMap } from '@sitrep/domain';

/**
 * The fleet the stress stream is about: 23 services in five systems linked by the dependency
 * map, plus six standalone services. `caller -> callee`, as in the correlation file.
 */
export const DEPENDENCIES: readonly (readonly [string, string])[] = [
  ['auth-lb', 'auth'],
  ['auth', 'users-db'],
  ['checkout-lb', 'checkout'],
  ['checkout', 'orders-db'],
  ['checkout', 'payments'],
  ['payments', 'payments-db'],
  ['search-lb', 'search'],
  ['search', 'search-index'],
  ['catalog', 'catalog-db'],
  ['catalog', 'image-cache'],
  ['notifications', 'mail-relay'],
  ['notifications', 'sms-gateway'],
];

export const STANDALONE_SERVICES: readonly string[] = [
  'billing-batch',
  'log-shipper',
  'backup-agent',
  'ci-runner',
  'feature-flags',
  'reporting',
];

export const SERVICES: readonly string[] = [
  ...new Set([...DEPENDENCIES.flatMap(([from, to]) => [from, to]), ...STANDALONE_SERVICES]),
];

/** Balancers and the service behind each. */
export const BALANCERS: readonly (readonly [lb: string, backend: string])[] = [
  ['auth-lb', 'auth'],
  ['checkout-lb', 'checkout'],
  ['search-lb', 'search'],
];

/** Databases (and a search index) and the services that call them. */
export const DATABASES: readonly (readonly [db: string, callers: readonly string[]])[] = [
  ['users-db', ['auth']],
  ['orders-db', ['checkout']],
  ['payments-db', ['payments']],
  ['catalog-db', ['catalog']],
  ['search-index', ['search']],
];

/** Services that run as pods (crash storms). */
export const POD_SERVICES: readonly string[] = [
  'auth',
  'checkout',
  'payments',
  'search',
  'catalog',
  'notifications',
  'feature-flags',
  'image-cache',
  'log-shipper',
];

/** Services with HTTP traffic (error rate and latency alerts). */
export const HTTP_SERVICES: readonly string[] = [
  'auth',
  'checkout',
  'payments',
  'search',
  'catalog',
  'notifications',
  'feature-flags',
  'image-cache',
  'mail-relay',
  'sms-gateway',
];

export const DEPENDENCY_MAP = new DependencyMap(DEPENDENCIES);

/** The services that share an incident when they fail together: the dependency map's component. */
export const componentOf = (service: string): string => DEPENDENCY_MAP.component(service);
