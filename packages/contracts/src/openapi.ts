/** OpenAPI 3.1 description of Sitrep's HTTP APIs (alert-ingest and recorder), served at /openapi.json. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Sitrep', version: '1' },
  paths: {},
} as const;
