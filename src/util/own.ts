/**
 * `table[key]` among the table's own entries only. Lookup tables are plain objects, so a key taken
 * from a request (`constructor`, `toString`, `__proto__`) would otherwise find Object.prototype's
 * members and be mistaken for a known entry.
 */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
