import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../../src/auth/platform-tokens";
import { CLIENT, call, OTHER_CLIENT, session } from "./helpers";
import { fetchDocument, type Operation, operationsOf } from "./openapi-support";
import { buildWorld, fillPath, otherEnvironmentKey, paramValue, requestSchemaOf, sampleBody, type World } from "./route-fixtures";

/**
 * Every route of the document × every way of being the wrong caller → 401 (no valid credential of this API) or
 * 404 (a valid caller naming someone else's objects), never 2xx, never 5xx. The routes come from /openapi.json:
 * a route added later is covered without editing this file (a new kind of path parameter fails its route's test
 * until route-fixtures.ts knows it).
 */
interface Context {
  name: string;
  expected: 401 | 404;
  /** Only routes naming an object in their path (a list of one's own objects is no breach); `below-team`: an object below the team. */
  needsIds?: true | "below-team";
  token: string | undefined;
  /** The world whose ids fill the path (default: the victim's). */
  path?: (template: string) => string;
}

/** Routes open by design: the platform's token endpoint, and sign-in through an application (keyed by its client id). */
const OPEN = new Set([
  "/oauth2/token",
  "/sso/jwks/{client_id}",
  "/user_management/authenticate",
  "/user_management/{client_id}/.well-known/openid-configuration",
  "/user_management/{client_id}/oauth2/token",
  "/user_management/{client_id}/oauth2/userinfo",
]);

/**
 * The contract: /platform needs a platform token, /operator the operator's token (OPERATOR_TOKEN), the open routes
 * above none (sign-in tests cover their own refusals), the rest an environment key.
 */
const securityOf = (op: Operation) =>
  OPEN.has(op.path)
    ? "none"
    : op.path.startsWith("/platform/")
      ? "platform"
      : op.path.startsWith("/operator/")
        ? "operator"
        : "environment";

// The route table, read when the file is collected: one test per operation, reported under its own name.
const operations = operationsOf(await fetchDocument());
const guarded = operations.filter((op) => securityOf(op) !== "none").map((op) => [`${op.method} ${op.path}`, op] as const);

describe("authorization matrix", () => {
  let victim: World;
  let platformContexts: Context[];
  let environmentContexts: Context[];
  let operatorContexts: Context[];

  // Two teams of one client, another client, another environment's key, and forged and expired tokens.
  beforeAll(async () => {
    const s = await session();
    victim = await buildWorld(s, "Victim");
    // Another team of the same client (its ids in the path, the victim's objects after them).
    const neighbour = await buildWorld(s, "Neighbour");
    const elsewhereKey = await otherEnvironmentKey(s, victim);
    const other = await session(OTHER_CLIENT);
    const now = Math.floor(Date.now() / 1000);
    const forged = await issueToken({ id: CLIENT.id, secret: "not-the-secret" }, 3600);
    const expired = await issueToken(CLIENT, 60, now - 3600);
    // The neighbour's team id, every other id the victim's: ownership is checked below the team too.
    const neighbourTeam = (t: string) => fillPath(victim, t).replace(victim.team.id, neighbour.team.id);

    const credentials = (wrongKind: string): Context[] => [
      { name: "no credential", expected: 401, token: undefined },
      { name: "garbage bearer", expected: 401, token: "garbage" },
      { name: "forged token", expected: 401, token: forged },
      { name: "expired token", expected: 401, token: expired },
      { name: "wrong kind of credential", expected: 401, token: wrongKind },
    ];
    platformContexts = [
      ...credentials(victim.key),
      { name: "another client's team", expected: 404, needsIds: true, token: other.token },
      { name: "another team's ids (same client)", expected: 404, needsIds: "below-team", token: s.token, path: neighbourTeam },
    ];
    environmentContexts = [
      ...credentials(s.token),
      { name: "another team's environment key", expected: 404, needsIds: true, token: neighbour.key },
      { name: "another environment's key (same team)", expected: 404, needsIds: true, token: elsewhereKey },
    ];
    // The operator's routes take its one token (constant-time compare): a team's credentials are not it.
    operatorContexts = [
      ...credentials(victim.key),
      { name: "a platform token", expected: 401, token: s.token },
      { name: "the operator token with a character more", expected: 401, token: `${env.OPERATOR_TOKEN}x` },
    ];
  });

  it("covers the route table", () => {
    expect(guarded.length).toBeGreaterThan(40);
  });

  it("documents each route's security as the contract says", () => {
    const violations: string[] = [];
    for (const op of operations) {
      const documented = op.operation.security?.[0]
        ? Object.keys(op.operation.security[0])[0]
        : op.operation.summary
          ? "none"
          : securityOf(op);
      if (documented !== securityOf(op))
        violations.push(`${op.method} ${op.path}: documented security ${documented}, the contract says ${securityOf(op)}`);
    }
    expect(violations, violations.join("\n")).toEqual([]);
  });

  it.each(guarded)("refuses %s to every wrong caller", async (_, op) => {
    const security = securityOf(op);
    const contexts =
      security === "platform" ? platformContexts : security === "operator" ? operatorContexts : environmentContexts;
    // A path parameter route-fixtures.ts does not know throws here: add it there.
    const path = fillPath(victim, op.path);
    const body = sampleBody(requestSchemaOf(op.operation), victim);
    const violations: string[] = [];
    let asked = 0;
    for (const context of contexts) {
      if (context.needsIds && !op.path.includes("{")) continue;
      if (context.needsIds === "below-team" && !op.path.replace("{team_id}", "").includes("{")) continue;
      if (context.needsIds && createsUnderAName(op, victim)) continue;
      asked++;
      const concrete = context.path ? context.path(op.path) : path;
      const r = await call(op.method, concrete, { token: context.token, body });
      if (r.status !== context.expected)
        violations.push(`${context.name}: ${r.status} ${r.body?.code ?? ""} (expected ${context.expected})`);
    }
    expect(violations, violations.join("\n")).toEqual([]);
    // At least every wrong credential was tried.
    expect(asked).toBeGreaterThanOrEqual(5);
  });
});

/**
 * `POST /audit_logs/actions/{action}/schemas` names an action, not an object: any environment may define a schema for
 * any action name, so another environment doing so is no breach (it writes only its own).
 */
function createsUnderAName(op: Operation, world: World) {
  const params = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
  return op.method === "POST" && params.length === 1 && paramValue(world, op.path, params[0]) === world.action;
}
