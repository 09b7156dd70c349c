// What every live check shares: the sandbox's settings from the environment and a tally of calls.

declare const process: { env: Record<string, string | undefined>; argv: string[]; exitCode?: number };

export const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
};

export const argv = (): string[] => process.argv.slice(2);

export const fail = (code: number): void => {
  process.exitCode = code;
};

/** Thrown by `check`: a live answer was not what the spec and the sandbox promise. */
export class CheckFailed extends Error {}

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

/** Checks `actual === expected`, showing both on failure. */
export function same<T>(actual: T, expected: T, what: string): void {
  check(actual === expected, `${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

/** Narrows an optional value, failing with `what` when it is missing. */
export function present<T>(value: T | undefined | null, what: string): T {
  check(value !== undefined && value !== null, `${what} is missing`);
  return value;
}

/** Counts the calls a scenario made and the ones whose answer passed every check. */
export class Tally {
  made = 0;
  passed = 0;
  readonly failures: string[] = [];

  /** Runs one live call (`name`) and its checks; a failure is recorded and the scenario goes on if it can. */
  async call<T>(name: string, body: () => Promise<T>): Promise<T | undefined> {
    this.made += 1;
    try {
      const result = await body();
      this.passed += 1;
      return result;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.failures.push(`${name}: ${message}`);
      return undefined;
    }
  }
}

/** A run-unique suffix, so repeated runs against one sandbox never collide on order keys. */
export const unique = (): string => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
