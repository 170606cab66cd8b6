/** Waits for a state operation, reporting its failure instead of throwing it. */
export async function settle(
  operation: Promise<void>,
  report: (error: unknown) => void,
): Promise<void> {
  try {
    await operation;
  } catch (error) {
    report(error);
  }
}
