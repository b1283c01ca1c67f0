import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { ProjectCoordinator } from "./coordinator/project-coordinator";
import type { WebhookDispatcher } from "./webhooks/dispatcher";
import type * as schema from "./db/schema";
import type { ApiKeyRow } from "./services/api-keys";
import type { EnvironmentRow } from "./services/environments";
import type { TeamRow } from "./services/teams";

/** Bindings and configuration of the Worker (wrangler.toml, secrets, .dev.vars). */
export interface Env {
  DB: D1Database;
  /** Static assets (wrangler.toml [assets]): the API reference's script under /docs/. */
  ASSETS: Fetcher;
  PROJECT_COORDINATOR: DurableObjectNamespace<ProjectCoordinator>;
  /** One webhook dispatcher per environment (webhooks/dispatcher.ts). */
  WEBHOOK_DISPATCHER: DurableObjectNamespace<WebhookDispatcher>;
  /** Workers Rate Limiting bindings (wrangler.toml [[ratelimits]]). */
  RATE_LIMITER?: RateLimit;
  TOKEN_RATE_LIMITER?: RateLimit;
  /** The platform client (secrets); PLATFORM_CLIENTS may add more as "id:secret,id:secret". */
  PLATFORM_CLIENT_ID?: string;
  PLATFORM_CLIENT_SECRET?: string;
  PLATFORM_CLIENTS?: string;
  TOKEN_TTL_SECONDS?: string;
  DB_METRICS?: string;
  /** Usage prices (JSON, see services/usage.ts). */
  PRICING?: string;
  /** DNS-over-HTTPS resolver (JSON API) used to verify custom email domains. */
  DOH_RESOLVER_URL?: string;
}

export type Database = DrizzleD1Database<typeof schema>;

/** What a platform request knows about its caller once authenticated. */
export interface PlatformCaller {
  clientId: string;
}

/** Hono's typing for the whole app: bindings plus the per-request variables set by middleware. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Database;
    caller: PlatformCaller;
    /** The team named in a `/platform/teams/:team_id/…` path, once it is known to be the caller's. */
    team: TeamRow;
    /** The environment an environment-API key selected; everything downstream is scoped to it. */
    environment: EnvironmentRow;
    apiKey: ApiKeyRow;
  };
}
