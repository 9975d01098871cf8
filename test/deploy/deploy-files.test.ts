import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The deploy files users copy are checked by the tools that will read them.
const deploy = (path: string) => fileURLToPath(new URL(`../../deploy/${path}`, import.meta.url));

function run(command: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`${command} could not run: ${result.error.message} (npm test installs it)`);
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('deploy files', () => {
  it('Prometheus alerting rules are valid and their unit tests pass (promtool)', () => {
    const check = run('promtool', ['check', 'rules', deploy('prometheus/rules.yml')]);
    expect(check.output).toContain('SUCCESS');
    expect(check.status).toBe(0);
    const test = run('promtool', ['test', 'rules', deploy('prometheus/rules.test.yml')]);
    expect(test.output).toContain('SUCCESS');
    expect(test.status).toBe(0);
  });

  it('the example Alertmanager configuration is valid (amtool)', () => {
    const check = run('amtool', ['check-config', deploy('alertmanager/alertmanager.yml')]);
    expect(check.output).toContain('SUCCESS');
    expect(check.status).toBe(0);
  });
});
