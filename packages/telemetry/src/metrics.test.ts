import express from 'express';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { httpMetrics } from './http-metrics.js';
import { createMetricsRegistry, metricNameProblems, SERVICE_LABEL } from './metrics.js';

describe('createMetricsRegistry', () => {
  it('labels every series with the Sitrep service as sitrep_service, next to a service label of its own', async () => {
    const registry = createMetricsRegistry({ service: 'recorder', processMetrics: false });
    const opened = new Counter({
      name: 'sitrep_recorder_opened_total',
      help: 'test',
      labelNames: ['service'],
      registers: [registry],
    });
    opened.inc({ service: 'auth' });
    expect(SERVICE_LABEL).toBe('sitrep_service');
    // Under the old default label `service`, the incident's service silently replaced the
    // recorder's name: both must survive.
    expect(await registry.metrics()).toContain(
      'sitrep_recorder_opened_total{service="auth",sitrep_service="recorder"} 1',
    );
  });

  it('collects process metrics under the sitrep_ prefix, with standard names the rule leaves alone', async () => {
    const registry = createMetricsRegistry({ service: 'alert-ingest' });
    const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toContain('sitrep_process_cpu_user_seconds_total');
    expect(names).toContain('sitrep_nodejs_eventloop_lag_seconds');
    expect(metricNameProblems(registry, { subsystems: [] })).toEqual([]);
  });
});

describe('metricNameProblems', () => {
  it('accepts the HTTP metrics of a service', async () => {
    const registry = createMetricsRegistry({ service: 'alert-ingest', processMetrics: false });
    const app = express();
    app.use(httpMetrics(registry, 'ingest'));
    app.get('/ping', (_req, res) => res.send('pong'));
    expect((await request(app).get('/ping')).status).toBe(200);
    expect(registry.getMetricsAsArray().map((metric) => metric.name)).toEqual([
      'sitrep_ingest_http_requests_total',
      'sitrep_ingest_http_request_duration_seconds',
    ]);
    expect(metricNameProblems(registry, { subsystems: ['ingest'] })).toEqual([]);
    expect(await registry.metrics()).toContain(
      'sitrep_ingest_http_requests_total{route="/ping",method="GET",status="200",sitrep_service="alert-ingest"} 1',
    );
  });

  it('names every way a name breaks sitrep_<subsystem>_<name>_<unit>', () => {
    const registry = new Registry();
    const registers = [registry];
    new Counter({ name: 'sitrep_recorder_records_count', help: 'no _total', registers });
    new Counter({ name: 'sitrep_incident_opened_total', help: 'no subsystem', registers });
    new Counter({ name: 'recorder_records_total', help: 'no prefix', registers });
    new Counter({ name: 'sitrep_recorder_total', help: 'no name', registers });
    new Gauge({ name: 'sitrep_recorder_open_total', help: 'a gauge in _total', registers });
    new Histogram({ name: 'sitrep_recorder_batch_duration', help: 'no unit', registers });
    new Gauge({ name: 'sitrep_recorder_open_incidents', help: 'fine', labelNames: ['sitrep_service'], registers });
    new Histogram({ name: 'sitrep_recorder_old_seconds', help: 'exempt', registers });
    new Gauge({ name: 'sitrep_incidents_open', help: 'exempt', registers });
    expect(
      metricNameProblems(registry, {
        subsystems: ['recorder'],
        exempt: ['sitrep_recorder_old_seconds', 'sitrep_incidents_open'],
      }),
    ).toEqual([
      'sitrep_recorder_records_count: a counter ends in _total',
      'sitrep_incident_opened_total: subsystem incident is not one of recorder',
      'recorder_records_total is not sitrep_<subsystem>_<name>_<unit>',
      'sitrep_recorder_total is not sitrep_<subsystem>_<name>_<unit>',
      'sitrep_recorder_open_total: only counters end in _total',
      'sitrep_recorder_batch_duration: a histogram or summary ends in a base unit (seconds, bytes)',
      'sitrep_recorder_open_incidents: label sitrep_service is in the sitrep_ namespace of the default label',
    ]);
  });
});
