import { expect } from "vitest";
import { call, type Session, sql, tokenRequest, worker } from "./helpers";
import type { ErrorAnswer, Token } from "./types";

export const ORIGIN = "http://control-plane.test";
export const PASSWORD = "correct horse battery";

let counter = 0;
/** An address no other test uses. */
export const uniqueEmail = (name = "person") => `${name}.${Date.now().toString(36)}.${counter++}@people.test`;

/** The token in the newest outbox message to an address (tests read the outbox, as the issue asks). */
export async function tokenFromOutbox(email: string, kind = "invitation") {
  const [row] = await sql<{ link: string }>(
    "SELECT link FROM email_outbox WHERE to_email = ? AND kind = ? ORDER BY id DESC LIMIT 1",
    email.toLowerCase(),
    kind,
  );
  expect(row, `an outbox message to ${email}`).toBeDefined();
  return new URL(row.link, ORIGIN).searchParams.get("token") ?? "";
}

/** A same-origin form post to the dashboard, optionally with a cookie. */
export async function form(path: string, fields: Record<string, string>, cookie = "", headers: Record<string, string> = {}) {
  const res = await worker(
    new Request(`${ORIGIN}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, Cookie: cookie, ...headers },
      body: new URLSearchParams(fields),
    }),
  );
  return {
    status: res.status,
    location: res.headers.get("Location"),
    setCookie: res.headers.get("Set-Cookie"),
    html: await res.text(),
  };
}

export async function page(path: string, cookie = "") {
  const res = await worker(new Request(`${ORIGIN}${path}`, { redirect: "manual", headers: { Cookie: cookie } }));
  return { status: res.status, location: res.headers.get("Location"), html: await res.text() };
}

export const accept = (token: string, password = PASSWORD, name = "Pat") =>
  form("/dashboard/invitations/accept", { token, name, password });

/** `POST /oauth2/token grant_type=password`: a person's bearer token for the Platform API. */
export async function personToken(email: string, password = PASSWORD, address = "203.0.113.1") {
  const res = await tokenRequest({ grant_type: "password", username: email, password }, { "CF-Connecting-IP": address });
  // A token, or an error (400 invalid_grant, 429 rate_limited): narrowed by the status the caller expects.
  return { status: res.status, body: (await res.json()) as Token & ErrorAnswer };
}

/** Platform API shortcuts with a person's token. */
export function asPerson(token: string) {
  const as =
    (method: string) =>
    async <T = any>(path: string, body?: unknown) =>
      call<T>(method, `/platform${path}`, { token, body });
  return { token, get: as("GET"), post: as("POST"), put: as("PUT"), patch: as("PATCH"), del: as("DELETE") };
}
export type Person = ReturnType<typeof asPerson> & { email: string; memberId: string };

/** Invites `email` to the team as `role` (as the client), accepts, signs in: a person with that role. */
export async function join(s: Session, teamId: string, role: string, email = uniqueEmail(role)): Promise<Person> {
  const inv = await s.post(`/teams/${teamId}/invitations`, { email, role_slug: role });
  expect([200, 201]).toContain(inv.status);
  const accepted = await accept(await tokenFromOutbox(email));
  expect(accepted.status, accepted.html).toBe(303);
  const t = await personToken(email);
  expect(t.status).toBe(200);
  const [m] = await sql<{ id: string }>(
    "SELECT members.id FROM members JOIN people ON people.id = members.person_id WHERE members.team_id = ? AND people.email = ?",
    teamId,
    email,
  );
  return { ...asPerson(t.body.access_token), email, memberId: m.id };
}
