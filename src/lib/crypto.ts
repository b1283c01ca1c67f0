/** Small WebCrypto helpers (no library needed: the runtime has SHA-256, HMAC and a CSPRNG). */

const encoder = new TextEncoder();

export async function sha256Hex(input: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(input));
  return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A random secret of `bytes` bytes, base62-free hex would be long: use base64url without padding. */
export function randomSecret(bytes = 24): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...buf))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Constant-time string comparison (lengths may leak; values do not). */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  if (x.length !== y.length) return false;
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

/**
 * A stable JSON form (sorted keys) so equal bodies hash equally whatever their key order.
 * Iterative (an explicit stack of what is left to write): a client's deeply nested body must not overflow
 * the call stack (a 4,000-level body would answer 500 through the idempotency middleware).
 */
export function canonicalJson(value: unknown): string {
  let out = "";
  // What is left to write, last first: a value, or a piece of punctuation already decided.
  const todo: ({ value: unknown } | string)[] = [{ value }];
  while (todo.length > 0) {
    const item = todo.pop() as { value: unknown } | string;
    if (typeof item === "string") {
      out += item;
      continue;
    }
    const v = item.value;
    if (Array.isArray(v)) {
      todo.push("]");
      for (let i = v.length - 1; i >= 0; i--) todo.push({ value: v[i] }, ...(i > 0 ? [","] : []));
      todo.push("[");
    } else if (v && typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      todo.push("}");
      for (let i = entries.length - 1; i >= 0; i--) {
        todo.push({ value: entries[i][1] }, `${JSON.stringify(entries[i][0])}:`, ...(i > 0 ? [","] : []));
      }
      todo.push("{");
    } else out += JSON.stringify(v) ?? "null";
  }
  return out;
}
