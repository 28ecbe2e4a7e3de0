/** The streams a CLI command writes to; tests pass buffers. */
export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/** A mistake in how the command was called: printed with usage, exit 2. */
export class UsageError extends Error {
  readonly reason = 'usage';
}
