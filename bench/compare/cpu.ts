// CPU time of a process from /proc/<pid>/stat (Linux), for CPU-seconds per 1,000 alerts.
import { readFileSync } from 'node:fs';

/** USER_HZ: what /proc counts CPU time in; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

interface StatFields {
  readonly own: number;
  readonly waitedChildren: number;
}

function statFields(pid: number): StatFields {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // Fields 14-17 of proc(5): utime, stime, cutime, cstime; fields[0] here is field 3.
  const at = (field: number): number => Number(fields[field - 3]);
  return { own: at(14) + at(15), waitedChildren: at(16) + at(17) };
}

/** CPU-seconds the process (all its threads) has used so far. */
export function cpuSeconds(pid: number): number {
  return statFields(pid).own / TICKS_PER_SECOND;
}

/** CPU-seconds of a process's children it has waited for (a shell after its command ended). */
export function parseWaitedChildrenSeconds(statText: string): number {
  const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

/** Measures several processes over a window: call once at its start and once at its end. */
export function cpuWindow(pids: readonly number[]): () => number[] {
  const before = pids.map(cpuSeconds);
  return () => pids.map((pid, index) => cpuSeconds(pid) - (before[index] ?? 0));
}
