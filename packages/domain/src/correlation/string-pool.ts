import type { Labels } from '../labels.js';

/**
 * Shares equal strings among the alerts a correlator holds. Every record is parsed on its own, so
 * each open alert would otherwise carry its own copy of `HighErrorRate`, `critical`, its service
 * and its summary: about 150 bytes of repeats an alert, a seventh of what one costs. Bounded: a
 * full pool starts again empty (the unique values, instances and pods, would otherwise pile up),
 * and the common values are back in it within a few alerts.
 */
export class StringPool {
  private readonly strings = new Map<string, string>();

  constructor(private readonly capacity = 4096) {}

  intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    if (this.strings.size >= this.capacity) this.strings.clear();
    this.strings.set(text, text);
    return text;
  }

  /** The same labels, their values shared (names, parsed as property keys, are already). */
  labels(labels: Labels): Labels {
    const out: Record<string, string> = {};
    for (const name of Object.keys(labels)) out[name] = this.intern(labels[name] as string);
    return out;
  }
}
