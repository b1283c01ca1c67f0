import { randomSecret, sha256Hex, timingSafeEqual } from "../../lib/crypto";

/**
 * The secret values of one-time codes and invitations, derived from the row's id under a key of the Worker
 * (HMAC-SHA256, the key itself HKDF-derived from the `SIGNING_KEY_SECRET` secret). Nothing secret is stored: a copy
 * of the database reveals no code (a hash of a six-digit code would be reversed in milliseconds), yet a `GET` can
 * answer the code as WorkOS does, for an application that sends its own emails.
 */
export type SecretsKey = CryptoKey & { readonly __secretsKey: unique symbol };

export type Purpose = "magic_auth" | "email_verification" | "invitation";

const keys = new Map<string, Promise<CryptoKey>>();

/** The derivation key for a Worker secret (cached per isolate). Refuses to work without a secret: fail closed. */
export function secretsKey(secret: string | undefined): Promise<SecretsKey> {
  if (!secret) throw new Error("SIGNING_KEY_SECRET is not set: one-time codes cannot be made or checked.");
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        {
          name: "HKDF",
          hash: "SHA-256",
          salt: new Uint8Array(32),
          info: new TextEncoder().encode("one-time sign-in secrets v1"),
        },
        material,
        { name: "HMAC", hash: "SHA-256", length: 256 },
        false,
        ["sign"],
      );
    })();
    keys.set(secret, key);
  }
  return key as Promise<SecretsKey>;
}

async function mac(key: SecretsKey, purpose: Purpose, id: string) {
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${purpose}:${id}`)));
}

/** The six-digit code of a Magic Auth or email verification row (the 2^32 → 10^6 bias is under 0.03 %). */
export async function codeOf(key: SecretsKey, purpose: "magic_auth" | "email_verification", id: string) {
  const b = await mac(key, purpose, id);
  const n = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  return String(n % 1_000_000).padStart(6, "0");
}

/** Whether `code` is the row's code (compared in constant time). */
export async function isCodeOf(key: SecretsKey, purpose: "magic_auth" | "email_verification", id: string, code: string) {
  return timingSafeEqual(await codeOf(key, purpose, id), code);
}

/** The token of an invitation row: 192 bits, base64url. */
export async function tokenOf(key: SecretsKey, purpose: "invitation", id: string) {
  const b = (await mac(key, purpose, id)).slice(0, 24);
  return btoa(String.fromCharCode(...b))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** A random token (password resets, pending authentications): shown once, stored as its hash. */
export const randomToken = () => randomSecret(32);

/** What is stored of a token, to look it up. */
export const tokenHash = (token: string) => sha256Hex(token);
