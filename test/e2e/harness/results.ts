/** One test's outcome, as both suites report it; the extension host writes these as JSON lines. */
export interface TestResult {
  readonly suite: 'extension-host' | 'ui';
  readonly name: string;
  readonly ok: boolean;
  readonly message?: string;
  readonly durationMs: number;
}

export function formatResult(result: TestResult): string {
  const head = `${result.ok ? 'ok  ' : 'FAIL'} [${result.suite}] ${result.name} (${result.durationMs} ms)`;
  return result.ok || !result.message ? head : `${head}\n${result.message.replace(/^/gm, '       ')}`;
}

/** Rejects with a message naming `what` if `promise` has not settled within `ms`. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
