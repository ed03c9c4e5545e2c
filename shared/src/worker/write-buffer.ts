/**
 * One batch group's record writes held in memory (the worker kit's one decision and one write per object): the first
 * read of a record goes through and is remembered; later reads answer the latest held record; a save is checked
 * against the held record's version and kept; `flush` writes each changed record once, conditional on what was first
 * read, so a write that another writer beat fails its condition and the group is re-run on fresh data.
 */
export interface WriteBuffer<R extends { version: number }> {
  /** The held record for `key`, read through `load` the first time (undefined: none stored). */
  read(key: string, load: () => Promise<R | undefined>): Promise<R | undefined>;
  /**
   * Holds `record` as the latest for `key`. False, holding nothing, when `expectedVersion` is not the held record's
   * version or nothing was read for `key`: every decision reads before it writes, so such a save would lose a change.
   */
  hold(key: string, record: R, expectedVersion: number | undefined): boolean;
  /** Writes each changed record once: `write(latest, first)`, `first` being the record first read (or undefined). */
  flush(write: (latest: R, first: R | undefined) => Promise<void>): Promise<void>;
}

export function writeBuffer<R extends { version: number }>(): WriteBuffer<R> {
  const held = new Map<string, { first: R | undefined; latest: R | undefined; changed: boolean }>();
  return {
    async read(key, load) {
      const entry = held.get(key);
      if (entry) return entry.latest;
      const first = await load();
      held.set(key, { first, latest: first, changed: false });
      return first;
    },
    hold(key, record, expectedVersion) {
      const entry = held.get(key);
      if (!entry || entry.latest?.version !== expectedVersion) return false;
      entry.latest = record;
      entry.changed = true;
      return true;
    },
    async flush(write) {
      for (const entry of held.values()) {
        if (entry.changed && entry.latest) await write(entry.latest, entry.first);
      }
    },
  };
}
