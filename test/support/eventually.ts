/**
 * Re-reads until `accept` holds or the deadline passes, then returns the last value for the test to
 * assert on. For changes that cross processes: Redis delivery is near-instant, the database feed is
 * polled every 500 ms, so 2 s is ample and still far below any cache TTL.
 */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 2_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    value = await read();
  }
  return value;
}
