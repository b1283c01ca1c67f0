import { drizzle as proxy } from "drizzle-orm/sqlite-proxy";
import { createApp } from "../app";
import type { Env, StoreDatabase } from "../env";
import { environmentRoutes } from "../environment-api";
import type { EnvironmentRow } from "../services/environments";

/** What a request served inside the object runs on: its environment (as the Worker's key check found it) and its store. */
export interface Served {
  environment: EnvironmentRow;
  store: StoreDatabase;
}

const serving = new WeakMap<Request, Served>();

/**
 * The environment API inside an environment's object: the app every surface is built on (request ids, D1, JSON
 * in, the error model) with the environment API's routes, over the object's own database. The Worker has already
 * authenticated the key and counted the request's rate; the request id is the Worker's (hono's requestId keeps
 * an incoming X-Request-ID).
 */
const app = createApp()
  .use(async (c, next) => {
    const served = serving.get(c.req.raw);
    if (!served) throw new Error("a request reached the environment store without its environment");
    c.set("environment", served.environment);
    c.set("store", served.store);
    await next();
  })
  .route("/", environmentRoutes);

/** Serves one request of the environment API for `served.environment`, over `served.store`. */
export function serveEnvironmentApi(request: Request, served: Served, env: Env, ctx: ExecutionContext) {
  serving.set(request, served);
  return app.fetch(request, env, ctx);
}

/** An environment that has never been written holds nothing: its reads are answered from no storage at all. */
export const emptyStore: StoreDatabase = proxy(
  async (_sql, _params, method) => ({ rows: method === "get" ? (undefined as unknown as unknown[]) : [] }),
  async (queries) => queries.map((q) => ({ rows: q.method === "get" ? (undefined as unknown as unknown[]) : [] })),
);
