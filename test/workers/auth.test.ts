import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { issueToken } from "../../src/auth/platform-tokens";
import { CLIENT, call, expectError, newTeam, OTHER_CLIENT, session, tokenFor, tokenRequest } from "./helpers";
import type { ErrorAnswer, Team, Token } from "./types";

describe("POST /oauth2/token", () => {
  it("issues a bearer token for a configured client", async () => {
    const res = await tokenRequest({ grant_type: "client_credentials", client_id: CLIENT.id, client_secret: CLIENT.secret });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Token;
    expect(body).toEqual({ access_token: expect.any(String), token_type: "bearer", expires_in: 3600 });
  });

  it("accepts HTTP Basic client authentication", async () => {
    const res = await tokenRequest(
      { grant_type: "client_credentials" },
      { Authorization: `Basic ${btoa(`${CLIENT.id}:${CLIENT.secret}`)}` },
    );
    expect(res.status).toBe(200);
  });

  it("401 invalid_client for a wrong secret or an unknown client", async () => {
    for (const body of <Record<string, string>[]>[
      { grant_type: "client_credentials", client_id: CLIENT.id, client_secret: "wrong" },
      { grant_type: "client_credentials", client_id: "nobody", client_secret: CLIENT.secret },
      { grant_type: "client_credentials" },
    ]) {
      const res = await tokenRequest(body);
      expect(res.status).toBe(401);
      expect(((await res.json()) as ErrorAnswer).code).toBe("invalid_client");
    }
  });

  it("400 unsupported_grant_type", async () => {
    const res = await tokenRequest({ grant_type: "authorization_code", client_id: CLIENT.id, client_secret: CLIENT.secret });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorAnswer).code).toBe("unsupported_grant_type");
  });

  it("400 without grant_type", async () => {
    const res = await tokenRequest({ client_id: CLIENT.id });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorAnswer).errors?.[0]).toMatchObject({ field: "grant_type", code: "required" });
  });
});

describe("platform authentication", () => {
  it("401 without a token, with a malformed one, a forged one, an expired one, or a revoked client's", async () => {
    const expired = await issueToken(CLIENT, 60, Math.floor(Date.now() / 1000) - 3600);
    const forged = await issueToken({ id: CLIENT.id, secret: "not-the-secret" }, 3600);
    const revoked = await issueToken({ id: "client_removed", secret: "whatever" }, 3600);
    for (const token of [undefined, "garbage", forged, expired, revoked]) {
      const r = await call("GET", "/platform/teams", { token });
      expectError(r, 401, "unauthorized");
      expect(r.headers.get("X-Request-ID")).toBeTruthy();
    }
    const r = await call("GET", "/platform/teams", { token: expired });
    expect(r.body.message).toMatch(/expired/);
  });

  it("401 for the client's own claims issued in the future, unsigned (alg none), or signed with another algorithm", async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: CLIENT.id, iat: now, exp: now + 3600, scope: "platform" };
    const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const tokens = {
      future: await issueToken(CLIENT, 3600, now + 600),
      unsigned: `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`,
      hs512: await new SignJWT(claims).setProtectedHeader({ alg: "HS512" }).sign(new TextEncoder().encode(CLIENT.secret)),
    };
    expect((await call("GET", "/platform/teams", { token: await issueToken(CLIENT, 3600) })).status).toBe(200);
    for (const [kind, token] of Object.entries(tokens)) {
      const r = await call("GET", "/platform/teams", { token });
      expectError(r, 401, "unauthorized");
      expect(r.body.message, kind).toBe("Invalid access token.");
    }
  });

  it("a client sees only the teams it created: another client's team is 404 everywhere", async () => {
    const mine = await session(CLIENT);
    const theirs = await session(OTHER_CLIENT);
    const { team, project, environments } = await newTeam(theirs, "Theirs");
    await newTeam(mine, "Mine");
    const list = await mine.get("/teams");
    expect(list.body.data.map((t: Team) => t.id)).not.toContain(team.id);
    const paths: [string, string, unknown?][] = [
      ["GET", `/teams/${team.id}`],
      ["PUT", `/teams/${team.id}/billing`, { billing_email: "a@b.test", payment_method: "4242424242424242" }],
      ["GET", `/teams/${team.id}/billing`],
      ["GET", `/teams/${team.id}/events`],
      ["GET", `/teams/${team.id}/projects`],
      ["POST", `/teams/${team.id}/projects`, { name: "x" }],
      ["GET", `/teams/${team.id}/projects/${project.id}`],
      ["PATCH", `/teams/${team.id}/projects/${project.id}`, { name: "x" }],
      ["DELETE", `/teams/${team.id}/projects/${project.id}`],
      [
        "POST",
        `/teams/${team.id}/projects/transfer_preview`,
        { source_project_id: project.id, environment_ids: [environments[0].id] },
      ],
      ["GET", `/teams/${team.id}/transfers`],
      ["GET", `/teams/${team.id}/environments`],
      ["POST", `/teams/${team.id}/environments`, { name: "x" }],
      ["GET", `/teams/${team.id}/environments/${environments[0].id}`],
      ["PATCH", `/teams/${team.id}/environments/${environments[0].id}`, { name: "x" }],
      ["DELETE", `/teams/${team.id}/environments/${environments[0].id}`],
      ["POST", `/teams/${team.id}/environments/${environments[0].id}/api_keys`, { name: "x" }],
      ["GET", `/teams/${team.id}/environments/${environments[0].id}/api_keys`],
    ];
    for (const [method, path, body] of paths) {
      const r = await call(method, `/platform${path}`, { token: mine.token, body });
      expect({ path, method, status: r.status, code: r.body.code }).toEqual({
        path,
        method,
        status: 404,
        code: "team_not_found",
      });
    }
    // And nothing of theirs changed.
    expect((await theirs.get(`/teams/${team.id}/projects`)).body.data).toHaveLength(1);
    expect((await theirs.get(`/teams/${team.id}`)).body.production_state).toBe("Inactive");
  });

  it("a token from one client is not another's", async () => {
    const token = await tokenFor(OTHER_CLIENT);
    const mine = await session(CLIENT);
    const { team } = await newTeam(mine);
    expectError(await call("GET", `/platform/teams/${team.id}`, { token }), 404, "team_not_found");
  });

  it("unknown platform paths are 404 for an authenticated client", async () => {
    const s = await session();
    expectError(await s.get("/nothing-here"), 404, "not_found");
  });
});
