import { describe, expect, it } from "vitest";
import { issueToken } from "../../src/platform/auth";
import { CLIENT, call, OTHER_CLIENT, session } from "./helpers";
import { fetchDocument, type Operation, operationsOf } from "./openapi-support";
import {
  buildWorld,
  fillPath,
  otherEnvironmentKey,
  paramValue,
  requestSchemaOf,
  sampleBody,
  UnknownParameter,
  type World,
} from "./route-fixtures";

/**
 * Every route of the document × every way of being the wrong caller → 401 (no valid credential of this API) or
 * 404 (a valid caller naming someone else's objects), never 2xx, never 5xx. The routes come from /openapi.json:
 * a route added later is covered without editing this file (a new kind of path parameter fails until
 * route-fixtures.ts knows it).
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

describe("authorization matrix", () => {
  it("refuses every route to every wrong caller", { timeout: 120_000 }, async () => {
    const document = await fetchDocument();
    const s = await session();
    const victim = await buildWorld(s, "Victim");
    // Another team of the same client (its ids in the path, the victim's objects after them).
    const neighbour = await buildWorld(s, "Neighbour");
    const elsewhereKey = await otherEnvironmentKey(s, victim);
    const other = await session(OTHER_CLIENT);
    const now = Math.floor(Date.now() / 1000);
    const forged = await issueToken({ id: CLIENT.id, secret: "not-the-secret" }, 3600);
    const expired = await issueToken(CLIENT, 60, now - 3600);
    const victimPath = (t: string) => fillPath(victim, t);
    // The neighbour's team id, every other id the victim's: ownership is checked below the team too.
    const neighbourTeam = (t: string) => fillPath(victim, t).replace(victim.team.id, neighbour.team.id);

    const credentials = (wrongKind: string): Context[] => [
      { name: "no credential", expected: 401, token: undefined },
      { name: "garbage bearer", expected: 401, token: "garbage" },
      { name: "forged token", expected: 401, token: forged },
      { name: "expired token", expected: 401, token: expired },
      { name: "wrong kind of credential", expected: 401, token: wrongKind },
    ];
    const platformContexts: Context[] = [
      ...credentials(victim.key),
      { name: "another client's team", expected: 404, needsIds: true, token: other.token },
      { name: "another team's ids (same client)", expected: 404, needsIds: "below-team", token: s.token, path: neighbourTeam },
    ];
    const environmentContexts: Context[] = [
      ...credentials(s.token),
      { name: "another team's environment key", expected: 404, needsIds: true, token: neighbour.key },
      { name: "another environment's key (same team)", expected: 404, needsIds: true, token: elsewhereKey },
    ];

    const violations: string[] = [];
    const unknownParams: string[] = [];
    const tally = new Map<string, number>();
    let size = 0;
    for (const op of operationsOf(document)) {
      // The contract: /platform needs a platform token, the token endpoints and sign-in through applications are
      // open (the client id names the environment), the rest needs an environment key.
      const security = OPEN.has(op.path) ? "none" : op.path.startsWith("/platform/") ? "platform" : "environment";
      const documented = op.operation.security?.[0]
        ? Object.keys(op.operation.security[0])[0]
        : op.operation.summary
          ? "none"
          : security;
      if (documented !== security)
        violations.push(`${op.method} ${op.path}: documented security ${documented}, the contract says ${security}`);
      if (security === "none") continue; // open by design (sign-in tests cover their own refusals)
      const contexts = security === "platform" ? platformContexts : environmentContexts;
      let path: string;
      try {
        path = victimPath(op.path);
      } catch (err) {
        if (err instanceof UnknownParameter) {
          unknownParams.push(err.message);
          continue;
        }
        throw err;
      }
      const body = sampleBody(requestSchemaOf(op.operation), victim);
      for (const context of contexts) {
        if (context.needsIds && !op.path.includes("{")) continue;
        if (context.needsIds === "below-team" && !op.path.replace("{team_id}", "").includes("{")) continue;
        if (context.needsIds && createsUnderAName(op, victim)) continue;
        size++;
        const concrete = context.path ? context.path(op.path) : path;
        const r = await call(op.method, concrete, { token: context.token, body });
        tally.set(`${context.expected}→${r.status}`, (tally.get(`${context.expected}→${r.status}`) ?? 0) + 1);
        if (r.status !== context.expected)
          violations.push(
            `${op.method} ${op.path} × ${context.name}: ${r.status} ${r.body?.code ?? ""} (expected ${context.expected})`,
          );
      }
    }
    console.log(
      `authorization matrix: ${size} requests over ${operationsOf(document).length} operations; ${violations.length} violations; ` +
        `expected→answered: ${[...tally].map(([k, n]) => `${k} ×${n}`).join(", ")}`,
    );
    expect(unknownParams, unknownParams.join("\n")).toEqual([]);
    expect(violations, violations.join("\n")).toEqual([]);
    expect(size).toBeGreaterThan(100);
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
