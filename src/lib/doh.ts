/**
 * DNS-over-HTTPS lookups, JSON API (`GET {resolver}?name=…&type=CNAME`, `Accept: application/dns-json`),
 * as Cloudflare's and Google's resolvers answer it. The resolver URL is configuration (DOH_RESOLVER_URL),
 * so tests point it at a resolver they control.
 */
export const DEFAULT_DOH_RESOLVER = "https://cloudflare-dns.com/dns-query";

export class DnsLookupError extends Error {}

/** The CNAME targets of `name` (lower-cased, without the trailing dot); [] when there is none. */
export async function lookupCname(resolver: string, name: string): Promise<string[]> {
  const url = new URL(resolver);
  url.searchParams.set("name", name);
  url.searchParams.set("type", "CNAME");
  let res: Response;
  try {
    res = await fetch(url, { headers: { Accept: "application/dns-json" }, signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new DnsLookupError(`The DNS resolver could not be reached: ${String(err)}`);
  }
  if (!res.ok) throw new DnsLookupError(`The DNS resolver answered ${res.status}.`);
  const body = (await res.json().catch(() => null)) as { Status?: number; Answer?: { type: number; data: string }[] } | null;
  if (!body || typeof body.Status !== "number") throw new DnsLookupError("The DNS resolver's answer is not DNS JSON.");
  // Status 3 (NXDOMAIN) is an answer: no such record.
  return (body.Answer ?? []).filter((a) => a.type === 5).map((a) => a.data.toLowerCase().replace(/\.$/, ""));
}
