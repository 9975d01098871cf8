export { ConfigError } from './config-error.js';
export type { ConfigIssue } from './config-error.js';
export { EnvReader } from './env-reader.js';
export type { Env, EnvReaderOptions } from './env-reader.js';
export { isLoopbackHost, LOG_LEVEL_NAMES, readPlatformSettings } from './platform.js';
export type { PlatformSettings } from './platform.js';
