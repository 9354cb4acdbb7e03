// A bounded map whose entries expire: least recently used entries go first
// when it is full. A Map iterates in insertion order, so re-inserting on every
// hit keeps the least recently used key at the front.

export class SessionCache<V> {
  private readonly entries = new Map<string, { readonly value: V; readonly until: number }>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value if it is still fresh at `nowMs`; an expired entry is dropped. */
  get(key: string, nowMs: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.until <= nowMs) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` until `untilMs` (epoch ms), evicting the least recently used entry if full. */
  set(key: string, value: V, untilMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until: untilMs });
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }
}
