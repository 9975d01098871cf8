export interface ConfigIssue {
  /** The environment variable at fault, e.g. `SITREP_INGEST_PORT`. */
  readonly variable: string;
  readonly message: string;
}

/** Start-up must stop on bad configuration; this error names every variable at fault at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(`invalid configuration:\n${issues.map((issue) => `  ${issue.variable}: ${issue.message}`).join('\n')}`);
    this.issues = issues;
  }
}
