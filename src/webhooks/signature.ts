import { toHex } from "../lib/crypto";

const encoder = new TextEncoder();

/**
 * The `WorkOS-Signature` header of a delivery: `t=<unix ms>, v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed by the
 * endpoint's secret, exactly what the SDK's `webhooks.constructEvent` / `verifyHeader` recompute.
 */
export async function signatureHeader(secret: string, body: string, timestampMs = Date.now()): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestampMs}.${body}`));
  return `t=${timestampMs}, v1=${toHex(new Uint8Array(mac))}`;
}
