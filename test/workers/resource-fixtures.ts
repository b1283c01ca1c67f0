/**
 * What each environment-scoped resource registers with the suites generated from the route table, kept with the
 * resource: one module per resource in ./resources/, found here (no central list to edit). A module's default
 * export says how to make one object of the kind, which path parameters name it, and the rows-read lines of its
 * GET routes (test/workers/rows-read.test.ts measures them against a seeded environment).
 */
import { expect } from "vitest";
import type { EnvApi } from "./helpers";
import type { Json } from "./openapi-support";

export interface ResourceFixture {
  /** Its key in `World.objects` (route-fixtures.ts), and its name in messages. */
  name: string;
  /** Makes one object through the environment API; `slug` is unique to the environment asking. */
  create: (api: EnvApi, slug: string) => Promise<Json>;
  /** The path parameter that names one (`webhook_endpoint_id`); a bare `{id}` names one right after `collection`. */
  param: string;
  collection: string;
  /** Its GET routes as rows-read.test.ts measures them: `path` names the object `create` made there. */
  rowsRead: { route: string; path: (made: Json) => string; atLeast?: number }[];
}

/** The answer's body, once it is a success (a fixture that cannot be made fails the suite, naming it). */
export function made(r: { status: number; body: Json }, what: string): Json {
  expect(r.status, `${what}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
  return r.body;
}

export const RESOURCE_FIXTURES: ResourceFixture[] = Object.values(
  import.meta.glob<ResourceFixture>("./resources/*.ts", { eager: true, import: "default" }),
);
