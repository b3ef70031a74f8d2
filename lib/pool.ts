// A fixed number of workers over a list: keeps at most `width` tasks (and their promises) alive, so
// 10,000 projects do not become 60,000 pending promises. The client's limiter still decides the HTTP rate.
export async function forEachPooled<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, items.length)) }, worker));
}
