/** Prometheus labels: name to value. Always normalised (see normaliseLabels). */
export type Labels = Readonly<Record<string, string>>;

/**
 * Sorted by name, with empty values dropped: Prometheus treats an empty label value as the label
 * being absent, so `{team=""}` and `{}` are the same label set and must compare equal.
 */
export function normaliseLabels(input: Readonly<Record<string, string>>): Labels {
  const out: Record<string, string> = {};
  for (const name of Object.keys(input).sort()) {
    const value = input[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return Object.freeze(out);
}
