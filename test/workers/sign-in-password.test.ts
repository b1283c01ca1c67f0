import { env } from "cloudflare:workers";
import { hashSync } from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/db/client";
import { storeOf } from "../../src/db/store-client";
import { hashUserPassword, verifyUserPassword } from "../../src/services/sign-in";
import { deleteExpiredSignInRows } from "../../src/services/sign-in/cleanup";
import { USER_PBKDF2_ITERATIONS } from "../../src/services/sign-in/passwords";
import { expectError, mintKey, sql } from "./helpers";
import {
  authenticate,
  claimsOf,
  codeFor,
  createUser,
  expectInvalidGrant,
  PASSWORD,
  passwordGrant,
  signInSetup,
} from "./sign-in-helpers";

/** The password grant of POST /user_management/authenticate: answers, events, throttling, imported hashes. */
describe("password sign-in (POST /user_management/authenticate, grant_type=password)", () => {
  afterEach(() => vi.useRealTimers());

  it("answers the SDK's shape, no environment key needed; stamps last_sign_in_at; records events", async () => {
    const { api, clientId } = await signInSetup();
    const user = await createUser(api, "ada@example.test");
    const r = await passwordGrant(clientId, " Ada@Example.test ", PASSWORD, { "User-Agent": "tests/1.0" });
    expect(r.status).toBe(200);
    expect(r.headers.get("Cache-Control")).toBe("no-store");
    expect(r.body).toMatchObject({ user: { object: "user", id: user.id }, authentication_method: "Password" });
    expect(typeof r.body.refresh_token).toBe("string");
    expect(r.body.organization_id).toBeUndefined();
    expect(r.body.user.last_sign_in_at).not.toBeNull();
    expect(r.body.user.updated_at).toBe(user.updated_at);
    const claims = claimsOf(r.body.access_token);
    expect(claims).toMatchObject({ iss: `http://control-plane.test/user_management/${clientId}`, sub: user.id });
    expect(claims.sid).toMatch(/^session_/);
    expect(claims.exp - claims.iat).toBe(300);
    const events = await api.get("/events?events=authentication.password_succeeded,session.created");
    expect(events.body.data.map((e: any) => e.event).sort()).toEqual(["authentication.password_succeeded", "session.created"]);
    const created = events.body.data.find((e: any) => e.event === "session.created");
    expect(created.data).toMatchObject({
      object: "session",
      id: claims.sid,
      user_id: user.id,
      auth_method: "password",
      status: "active",
    });
  });

  it("the SDK's optional fields are accepted (ip_address, user_agent, invitation_token, Radar)", async () => {
    const { api, clientId } = await signInSetup();
    await createUser(api, "ada@example.test");
    const r = await authenticate({
      client_id: clientId,
      grant_type: "password",
      email: "ada@example.test",
      password: PASSWORD,
      ip_address: "203.0.113.9",
      user_agent: "SDK agent",
      invitation_token: "inv_x",
      signals_id: "sig_1",
      radar_auth_attempt_id: "rad_1",
      link_authorization_code: "lac",
    });
    expect(r.status).toBe(200);
    const sessions = await api.get(`/user_management/users/${r.body.user.id}/sessions`);
    expect(sessions.body.data[0]).toMatchObject({ ip_address: "203.0.113.9", user_agent: "SDK agent" });
  });

  it("an unknown email and a wrong password: the same 400 invalid_grant; a failure event", async () => {
    const { api, clientId } = await signInSetup();
    await createUser(api, "ada@example.test");
    const wrong = await passwordGrant(clientId, "ada@example.test", "not the password");
    const unknown = await passwordGrant(clientId, "nobody@example.test", "not the password");
    expectInvalidGrant(wrong);
    expectInvalidGrant(unknown);
    expect(wrong.body.error_description).toBe("Incorrect email or password.");
    expect(unknown.body.error_description).toBe(wrong.body.error_description);
    const events = await api.get("/events?events=authentication.password_failed");
    expect(events.body.data).toHaveLength(2);
    expect(events.body.data.map((e: any) => e.data.status)).toEqual(["failed", "failed"]);
  });

  it("a user without a password cannot sign in with one", async () => {
    const { api, clientId } = await signInSetup();
    expect((await api.post("/user_management/users", { email: "nopass@example.test" })).status).toBe(201);
    expectError(await passwordGrant(clientId, "nopass@example.test", ""), 400, "invalid_request");
    expectInvalidGrant(await passwordGrant(clientId, "nopass@example.test", "anything at all"));
  });

  it("client_id: unknown → 401 invalid_client; missing → 422", async () => {
    expectError(await passwordGrant("client_01ZZZZZZZZZZZZZZZZZZZZZZZZ", "a@b.test"), 401, "invalid_client");
    expectError(await authenticate({ grant_type: "password", email: "a@b.test", password: "x" }), 422, "validation_failed");
  });

  it("client_secret: an API key of the same environment opens; another environment's key or garbage is 401", async () => {
    const { s, team, production, api, key, clientId } = await signInSetup();
    await createUser(api, "ada@example.test");
    const body = { client_id: clientId, grant_type: "password", email: "ada@example.test", password: PASSWORD };
    expect((await authenticate({ ...body, client_secret: key })).status).toBe(200);
    expectError(await authenticate({ ...body, client_secret: "sk_test_nope" }), 401, "invalid_client");
    const other = await signInSetup("Other");
    expectError(await authenticate({ ...body, client_secret: other.key }), 401, "invalid_client");
    // Even the same team's production environment's key is another environment's.
    await s.put(`/teams/${team.id}/billing`, { billing_email: "b@acme.test", payment_method: "card_4242" });
    expectError(await authenticate({ ...body, client_secret: await mintKey(s, team.id, production.id) }), 401, "invalid_client");
  });

  it("unknown grant_type → 400 unsupported_grant_type; missing fields → 400 invalid_request", async () => {
    const { clientId } = await signInSetup();
    const r = await authenticate({ client_id: clientId, grant_type: "urn:example:nope" });
    expectError(r, 400, "unsupported_grant_type");
    expect(r.body.error).toBe("unsupported_grant_type");
    expectError(await authenticate({ client_id: clientId, grant_type: "password", email: "a@b.test" }), 400, "invalid_request");
    expectError(await authenticate({ client_id: clientId, grant_type: "" }), 400, "invalid_request");
  });

  it("tokens are never stored for replay: the same Idempotency-Key twice signs in twice", async () => {
    const { api, clientId } = await signInSetup();
    await createUser(api, "ada@example.test");
    const headers = { "Idempotency-Key": "retry-1" };
    const a = await passwordGrant(clientId, "ada@example.test", PASSWORD, headers);
    const b = await passwordGrant(clientId, "ada@example.test", PASSWORD, headers);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.headers.get("Idempotent-Replayed")).toBeNull();
    expect(a.body.refresh_token).not.toBe(b.body.refresh_token);
    const stored = await sql<{ n: number }>("SELECT count(*) AS n FROM idempotency_keys WHERE body LIKE '%refresh_token%'");
    expect(stored[0].n).toBe(0);
  });

  it("a locked production environment answers 403 environment_locked", async () => {
    const { production } = await signInSetup();
    const r = await passwordGrant(production.client_id, "ada@example.test");
    expectError(r, 403, "environment_locked");
  });

  it("isolation: a user of one environment cannot sign in through another environment's application", async () => {
    const { api } = await signInSetup();
    await createUser(api, "ada@example.test");
    const other = await signInSetup("Other");
    expectInvalidGrant(await passwordGrant(other.clientId, "ada@example.test"));
  });

  it("every application of the environment signs the same user in (one user base)", async () => {
    const { s, team, staging, api, clientId } = await signInSetup();
    const user = await createUser(api, "ada@example.test");
    const mobile = await s.post(`/teams/${team.id}/environments/${staging.id}/applications`, {
      name: "Mobile",
      type: "mobile",
      redirect_uris: ["http://127.0.0.1/callback"],
    });
    const a = await passwordGrant(clientId, "ada@example.test");
    const b = await passwordGrant(mobile.body.client_id, "ada@example.test");
    expect(a.body.user.id).toBe(user.id);
    expect(b.body.user.id).toBe(user.id);
    expect(claimsOf(b.body.access_token).iss).toBe(mobile.body.issuer);
  });
});

describe("password throttle: 5 per email, 20 per address, per 15 minutes, stored", () => {
  afterEach(() => vi.useRealTimers());

  it("the 6th attempt on one email is 429 with Retry-After, before any password work, even with the right password", async () => {
    const { api, clientId } = await signInSetup();
    await createUser(api, "ada@example.test");
    await createUser(api, "bob@example.test");
    for (let i = 0; i < 5; i++) expectInvalidGrant(await passwordGrant(clientId, "ada@example.test", `wrong ${i}`));
    const refused = await passwordGrant(clientId, "ada@example.test");
    expectError(refused, 429, "rate_limited");
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    // Other emails are unaffected.
    expect((await passwordGrant(clientId, "bob@example.test")).status).toBe(200);
    // No password work: a refused attempt records no event.
    const failed = await api.get("/events?events=authentication.password_failed&limit=100");
    expect(failed.body.data).toHaveLength(5);
    // After the window, the email may try again.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 15 * 60 * 1000 + 1000);
    expect((await passwordGrant(clientId, "ada@example.test")).status).toBe(200);
  });

  it("concurrent attempts cannot exceed the limit (the slot is taken before the password is checked)", async () => {
    const { api, clientId } = await signInSetup();
    await createUser(api, "ada@example.test");
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => passwordGrant(clientId, "ada@example.test", `wrong ${i}`)),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((x) => x === 400)).toHaveLength(5);
    expect(statuses.filter((x) => x === 429)).toHaveLength(7);
  });

  it("20 failures from one address lock that address out for every email; another address is unaffected", async () => {
    const { api, clientId } = await signInSetup();
    await createUser(api, "ada@example.test");
    const from = (ip: string) => ({ "CF-Connecting-IP": ip });
    for (let i = 0; i < 20; i++)
      expectInvalidGrant(await passwordGrant(clientId, `user${i % 5}-${i}@example.test`, "wrong", from("198.51.100.7")));
    expectError(await passwordGrant(clientId, "ada@example.test", PASSWORD, from("198.51.100.7")), 429, "rate_limited");
    expect((await passwordGrant(clientId, "ada@example.test", PASSWORD, from("198.51.100.8"))).status).toBe(200);
  }, 30_000);

  it("a confidential client's reported ip_address is the address counted; an unauthenticated caller's is ignored", async () => {
    const { api, key, clientId } = await signInSetup();
    await createUser(api, "ada@example.test");
    const server = { "CF-Connecting-IP": "192.0.2.10" };
    const attempt = (i: number, extra: Record<string, string>) =>
      authenticate(
        { client_id: clientId, grant_type: "password", email: `u${i}@example.test`, password: "wrong", ...extra },
        server,
      );
    // 20 failures of one end user, reported by the app's server: that user's address is locked out...
    for (let i = 0; i < 20; i++) expectInvalidGrant(await attempt(i, { client_secret: key, ip_address: "198.51.100.1" }));
    const body = { client_id: clientId, grant_type: "password", email: "ada@example.test", password: PASSWORD };
    expectError(await authenticate({ ...body, client_secret: key, ip_address: "198.51.100.1" }, server), 429, "rate_limited");
    // ...the server's other users are not.
    expect((await authenticate({ ...body, client_secret: key, ip_address: "198.51.100.2" }, server)).status).toBe(200);
    // Without the key, a claimed ip_address does not move the count off the connecting address.
    for (let i = 20; i < 40; i++) expectInvalidGrant(await attempt(i, { ip_address: `203.0.113.${i}` }));
    expectError(await authenticate({ ...body, ip_address: "203.0.113.200" }, server), 429, "rate_limited");
  }, 60_000);

  it("a success gives its slot back; other environments are unaffected", async () => {
    const { api, clientId } = await signInSetup();
    await createUser(api, "ada@example.test");
    for (let i = 0; i < 4; i++) expectInvalidGrant(await passwordGrant(clientId, "ada@example.test", "wrong"));
    for (let i = 0; i < 3; i++) expect((await passwordGrant(clientId, "ada@example.test")).status).toBe(200);
    expectInvalidGrant(await passwordGrant(clientId, "ada@example.test", "wrong"));
    expectError(await passwordGrant(clientId, "ada@example.test"), 429, "rate_limited");
    const other = await signInSetup("Other");
    await createUser(other.api, "ada@example.test");
    expect((await passwordGrant(other.clientId, "ada@example.test")).status).toBe(200);
  });
});

describe("clean-up (each object's alarm; the Cron Trigger for environments in D1)", () => {
  it("deletes failures older than the window and expired codes, nothing else", async () => {
    const { api, clientId, staging } = await signInSetup();
    await createUser(api, "ada@example.test");
    expectInvalidGrant(await passwordGrant(clientId, "ada@example.test", "wrong"));
    const { code } = await codeFor(clientId, "ada@example.test");
    const count = async (table: string) =>
      (await sql<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE environment_id = ?`, staging.id))[0].n;
    await deleteExpiredSignInRows(storeOf(env, { id: staging.id, dataLocation: "object" }, openDatabase(env)));
    expect([await count("password_failures"), await count("authorization_codes")]).toEqual([1, 1]);
    await deleteExpiredSignInRows(
      storeOf(env, { id: staging.id, dataLocation: "object" }, openDatabase(env)),
      Date.now() + 10 * 60 * 1000 + 1000,
    );
    expect([await count("password_failures"), await count("authorization_codes")]).toEqual([1, 0]);
    await deleteExpiredSignInRows(
      storeOf(env, { id: staging.id, dataLocation: "object" }, openDatabase(env)),
      Date.now() + 15 * 60 * 1000 + 1000,
    );
    expect(await count("password_failures")).toBe(0);
    expect(code).toBeTruthy();
  });
});

describe("password hashes", () => {
  it("ours are PBKDF2-SHA256 at 100,000 iterations, versioned; nothing ever derives with more", async () => {
    expect(USER_PBKDF2_ITERATIONS).toBe(100_000);
    const hash = await hashUserPassword("a password");
    expect(hash).toMatch(/^pbkdf2_sha256\$100000\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(await verifyUserPassword("a password", hash)).toEqual({ ok: true, upgrade: false });
    // Workers production refuses more than 100,000 iterations (local workerd does not): a stored hash asking for
    // more is refused here rather than derived.
    const tooMany = hash.replace("$100000$", "$100001$");
    expect((await verifyUserPassword("a password", tooMany)).ok).toBe(false);
  });

  it("every hash the service stores for a user is created with at most 100,000 iterations", async () => {
    const { api } = await signInSetup();
    const user = await createUser(api, "ada@example.test");
    expect((await api.put(`/user_management/users/${user.id}`, { password: "another password" })).status).toBe(200);
    const rows = await sql<{ password_hash: string }>("SELECT password_hash FROM users WHERE password_hash IS NOT NULL");
    for (const { password_hash } of rows) {
      const [type, iterations] = password_hash.split("$");
      if (type === "pbkdf2_sha256") expect(Number(iterations)).toBeLessThanOrEqual(100_000);
    }
    // The importKey/deriveBits calls of the whole suite, watched: none asks for more.
    const derive = crypto.subtle.deriveBits.bind(crypto.subtle);
    let max = 0;
    crypto.subtle.deriveBits = (async (algorithm: any, key: CryptoKey, length: number) => {
      if (algorithm?.name === "PBKDF2") max = Math.max(max, algorithm.iterations);
      return derive(algorithm, key, length);
    }) as typeof crypto.subtle.deriveBits;
    try {
      await hashUserPassword("x".repeat(20));
      await api.post("/user_management/users", { email: "b@example.test", password: "a long password" });
    } finally {
      crypto.subtle.deriveBits = derive;
    }
    expect(max).toBe(100_000);
  });

  it("imported PBKDF2 and SSHA hashes sign in and are upgraded to ours; a wrong password leaves them", async () => {
    const { api, clientId } = await signInSetup();
    // Django's format: pbkdf2_sha256$<iterations>$<salt>$<base64 hash>.
    const salt = "seasalt";
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("imported password"), "PBKDF2", false, [
      "deriveBits",
    ]);
    const bits = await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt: new TextEncoder().encode(salt), iterations: 1000 },
      key,
      256,
    );
    const django = `pbkdf2_sha256$1000$${salt}$${btoa(String.fromCharCode(...new Uint8Array(bits)))}`;
    const r = await api.post("/user_management/users", {
      email: "dj@example.test",
      password_hash: django,
      password_hash_type: "pbkdf2",
    });
    expect(r.status).toBe(201);
    expectInvalidGrant(await passwordGrant(clientId, "dj@example.test", "wrong password"));
    expect((await sql<any>("SELECT password_hash FROM users WHERE id = ?", r.body.id))[0].password_hash).toBe(`pbkdf2$${django}`);
    expect((await passwordGrant(clientId, "dj@example.test", "imported password")).status).toBe(200);
    const upgraded = (await sql<any>("SELECT password_hash FROM users WHERE id = ?", r.body.id))[0].password_hash;
    expect(upgraded).toMatch(/^pbkdf2_sha256\$100000\$/);
    expect((await passwordGrant(clientId, "dj@example.test", "imported password")).status).toBe(200);

    // LDAP SSHA: base64(sha1(password + salt) + salt).
    const ssSalt = new Uint8Array([1, 2, 3, 4]);
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-1", new Uint8Array([...new TextEncoder().encode("ldap password"), ...ssSalt])),
    );
    const ssha = `{SSHA}${btoa(String.fromCharCode(...digest, ...ssSalt))}`;
    const u = await api.post("/user_management/users", {
      email: "ldap@example.test",
      password_hash: ssha,
      password_hash_type: "ssha",
    });
    expect(u.status).toBe(201);
    expect((await passwordGrant(clientId, "ldap@example.test", "ldap password")).status).toBe(200);
    expect((await sql<any>("SELECT password_hash FROM users WHERE id = ?", u.body.id))[0].password_hash).toMatch(
      /^pbkdf2_sha256\$/,
    );
  });

  it("imported bcrypt ($2a$/$2b$/$2y$) signs in and is upgraded to ours; a wrong password leaves it", {
    timeout: 60_000,
  }, async () => {
    const { api, clientId } = await signInSetup();
    const bcrypt = hashSync("bcrypt password", 10);
    expect(bcrypt).toMatch(/^\$2b\$10\$/);
    const r = await api.post("/user_management/users", {
      email: "bc@example.test",
      password_hash: bcrypt,
      password_hash_type: "bcrypt",
    });
    expect(r.status).toBe(201);
    const stored = async () => (await sql<any>("SELECT password_hash FROM users WHERE id = ?", r.body.id))[0].password_hash;
    expectInvalidGrant(await passwordGrant(clientId, "bc@example.test", "wrong password"));
    expect(await stored()).toBe(`bcrypt$${bcrypt}`);
    expect((await passwordGrant(clientId, "bc@example.test", "bcrypt password")).status).toBe(200);
    expect(await stored()).toMatch(/^pbkdf2_sha256\$100000\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect((await passwordGrant(clientId, "bc@example.test", "bcrypt password")).status).toBe(200);
    expectInvalidGrant(await passwordGrant(clientId, "bc@example.test", "wrong password"));

    // PHP's $2y$ and the older $2a$ are the same algorithm; a hash of another type's prefix is no bcrypt.
    const low = hashSync("other password", 4);
    for (const prefix of ["$2y$", "$2a$"])
      expect(await verifyUserPassword("other password", `bcrypt$${prefix}${low.slice(4)}`)).toEqual({ ok: true, upgrade: true });
    expect((await verifyUserPassword("wrong", `bcrypt$${low}`)).ok).toBe(false);
    // The verifier against bcryptjs: empty, non-ASCII, and past bcrypt's 72 bytes (the rest is ignored, by both).
    const long = "x".repeat(80);
    for (const pw of ["", "pässwörd ✓", long, "a"]) {
      const h = hashSync(pw, 4);
      expect((await verifyUserPassword(pw, `bcrypt$${h}`)).ok).toBe(true);
      expect((await verifyUserPassword(`${pw}!`, `bcrypt$${h}`)).ok).toBe(pw === long);
    }
    expect((await verifyUserPassword("other password", `bcrypt$$2x$${low.slice(4)}`)).ok).toBe(false);
    expect((await verifyUserPassword("other password", `bcrypt$${low.slice(0, -1)}`)).ok).toBe(false);
    expect((await verifyUserPassword("other password", `pbkdf2$${low}`)).ok).toBe(false);
  });

  it("a bcrypt hash above cost 12 is refused unverified (no seconds of CPU per attempt): invalid_grant, no 5xx", async () => {
    const { api, clientId } = await signInSetup();
    const low = hashSync("costly password", 4);
    // Cost 31 would run for days if it were ever computed: answering at all shows it was not.
    for (const cost of ["13", "31"]) {
      const costly = `$2b$${cost}$${low.slice(7)}`;
      expect(await verifyUserPassword("costly password", `bcrypt$${costly}`)).toEqual({ ok: false, upgrade: false });
      const email = `costly${cost}@example.test`;
      const r = await api.post("/user_management/users", { email, password_hash: costly, password_hash_type: "bcrypt" });
      expect(r.status).toBe(201);
      expectInvalidGrant(await passwordGrant(clientId, email, "costly password"));
      expect((await sql<any>("SELECT password_hash FROM users WHERE id = ?", r.body.id))[0].password_hash).toBe(
        `bcrypt$${costly}`,
      );
    }
  });
});
