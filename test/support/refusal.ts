/** What a rule threw: its message and GraphQL extensions flattened (fails when nothing was thrown). */
export function refusal(run: () => unknown): Record<string, unknown> {
  try {
    run();
  } catch (error) {
    return { message: (error as Error).message, ...(error as { extensions?: Record<string, unknown> }).extensions };
  }
  throw new Error('Expected a refusal.');
}
