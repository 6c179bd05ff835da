/** A fixed-concurrency pool, like the engine's `--parallel`: at most `concurrency` tasks run at once. */

/**
 * Runs `task(i)` for i = 0 … count−1 with at most `concurrency` in flight. Resolves with the
 * errors of failed tasks (by index); never rejects, so that one failure does not hide the others.
 */
export async function runPool(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<void>,
): Promise<{ index: number; error: unknown }[]> {
  const failures: { index: number; error: unknown }[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= count) return;
      try {
        await task(index);
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return failures;
}
