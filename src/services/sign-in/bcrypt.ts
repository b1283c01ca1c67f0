import { timingSafeEqual } from "../../lib/crypto";

/**
 * bcrypt verification, written here rather than taken from a package: bcryptjs added 9 KiB gzip to the Worker (its
 * Blowfish tables are 4 KiB of digits of π), past the bundle budget. The tables are computed instead, once per isolate.
 * The tests check this against bcryptjs's hashes.
 */

const WORDS = 18 + 4 * 256;
let initial: Int32Array | undefined;

/** Blowfish's initial P-array and S-boxes: the hexadecimal digits of π after the point, 1,042 words (Machin's formula, fixed point). */
function piWords(): Int32Array {
  if (initial) return initial;
  const guard = 64n;
  const one = 1n << (BigInt(WORDS * 32) + guard);
  const atanInverse = (x: bigint) => {
    let sum = 0n;
    let term = one / x;
    const x2 = x * x;
    for (let n = 1n, sign = 1n; term !== 0n; n += 2n, sign = -sign, term /= x2) sum += (sign * term) / n;
    return sum;
  };
  let digits = (16n * atanInverse(5n) - 4n * atanInverse(239n) - 3n * one) >> guard;
  const words = new Int32Array(WORDS);
  for (let i = WORDS - 1; i >= 0; i--, digits >>= 32n) words[i] = Number(BigInt.asIntN(32, digits));
  initial = words;
  return words;
}

function encipher(P: Int32Array, S: Int32Array, lr: Int32Array, at: number) {
  const f = (x: number) => (((S[x >>> 24] + S[256 | ((x >>> 16) & 255)]) ^ S[512 | ((x >>> 8) & 255)]) + S[768 | (x & 255)]) | 0;
  let l = lr[at] ^ P[0];
  let r = lr[at + 1];
  for (let i = 1; i < 17; i += 2) {
    r ^= f(l) ^ P[i];
    l ^= f(r) ^ P[i + 1];
  }
  lr[at] = r ^ P[17];
  lr[at + 1] = l;
}

/** Blowfish's key schedule, with bcrypt's salt mixed in when given. */
function expand(P: Int32Array, S: Int32Array, key: Uint8Array, salt?: Uint8Array) {
  let k = 0;
  let s = 0;
  const word = (data: Uint8Array, at: number) => {
    let w = 0;
    for (let i = 0; i < 4; i++) w = (w << 8) | data[(at + i) % data.length];
    return w;
  };
  for (let i = 0; i < 18; i++, k += 4) P[i] ^= word(key, k);
  const lr = new Int32Array(2);
  for (let i = 0; i < WORDS; i += 2) {
    if (salt) {
      lr[0] ^= word(salt, s);
      lr[1] ^= word(salt, s + 4);
      s += 8;
    }
    encipher(P, S, lr, 0);
    const table = i < 18 ? P : S;
    const j = i < 18 ? i : i - 18;
    table[j] = lr[0];
    table[j + 1] = lr[1];
  }
}

const STANDARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const translate = (s: string, from: string, to: string) => s.replace(/[^=]/g, (c) => to[from.indexOf(c)]);

/** bcrypt's base64: the standard bit layout, another alphabet, no padding. */
const decode = (s: string) => Uint8Array.from(atob(`${translate(s, BCRYPT64, STANDARD)}==`), (c) => c.charCodeAt(0));
const encode = (bytes: Uint8Array) => translate(btoa(String.fromCharCode(...bytes)).replace(/=+$/, ""), STANDARD, BCRYPT64);

const HASH = /^(\$2[aby]\$(\d\d)\$)([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;

/**
 * Checks a password against `$2a$`/`$2b$`/`$2y$<cost>$<22-char salt><31-char hash>`. The work doubles with each step
 * of cost, so a hash above `maxCost` throws unchecked (a RangeError), as does a malformed one.
 */
export function bcryptMatches(password: string, hash: string, maxCost: number): boolean {
  const [, prefix, costText, saltText, expected] = hash.match(HASH) ?? [];
  const cost = Number(costText);
  if (!prefix || cost < 4 || cost > maxCost) throw new RangeError(`bcrypt hash malformed or above cost ${maxCost}`);
  const salt = decode(saltText);
  // The password's UTF-8 and a NUL; the key schedule reads its first 72 bytes, cycling shorter keys.
  const key = new Uint8Array([...new TextEncoder().encode(password), 0]);
  const P = piWords().slice(0, 18);
  const S = piWords().slice(18);
  expand(P, S, key, salt);
  for (let i = 2 ** cost; i > 0; i--) {
    expand(P, S, key);
    expand(P, S, salt);
  }
  // "OrpheanBeholderScryDoubt", enciphered 64 times.
  const text = new Int32Array([0x4f727068, 0x65616e42, 0x65686f6c, 0x64657253, 0x63727944, 0x6f756274]);
  for (let i = 0; i < 64; i++) for (let j = 0; j < 6; j += 2) encipher(P, S, text, j);
  const out = new Uint8Array(24);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 6; i++) view.setInt32(i * 4, text[i]);
  return timingSafeEqual(encode(out.subarray(0, 23)), expected);
}
