import { describe, expect, it } from "vitest";
import { sql } from "./helpers";
import { browse, cookieOf, ORIGIN, signInSetup, WEB_CALLBACK } from "./hosted-helpers";

/**
 * The hosted page's writes as a browser sees them, where the flows' own files do not look: signing out ends the
 * signing-out browser's own session whichever session it named, and an error no view expected is answered with
 * the page's error page (the flows' routers are mounted under the surface's error handler).
 */

const PASSWORD = "correct horse battery";
const webRequest = (clientId: string) =>
  new URLSearchParams({ client_id: clientId, redirect_uri: WEB_CALLBACK, response_type: "code", state: "s" }).toString();

describe("hosted page: writes", () => {
  it("logout ends the session it names and this browser's own session, which named another", async () => {
    const setup = await signInSetup();
    expect((await setup.api.post("/user_management/users", { email: "ada@acme.test", password: PASSWORD })).status).toBe(201);
    const signIn = () =>
      browse("POST", `/user_management/authorize/sign-in?${webRequest(setup.web.client_id)}`, {
        form: { email: "ada@acme.test", password: PASSWORD },
      });
    const first = await signIn();
    const second = await signIn();
    expect([first.status, second.status]).toEqual([303, 303]);
    const rows = await sql<{ session_id: string }>(
      "SELECT session_id FROM browser_sessions WHERE environment_id = ? ORDER BY created_at",
      setup.staging.id,
    );
    expect(rows).toHaveLength(2);
    const [named, own] = rows.map((r) => r.session_id);
    expect(named).not.toBe(own);
    // The second browser signs out of the first browser's session.
    const out = await browse("GET", `/user_management/sessions/logout?session_id=${named}`, { cookie: cookieOf(second) });
    expect(out.status).toBe(200);
    expect(await sql("SELECT * FROM browser_sessions WHERE environment_id = ?", setup.staging.id)).toEqual([]);
    const sessions = await sql<{ id: string; revoked_at: string | null }>(
      "SELECT id, revoked_at FROM user_sessions WHERE id IN (?, ?)",
      named,
      own,
    );
    // Only the named user session is revoked; the browser's own user session is left to its application.
    expect(Object.fromEntries(sessions.map((s) => [s.id, s.revoked_at !== null]))).toEqual({ [named]: true, [own]: false });
  });

  it("a form the page cannot read is the client's mistake: a 400 page, not a 5xx nor the API's JSON", async () => {
    const setup = await signInSetup();
    const page = await browse("POST", `/user_management/authorize/sign-in?${webRequest(setup.web.client_id)}`, {
      headers: { "Content-Type": "multipart/form-data; boundary=x", Origin: ORIGIN },
    });
    expect(page.status).toBe(400);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(page.headers.get("Cache-Control")).toBe("no-store");
    expect(page.text).toContain("The form could not be read");
  });
});
