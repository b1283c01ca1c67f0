const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * Waits before each retry of a failed delivery: the first within seconds (a receiver that blipped recovers fast),
 * then growing, 8 attempts in all over about 3 days (71 h). After the last one the delivery is `failed`.
 */
export const RETRY_DELAYS_MS = [5 * SECOND, MINUTE, 10 * MINUTE, HOUR, 6 * HOUR, 24 * HOUR, 40 * HOUR];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** When to try again after `attempts` failed attempts (1-based), or null when there are no more. */
export function nextAttemptAt(attempts: number, now: number): number | null {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? null : now + delay;
}

/** Each attempt waits this long for the receiver's answer. */
export const ATTEMPT_TIMEOUT_MS = 10 * SECOND;
