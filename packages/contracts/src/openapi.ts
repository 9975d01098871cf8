import { ERROR_CATALOGUE } from './error-catalogue.js';
import { errorComponents, errorSchemas } from './openapi-errors.js';
import { basicAuth, ingestPaths, ingestSchemas } from './openapi-ingest.js';
import { recorderParameters, recorderPaths } from './openapi-recorder.js';
import { recorderSchemas } from './openapi-recorder-schemas.js';
import { bearerAuth, INGEST_SERVER, RECORDER_SERVER, sharedPaths, sharedSchemas } from './openapi-shared.js';

/*
 * OpenAPI 3.1 description of Sitrep's two HTTP APIs, served by both services at /openapi.json.
 * alert-ingest (tag `ingest`) receives Alertmanager webhooks and change events; the recorder (tag
 * `recorder`) serves incidents, timelines, people's entries, postmortems and reports. Each path
 * names the server that serves it. Tests in both services keep this document in step with their
 * routes and check real responses against the schemas, so keep it a plain object.
 *
 * The parts: openapi-shared.ts (servers, formats, the endpoints both serve), openapi-ingest.ts,
 * openapi-recorder.ts and openapi-recorder-schemas.ts (each API), openapi-errors.ts (the error
 * responses, generated from the error catalogue).
 */

const paths = { ...ingestPaths, ...recorderPaths, ...sharedPaths } as const;
const errors = errorComponents(paths);
const { method_not_allowed: methodNotAllowed, not_found: notFound, unavailable } = ERROR_CATALOGUE;

export const openApiDocument = {
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  info: {
    title: 'Sitrep',
    version: '1',
    summary: 'Alertmanager webhooks in; incident timelines, durations and MTTD/MTTA/MTTR out.',
    description:
      'Two services, two servers: alert-ingest (tag `ingest`, port 9095) receives Alertmanager ' +
      'webhooks and change events; the recorder (tag `recorder`, port 9096) serves incidents, ' +
      'their timelines, people’s entries, postmortem drafts and reliability reports. Each path ' +
      'lists the server that serves it; `/healthz`, `/readyz`, `/metrics` and `/openapi.json` are ' +
      'served by both, without credentials.\n\n' +
      'Every error is JSON (`Error`) with a stable `code`. 4xx means the request will never ' +
      `succeed as sent; 5xx may be retried (${unavailable.status} comes with \`Retry-After\`). ` +
      `A known path called with another method answers ${methodNotAllowed.status} \`method_not_allowed\` ` +
      `with an \`Allow\` header; an unknown path answers ${notFound.status} \`not_found\`.`,
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  servers: [INGEST_SERVER, RECORDER_SERVER],
  tags: [
    { name: 'ingest', description: 'alert-ingest: Alertmanager webhook receiver and change events.' },
    { name: 'recorder', description: 'The recorder: incidents, timelines, entries, postmortems, reports.' },
  ],
  paths,
  components: {
    securitySchemes: { bearerAuth, basicAuth },
    parameters: recorderParameters,
    headers: errors.headers,
    responses: errors.responses,
    schemas: {
      ...errorSchemas,
      ...errors.schemas,
      ...sharedSchemas,
      ...ingestSchemas,
      ...recorderSchemas,
    },
  },
} as const;
