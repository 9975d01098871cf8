/**
 * A binary min-heap by `due`. The correlator keeps its stale deadlines here with lazy deletion:
 * an entry is checked against the state when it reaches the top, so moving a deadline is a push.
 */
export class MinHeap<T extends { readonly due: number }> {
  private items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const items = this.items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((items[parent] as T).due <= item.due) break;
      items[index] = items[parent] as T;
      index = parent;
    }
    items[index] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && (items[right] as T).due < (items[left] as T).due ? right : left;
      if ((items[child] as T).due >= last.due) break;
      items[index] = items[child] as T;
      index = child;
    }
    items[index] = last;
    return top;
  }

  /** Replaces the contents (after dropping entries that no longer count). */
  reset(items: readonly T[]): void {
    this.items = [];
    for (const item of items) this.push(item);
  }
}
