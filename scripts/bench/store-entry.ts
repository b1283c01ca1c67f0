/**
 * The app as `npm run bench` serves it when it counts object calls: the product's Worker unchanged, with its
 * `EnvironmentStore` subclassed only to write one log line per RPC an object receives (and when an object is
 * constructed), and one bench-only route that asks an environment's object its SQLite size. Only the bench's own
 * config points here (servers.mjs `benchConfig` with `main`); the throughput figures run the product's entry.
 */
import type { EnvironmentStoreRpc } from "../../src/db/store-client";
import type { Env } from "../../src/env";
import app, { EnvironmentStore as ProductStore, ProjectCoordinator, WebhookDispatcher } from "../../src/index";

export { ProjectCoordinator, WebhookDispatcher };

/** The prefix of the log lines the bench counts (index.mjs reads them from the server's log). */
const MARK = "bench-store";

export class EnvironmentStore extends ProductStore {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    console.warn(`${MARK} constructed ${ctx.id.name ?? ctx.id.toString()}`);
  }
  override serve(...args: Parameters<EnvironmentStoreRpc["serve"]>) {
    console.warn(`${MARK} call serve ${args[1].id}`);
    return super.serve(...args);
  }
  override query(...args: Parameters<EnvironmentStoreRpc["query"]>) {
    console.warn(`${MARK} call query ${args[0]}`);
    return super.query(...args);
  }
  override batch(...args: Parameters<EnvironmentStoreRpc["batch"]>) {
    console.warn(`${MARK} call batch ${args[0]}`);
    return super.batch(...args);
  }
  override destroy(...args: Parameters<EnvironmentStoreRpc["destroy"]>) {
    console.warn(`${MARK} call destroy ${args[0]}`);
    return super.destroy(...args);
  }
  /** The object's SQLite database size in bytes, as the runtime bills it (not an RPC the product has). */
  benchDatabaseSize(): number {
    return this.ctx.storage.sql.databaseSize;
  }
}

const SIZE_ROUTE = "/__bench/store-size/";

export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext) {
    const { pathname } = new URL(request.url);
    if (!pathname.startsWith(SIZE_ROUTE)) return app.fetch(request, env, ctx);
    const environmentId = pathname.slice(SIZE_ROUTE.length);
    const ns = env.ENVIRONMENT_STORE as unknown as DurableObjectNamespace<EnvironmentStore>;
    return ns
      .get(ns.idFromName(environmentId))
      .benchDatabaseSize()
      .then((bytes) => Response.json({ environment_id: environmentId, bytes }));
  },
  scheduled: app.scheduled,
} satisfies ExportedHandler<Env>;
