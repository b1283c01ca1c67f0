import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { writerOf } from "../../src/commands/scope";
import worker from "../../src/index";
import { environmentKeyScope, teamEnvironmentScope } from "../../src/middleware/command-scope";
import { sql, stagingApi } from "./helpers";

/**
 * The scopes carry the store of the environment they act on: the request's when it is the request's environment,
 * that environment's own (`storeOf`) when a caller names another (sign-in resolves one by client id), never the
 * request's store for another environment. Here `storeOf` answers D1's client, so a store built for another
 * environment is recognizable as `db`.
 */
const d1 = { d1: true } as never;
const requestStore = { store: "request's environment" } as never;
const requestEnvironment = { id: "environment_A" } as never;
const other = { id: "environment_B" } as never;

const contextOf = (vars: Record<string, unknown>) =>
  ({
    env: {},
    var: { db: d1, store: requestStore, environment: requestEnvironment, ...vars },
    req: { url: "https://control-plane.test/x" },
    executionCtx: { waitUntil: () => {} },
  }) as never;

describe("scopes: the store of their environment", () => {
  it("environmentKeyScope: the request's store for its own environment, that environment's for another", () => {
    expect(environmentKeyScope(contextOf({})).store).toBe(requestStore);
    expect(environmentKeyScope(contextOf({}), requestEnvironment).store).toBe(requestStore);
    const scope = environmentKeyScope(contextOf({}), other);
    expect(scope.environment).toBe(other);
    expect(scope.store).not.toBe(requestStore);
    expect(scope.store).toBe(d1);
    // No environment on the request (the hosted sign-in pages): the named environment's store.
    expect(environmentKeyScope(contextOf({ environment: undefined, store: undefined }), other).store).toBe(d1);
  });

  it("teamEnvironmentScope carries the path environment's store; writerOf writes to the scope's store", () => {
    const c = {
      ...(contextOf({}) as object),
      var: { db: d1, store: requestStore, environment: requestEnvironment, caller: {}, team: {} },
    };
    const scope = teamEnvironmentScope(c as never);
    expect(scope.store).toBe(requestStore);
    expect(scope.db).toBe(d1);
    expect(writerOf(scope).db).toBe(requestStore);
  });
});

describe("the Cron Trigger's clean-up of the environments still in D1 (objects clean themselves: environment-store.test.ts)", () => {
  it("deletes the expired sign-in rows and browser sessions of every such environment, and keeps the live ones", async () => {
    const { staging, production } = await stagingApi("Cron");
    await sql("UPDATE environments SET data_location = 'd1' WHERE id IN (?, ?)", staging.id, production.id);
    const old = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000).toISOString();
    const later = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    for (const [environmentId, tag] of [
      [staging.id, "s"],
      [production.id, "p"],
    ]) {
      await sql(
        "INSERT INTO browser_sessions (token_hash, environment_id, session_id, user_id, expires_at, created_at) VALUES (?, ?, 'session_x', 'user_x', ?, ?), (?, ?, 'session_y', 'user_y', ?, ?)",
        `cron-expired-${tag}`,
        environmentId,
        old,
        old,
        `cron-live-${tag}`,
        environmentId,
        later,
        old,
      );
      await sql(
        "INSERT INTO password_failures (environment_id, email, client_address, created_at) VALUES (?, 'cron@x.test', '1.2.3.4', ?)",
        environmentId,
        old,
      );
    }
    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await sql("SELECT token_hash FROM browser_sessions WHERE token_hash LIKE 'cron-%' ORDER BY token_hash")).toEqual([
      { token_hash: "cron-live-p" },
      { token_hash: "cron-live-s" },
    ]);
    expect(await sql("SELECT count(*) AS n FROM password_failures WHERE email = 'cron@x.test'")).toEqual([{ n: 0 }]);
  });
});
