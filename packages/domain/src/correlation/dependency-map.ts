/**
 * Which services send traffic to which: `auth-lb -> auth` means auth-lb forwards requests to
 * auth, so auth's health depends on auth-lb (uneven weights on the balancer overload auth's
 * backends), and `auth -> users-db` means auth calls users-db. Alerts on services connected
 * through this map may belong to one incident; "upstream" means closer to the caller.
 */
export class DependencyMap {
  private readonly calls = new Map<string, Set<string>>();
  private readonly calledBy = new Map<string, Set<string>>();
  private readonly componentOf = new Map<string, string>();

  constructor(edges: readonly (readonly [from: string, to: string])[] = []) {
    for (const [from, to] of edges) {
      this.link(this.calls, from, to);
      this.link(this.calledBy, to, from);
    }
    this.computeComponents();
  }

  private link(map: Map<string, Set<string>>, from: string, to: string): void {
    let set = map.get(from);
    if (!set) {
      set = new Set();
      map.set(from, set);
    }
    set.add(to);
  }

  /** Connected components (ignoring direction), each named by its alphabetically first service. */
  private computeComponents(): void {
    const services = [...new Set([...this.calls.keys(), ...this.calledBy.keys()])].sort();
    for (const start of services) {
      if (this.componentOf.has(start)) continue;
      const members: string[] = [];
      const queue = [start];
      const seen = new Set([start]);
      while (queue.length > 0) {
        const current = queue.shift() as string;
        members.push(current);
        for (const next of [...(this.calls.get(current) ?? []), ...(this.calledBy.get(current) ?? [])]) {
          if (!seen.has(next)) {
            seen.add(next);
            queue.push(next);
          }
        }
      }
      const name = members.sort()[0] ?? start;
      for (const member of members) this.componentOf.set(member, name);
    }
  }

  /**
   * The name shared by every service connected to `service` (itself when unmapped). Alert records
   * are partitioned by it, so every alert that may join one incident reaches one correlator.
   */
  component(service: string): string {
    return this.componentOf.get(service) ?? service;
  }

  /**
   * The grouping of services into components, in a stable order: what keying alerts depends on
   * (two maps with the same grouping put every alert on the same key).
   */
  components(): [service: string, component: string][] {
    return [...this.componentOf]
      .filter(([service, component]) => service !== component)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  related(a: string, b: string): boolean {
    return a === b || this.component(a) === this.component(b);
  }

  /** True when `upstream` reaches `downstream` by following call edges. */
  isUpstreamOf(upstream: string, downstream: string): boolean {
    if (upstream === downstream) return false;
    const queue = [upstream];
    const seen = new Set(queue);
    while (queue.length > 0) {
      const current = queue.shift() as string;
      for (const next of this.calls.get(current) ?? []) {
        if (next === downstream) return true;
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return false;
  }

  /** Number of services above this one on the longest call path into it (0 = an entry point). */
  depth(service: string): number {
    const memo = new Map<string, number>();
    const visit = (current: string, path: Set<string>): number => {
      const known = memo.get(current);
      if (known !== undefined) return known;
      let deepest = 0;
      for (const caller of this.calledBy.get(current) ?? []) {
        if (path.has(caller)) continue; // a cycle in the map: stop rather than loop
        deepest = Math.max(deepest, 1 + visit(caller, new Set([...path, caller])));
      }
      memo.set(current, deepest);
      return deepest;
    };
    return visit(service, new Set([service]));
  }
}
