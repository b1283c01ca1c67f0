// HTTP calls to the three surfaces, each with its own credentials, reading what D1 billed the request
// from the X-D1-* headers that DB_METRICS=1 adds (and what an environment's object read and wrote, X-Store-*).
import { randomUUID } from "node:crypto";

/** One request; returns its status, latency, body and its D1 and object metrics. */
export async function call(base, path, { method = "GET", headers = {}, body } = {}) {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, { method, headers, body, redirect: "manual" });
  const text = await res.text();
  const metric = (name) => (res.headers.has(name) ? Number(res.headers.get(name)) : null);
  return {
    status: res.status,
    ms: performance.now() - started,
    text,
    headers: res.headers,
    json: () => JSON.parse(text),
    rowsRead: metric("X-D1-Rows-Read"),
    rowsWritten: metric("X-D1-Rows-Written"),
    queries: metric("X-D1-Queries"),
    storeRowsRead: metric("X-Store-Rows-Read"),
    storeRowsWritten: metric("X-Store-Rows-Written"),
    storeCalls: metric("X-Store-Calls"),
  };
}

/** A caller of one surface: `get(path)`, and `post(path, body)` with a fresh Idempotency-Key. */
function surface(base, authHeaders) {
  return {
    headers: authHeaders,
    get: (path) => call(base, path, { headers: authHeaders }),
    post: (path, body) =>
      call(base, path, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { ...authHeaders, "Content-Type": "application/json", "Idempotency-Key": randomUUID() },
      }),
  };
}

/** The Platform API, with a token from the client-credentials grant. */
export async function platformApi(base, clientId, secret) {
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: secret });
  const res = await call(base, "/oauth2/token", {
    method: "POST",
    body: form,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
  });
  if (res.status !== 200) throw new Error(`POST /oauth2/token answered ${res.status}: ${res.text}`);
  return surface(base, { Authorization: `Bearer ${res.json().access_token}` });
}

/** The environment API of one environment, by its secret key. */
export const environmentApi = (base, key) => surface(base, { Authorization: `Bearer ${key}` });

/** The dashboard, with the session cookie its sign-in form sets (a form POST, so its Origin is checked). */
export async function dashboard(base, clientId, secret) {
  const form = new URLSearchParams({ client_id: clientId, client_secret: secret });
  const res = await call(base, "/dashboard/sign-in", {
    method: "POST",
    body: form,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("cp_session="));
  if (!cookie) throw new Error(`Dashboard sign-in answered ${res.status} without a session cookie.`);
  return surface(base, { Cookie: cookie.split(";")[0] });
}
