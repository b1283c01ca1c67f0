import { timingSafeEqual, toHex } from "../../lib/crypto";
import { PBKDF2_ITERATIONS } from "../people/passwords";
import { bcryptMatches } from "./bcrypt";

/**
 * Users' passwords. Ours are PBKDF2-SHA256 at the Workers maximum (100,000 iterations: production refuses
 * more, local workerd does not, so nothing here may ask for more), stored versioned as
 * `pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`. Hashes imported from other systems are stored as
 * `<password_hash_type>$<hash>`; PBKDF2, SSHA and bcrypt (up to cost 12) are verified and upgraded to ours on the
 * next successful sign-in (services/sign-in/password-sign-in.ts). scrypt, firebase-scrypt and argon2 cannot be
 * checked (WebCrypto lacks them, and Workers cannot compile WebAssembly at run time): such a user signs in after a
 * password reset.
 */
export const USER_PBKDF2_ITERATIONS = PBKDF2_ITERATIONS;
const NATIVE = "pbkdf2_sha256";

const encoder = new TextEncoder();

async function pbkdf2(password: string, salt: Uint8Array, iterations: number, hash: string, bits: number) {
  if (iterations > USER_PBKDF2_ITERATIONS || iterations < 1)
    throw new RangeError(`PBKDF2 iterations out of range: ${iterations}`);
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash, salt, iterations }, key, bits));
}

const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
/** Standard, URL-safe or passlib's "ab64" (`.` for `+`) base64, padded or not. */
const fromBase64 = (s: string) => {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/").replace(/\./g, "+");
  return Uint8Array.from(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
};
const bytesEqual = (a: Uint8Array, b: Uint8Array) => a.length === b.length && timingSafeEqual(toHex(a), toHex(b));

/** Our stored form of a new password. */
export async function hashUserPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(password, salt, USER_PBKDF2_ITERATIONS, "SHA-256", 256);
  return `${NATIVE}$${USER_PBKDF2_ITERATIONS}$${toHex(salt)}$${toHex(hash)}`;
}

export interface PasswordCheck {
  ok: boolean;
  /** The stored hash is not our current format: rehash the (correct) password now. */
  upgrade: boolean;
}

/** Checks a password against a stored hash (ours or an importable one). Unknown or unverifiable formats never match. */
export async function verifyUserPassword(password: string, stored: string): Promise<PasswordCheck> {
  const at = stored.indexOf("$");
  const type = at > 0 ? stored.slice(0, at) : "";
  const rest = stored.slice(at + 1);
  try {
    if (type === NATIVE) {
      const [iterations, salt, hash] = rest.split("$");
      const n = Number(iterations);
      const derived = await pbkdf2(password, fromHex(salt), n, "SHA-256", hash.length * 4);
      const ok = timingSafeEqual(toHex(derived), hash);
      return { ok, upgrade: ok && n !== USER_PBKDF2_ITERATIONS };
    }
    if (type === "pbkdf2") return { ok: await verifyImportedPbkdf2(password, rest), upgrade: true };
    if (type === "ssha") return { ok: await verifySsha(password, rest), upgrade: true };
    if (type === "bcrypt") return { ok: bcryptMatches(password, rest, BCRYPT_MAX_COST), upgrade: true };
  } catch {
    // A malformed or out-of-range stored hash: no match.
  }
  await burnUserPasswordCheck(password);
  return { ok: false, upgrade: false };
}

/** Spends the work of a real check (an unknown email must not answer faster than a wrong password). */
export async function burnUserPasswordCheck(password: string) {
  await pbkdf2(password, new Uint8Array(16), USER_PBKDF2_ITERATIONS, "SHA-256", 256);
}

const PBKDF2_HASHES: Record<string, string> = { sha1: "SHA-1", sha256: "SHA-256", sha512: "SHA-512" };

/**
 * PHC-style PBKDF2 (`$pbkdf2-sha256$i=N$salt$hash`, or passlib's `$pbkdf2-sha256$N$salt$hash`; salt and hash base64)
 * and Django's `pbkdf2_sha256$N$salt$hash` (salt as text, hash base64). At most 100,000 iterations (the runtime's cap).
 */
async function verifyImportedPbkdf2(password: string, value: string) {
  const parts = value.replace(/^\$/, "").split("$");
  const [scheme, params, salt, hash] = parts;
  const digest = scheme.match(/^pbkdf2[-_](sha1|sha256|sha512)$/)?.[1] ?? (scheme === "pbkdf2" ? "sha1" : undefined);
  if (!digest || parts.length !== 4) return false;
  const iterations = Number(params.match(/(?:^|,)i=(\d+)/)?.[1] ?? params);
  const expected = fromBase64(hash);
  const django = scheme.includes("_");
  const saltBytes = django ? encoder.encode(salt) : fromBase64(salt);
  const derived = await pbkdf2(password, saltBytes, iterations, PBKDF2_HASHES[digest], expected.length * 8);
  return bytesEqual(derived, expected);
}

/** LDAP's salted SHA-1: `{SSHA}base64(sha1(password + salt) + salt)`. */
async function verifySsha(password: string, value: string) {
  const bytes = fromBase64(value.replace(/^\{SSHA\}/i, ""));
  if (bytes.length <= 20) return false;
  const digest = bytes.slice(0, 20);
  const salt = bytes.slice(20);
  const input = new Uint8Array([...encoder.encode(password), ...salt]);
  return bytesEqual(new Uint8Array(await crypto.subtle.digest("SHA-1", input)), digest);
}

/**
 * The highest bcrypt cost verified. Each step doubles the work: cost 12 is under a second of CPU in plain JavaScript
 * (0.7 s measured on a busy 2-core machine), cost 14 would be seconds per attempt — a cheap denial of service. A bcrypt hash above it is
 * never checked (the attempt costs a wrong password's work) and its user signs in after a password reset.
 */
export const BCRYPT_MAX_COST = 12;
