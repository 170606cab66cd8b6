/** Waits for `promise`, but no longer than `ms`; resolves `undefined` when the time ran out. Never leaves a timer behind. */
export function waitAtMost<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, ms))),
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
