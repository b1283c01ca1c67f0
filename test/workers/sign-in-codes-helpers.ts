import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { openDatabase } from "../../src/db/client";
import { storeOf } from "../../src/db/store-client";
import type { CodeScope } from "../../src/services/sign-in/codes";
import { secretsKey } from "../../src/services/sign-in/one-time-secrets";
import { sql } from "./helpers";

/** The services' scope for an environment, as a route builds it (for rules reached before the grants are). */
export async function codeScopeOf(environmentId: string): Promise<CodeScope> {
  const [row] = await sql<Record<string, unknown>>("SELECT * FROM environments WHERE id = ?", environmentId);
  expect(row).toBeDefined();
  const environment = {
    id: row.id as string,
    teamId: row.team_id as string,
    projectId: row.project_id as string,
    name: row.name as string,
    production: Boolean(row.production),
    clientId: row.client_id as string,
    requireEmailVerification: Boolean(row.require_email_verification),
    createdAt: row.created_at as string,
    updatedAt: row.updated_at as string,
    dataLocation: row.data_location as "d1" | "moving" | "object",
  };
  return {
    db: storeOf(env, environment, openDatabase(env)),
    environment,
    onDeliveriesQueued: () => {},
    key: await secretsKey(env.SIGNING_KEY_SECRET),
    origin: "http://control-plane.test",
  };
}

/** The error a promise rejects with, as `{status, code}`. */
export async function rejection(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    const e = err as { status?: number; code?: string; details?: Record<string, unknown> };
    return { status: e.status, code: e.code, details: e.details };
  }
  throw new Error("expected a rejection");
}

/** The environment's events of some names, oldest first. */
export const eventsOf = (environmentId: string, prefix: string) =>
  sql<{ event: string; data: string }>(
    "SELECT event, data FROM events WHERE environment_id = ? AND event LIKE ? ORDER BY id",
    environmentId,
    `${prefix}%`,
  ).then((rows) => rows.map((r) => ({ event: r.event, data: JSON.parse(r.data) })));

/** A row holds no column equal to this secret value. */
export async function expectNotStored(table: string, secret: string) {
  const rows = await sql<Record<string, unknown>>(`SELECT * FROM ${table}`);
  for (const row of rows) for (const value of Object.values(row)) expect(String(value)).not.toContain(secret);
}

/** A code that is not `code` (same shape). */
export const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");
