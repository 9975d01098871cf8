export { ConfigError } from './config-error.js';
export type { ConfigIssue } from './config-error.js';
export { EnvReader } from './env-reader.js';
export type { Env, EnvReaderOptions } from './env-reader.js';
export { HTTP_SERVER_DEFAULTS, isLoopbackHost, LOG_LEVEL_NAMES, readPlatformSettings } from './platform.js';
export type { HttpServerSettings, PlatformSettings } from './platform.js';
export { MIN_SECRET_LENGTH, refuseWeakSecret, weakSecretReason } from './weak-secrets.js';
export { KAFKA_SASL_MECHANISMS, KAFKA_SECURITY_PROTOCOLS, readKafkaSecurity } from './kafka-security.js';
export type {
  KafkaSaslMechanism,
  KafkaSaslSettings,
  KafkaSecurityProtocol,
  KafkaSecuritySettings,
  KafkaTlsSettings,
} from './kafka-security.js';
