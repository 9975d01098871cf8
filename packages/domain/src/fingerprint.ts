import type { Labels } from './labels.js';

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK = 0xffffffffffffffffn;
// Prometheus separates names and values with a byte that cannot occur in valid UTF-8.
const SEPARATOR = 0xff;

/**
 * The label-set fingerprint exactly as Prometheus' `model.LabelSet.Fingerprint()` computes it
 * (FNV-1a 64 over sorted names and values, 16 hex digits). Alertmanager sends it with every alert
 * since 0.19; we compute it only for senders that omit it, so ids agree either way.
 */
export function labelsFingerprint(labels: Labels): string {
  let hash = FNV_OFFSET;
  const encoder = new TextEncoder();
  const feed = (bytes: Uint8Array | readonly number[]): void => {
    for (const byte of bytes) {
      hash ^= BigInt(byte);
      hash = (hash * FNV_PRIME) & MASK;
    }
  };
  const names = Object.keys(labels).sort();
  if (names.length === 0) return FNV_OFFSET.toString(16).padStart(16, '0');
  for (const name of names) {
    feed(encoder.encode(name));
    feed([SEPARATOR]);
    feed(encoder.encode(labels[name] ?? ''));
    feed([SEPARATOR]);
  }
  return hash.toString(16).padStart(16, '0');
}
