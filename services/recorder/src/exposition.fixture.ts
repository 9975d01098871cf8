/**
 * The value of the sample `name` with exactly `labels` in a metrics exposition, else undefined.
 * Label order is not compared: prom-client puts the default label first on histograms, last on
 * counters and gauges. (Test output only: label values must not contain commas.)
 */
export function sampleValue(
  exposition: string,
  name: string,
  labels: Readonly<Record<string, string>>,
): number | undefined {
  const wanted = Object.entries(labels)
    .map(([label, value]) => `${label}="${value}"`)
    .sort()
    .join(',');
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] === name && (match[2] ?? '').split(',').sort().join(',') === wanted) return Number(match[3]);
  }
  return undefined;
}
