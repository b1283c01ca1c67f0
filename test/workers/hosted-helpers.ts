import { expect } from "vitest";
import { envApi, mintKey, newTeam, type Session, session, worker } from "./helpers";

/** The Worker's origin in these tests. */
export const ORIGIN = "http://control-plane.test";

export const WEB_CALLBACK = "https://app.acme.test/callback";
export const WEB_OTHER = "https://app.acme.test/other";
export const ONE_CALLBACK = "https://one.acme.test/cb";
export const MOBILE_CALLBACK = "http://127.0.0.1:8123/callback";
/** A verifier and its S256 challenge (BASE64URL(SHA-256(verifier))). */
export const CHALLENGE = "XK7ticZ89AA6q9yhmqwI8nonzs2Ftk-Lq05lGM3W4rA";
// Its verifier: dBjftJeZ4CVP-mJ92K9yqdnRnMX4Y9dTRFcFtU5Vvvk

export interface Page {
  status: number;
  headers: Headers;
  text: string;
  /** The Location header, parsed (null when there is none). */
  location: URL | null;
}

/**
 * A browser's request to the hosted pages: never recorded for the OpenAPI check (these are pages for people,
 * outside the API document), redirects not followed.
 */
export async function browse(
  method: "GET" | "POST",
  path: string,
  opts: { form?: Record<string, string>; cookie?: string; origin?: string | null; headers?: Record<string, string> } = {},
): Promise<Page> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.cookie) headers.Cookie = opts.cookie;
  let body: string | undefined;
  if (opts.form) {
    body = new URLSearchParams(opts.form).toString();
    headers["Content-Type"] = "application/x-www-form-urlencoded";
  }
  if (method === "POST" && opts.origin !== null) headers.Origin = opts.origin ?? ORIGIN;
  const res = await worker(new Request(`${ORIGIN}${path}`, { method, headers, body, redirect: "manual" }));
  const location = res.headers.get("Location");
  return { status: res.status, headers: res.headers, text: await res.text(), location: location ? new URL(location) : null };
}

/** `/user_management/authorize?…` */
export const authorizePath = (params: Record<string, string | undefined>) =>
  `/user_management/authorize?${new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined))}`;

export const issuerOf = (clientId: string) => `${ORIGIN}/user_management/${clientId}`;

/** The cookie a sign-in set, as `name=value` for the next request. */
export function cookieOf(page: Page): string {
  const set = page.headers.get("Set-Cookie");
  expect(set).toBeTruthy();
  return (set as string).split(";")[0];
}

/** How many elements match, in a page's HTML (a small check, not a parser). */
export const count = (html: string, pattern: RegExp) => [...html.matchAll(new RegExp(pattern, "g"))].length;

/** A team with a staging environment holding three applications (web with two URIs, web with one, mobile) and a key. */
export async function signInSetup(s?: Session) {
  s ??= await session();
  const { team, environments } = await newTeam(s);
  const [staging, production] = environments;
  const apps = `/teams/${team.id}/environments/${staging.id}/applications`;
  const create = async (body: Record<string, unknown>) => {
    const r = await s.post(apps, body);
    expect(r.status).toBe(201);
    return r.body as { id: string; client_id: string; redirect_uris: string[] };
  };
  const web = await create({ name: "Web", type: "web", redirect_uris: [WEB_CALLBACK, WEB_OTHER] });
  const one = await create({ name: "One", type: "web", redirect_uris: [ONE_CALLBACK] });
  const mobile = await create({ name: "Mobile", type: "mobile", redirect_uris: [MOBILE_CALLBACK] });
  const api = envApi(await mintKey(s, team.id, staging.id));
  return { s, team, staging, production, web, one, mobile, api, apps };
}
