import { sha256Hex, timingSafeEqual, toHex } from "../../lib/crypto";

/**
 * Passwords: PBKDF2-SHA256 with a 16-byte salt per person at 100,000 iterations, the most the Workers
 * runtime allows (it refuses more). The iteration count is stored with the hash so it can be raised later.
 */
export const PBKDF2_ITERATIONS = 100_000;
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 200;

const encoder = new TextEncoder();

async function derive(password: string, saltHex: string, iterations: number) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const salt = Uint8Array.from(saltHex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return toHex(new Uint8Array(bits));
}

export async function hashPassword(password: string) {
  const salt = toHex(crypto.getRandomValues(new Uint8Array(16)));
  return {
    passwordHash: await derive(password, salt, PBKDF2_ITERATIONS),
    passwordSalt: salt,
    passwordIterations: PBKDF2_ITERATIONS,
  };
}

export async function verifyPassword(
  password: string,
  stored: { passwordHash: string; passwordSalt: string; passwordIterations: number },
) {
  return timingSafeEqual(await derive(password, stored.passwordSalt, stored.passwordIterations), stored.passwordHash);
}

/** Spends the same work as a real check when the email is unknown, so timing does not reveal accounts. */
export async function burnPasswordCheck(password: string) {
  await derive(password, "00000000000000000000000000000000", PBKDF2_ITERATIONS);
}

/** A password policy a person can meet: 10 to 200 characters. Returns the problem, or undefined. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `The password must be at most ${MAX_PASSWORD_LENGTH} characters.`;
  return undefined;
}

/** Single-use tokens (invitations, resets, sessions) are stored as their SHA-256 only. */
export const hashToken = (token: string) => sha256Hex(token);
