import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const RULES = fileURLToPath(new URL('../../../deploy/prometheus/rules.yml', import.meta.url));

/**
 * The shipped alerting rules with time compressed for a run of minutes: `for:` and the rate
 * windows shortened, everything else (expressions, thresholds, labels) exactly as users deploy it.
 */
export function compressedRules(forSeconds: number, rateWindowSeconds: number): string {
  return readFileSync(RULES, 'utf8')
    .replace(/for: \d+[smh]/g, `for: ${forSeconds}s`)
    .replace(/\[1m\]/g, `[${rateWindowSeconds}s]`);
}

export function prometheusConfig(options: { scrapeSeconds: number; simulator: string; alertmanager: string }): string {
  const host = (url: string) => new URL(url).host;
  return `global:
  scrape_interval: ${options.scrapeSeconds}s
  evaluation_interval: ${options.scrapeSeconds}s
rule_files:
  - rules.yml
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['${host(options.alertmanager)}']
scrape_configs:
  - job_name: auth
    static_configs:
      - targets: ['${host(options.simulator)}']
`;
}

/** Alertmanager as deploy/alertmanager/alertmanager.yml sets it up, with short grouping waits. */
export function alertmanagerConfig(options: { ingestUrl: string; token: string }): string {
  return `route:
  receiver: sitrep
  group_by: ['alertname', 'service']
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 1h
receivers:
  - name: sitrep
    webhook_configs:
      - url: ${options.ingestUrl}/api/v1/alertmanager
        send_resolved: true
        max_alerts: 0
        http_config:
          authorization:
            type: Bearer
            credentials: ${options.token}
`;
}

/** The outage's correlation file: the balancer in front of auth. */
export const CORRELATION_CONFIG = `dependencies:
  - auth-lb -> auth
windows:
  quiet_period: 5s
`;
