import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type * as schema from "./db/schema";

// Rows as the schema defines them (the services export the same types): env.ts sits below every layer and imports
// none of them. The Durable Object namespaces are typed by their clients (coordinator/client.ts, webhooks/dispatcher.ts).
type TeamRow = typeof schema.teams.$inferSelect;
type ProjectRow = typeof schema.projects.$inferSelect;
type EnvironmentRow = typeof schema.environments.$inferSelect;
type ApiKeyRow = typeof schema.apiKeys.$inferSelect;

/** Bindings and configuration of the Worker (wrangler.toml, secrets, .dev.vars). */
export interface Env {
  DB: D1Database;
  /** Static assets (wrangler.toml [assets]): the API reference's script under /docs/. */
  ASSETS: Fetcher;
  /** One ProjectCoordinator per project (coordinator/project-coordinator.ts). */
  PROJECT_COORDINATOR: DurableObjectNamespace;
  /** One store per environment: its data, in its own SQLite database (environment-store/store.ts, db/store-client.ts). */
  ENVIRONMENT_STORE: DurableObjectNamespace;
  /** One webhook dispatcher per environment (webhooks/dispatcher.ts). */
  WEBHOOK_DISPATCHER: DurableObjectNamespace;
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
  /** Email outbox (src/email/outbox.ts): unset in development, where messages are printed to the console. */
  EMAIL_WEBHOOK_URL?: string;
  EMAIL_WEBHOOK_SECRET?: string;
  /** "1" in local development and tests: messages are printed (links included) instead of sent. */
  EMAIL_CONSOLE?: string;
  /**
   * Encrypts the environments' private signing keys at rest (AES-GCM; services/sign-in/keys.ts). A secret of at
   * least 32 characters; `npm run dev` generates a local one in .dev.vars. One-time codes and invitation tokens are
   * derived under a key of their own drawn from it (services/sign-in/one-time-secrets.ts).
   */
  SIGNING_KEY_SECRET?: string;
  /**
   * The operator's Bearer token for `/operator` (src/operator: moving environments' data into their objects with
   * `npm run migrate:environments`). A secret; unset, `/operator` does not exist (404). `npm run dev` generates a
   * local one in .dev.vars.
   */
  OPERATOR_TOKEN?: string;
  /** The dashboard's public origin, for links in emails (default http://localhost:8787). */
  PUBLIC_URL?: string;
}

/** The control plane: D1 (teams, projects, environments, keys, applications, project-level configuration, usage roll-ups). */
export type Database = DrizzleD1Database<typeof schema>;

/**
 * One environment's data (users, organizations, memberships, connections, webhooks, events, flags, audit logs,
 * sign-in): in its own SQLite Durable Object (src/environment-store), or in D1 for an environment not yet moved.
 * Any drizzle SQLite client fits: D1's, the object's own (`drizzle-orm/durable-sqlite`, sync) or the Worker's
 * client of the object (`drizzle-orm/sqlite-proxy`). Writes go through `batch()` (lib/batch.ts), which runs on all three.
 */
// The drivers' raw result types differ, and the store's clients are built without drizzle's relational schema (it
// is not used, and walking it would cost each per-request client): rows are typed by the tables queried.
export type StoreDatabase = BaseSQLiteDatabase<"async" | "sync", any, any>;

/** What a platform request knows about its caller once authenticated. */
export interface PlatformCaller {
  /** The platform client; for a person, `person:<id>` (scopes rate limits and idempotency keys; owns no team). */
  clientId: string;
  /** Set when a person signed in with email and password is calling (services/people/sessions.ts). */
  person?: { id: string; email: string; name: string; sessionId: string };
  /** Set by the permission middleware on a team's routes: the person's membership of that team. */
  member?: { id: string; teamId: string; role: schema.Role };
}

/** Hono's typing for the whole app: bindings plus the per-request variables set by middleware. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Database;
    /** The environment's data (see `StoreDatabase`), set wherever `environment` is. */
    store: StoreDatabase;
    caller: PlatformCaller;
    /** The team named in a `/platform/teams/:team_id/…` path, once it is known to be the caller's. */
    team: TeamRow;
    /** The project named in a `/platform/teams/:team_id/projects/:project_id/…` path, once it is known to be the team's. */
    project: ProjectRow;
    /**
     * The environment the request acts on: on the environment API, the one its secret key selected (everything
     * downstream is scoped to it); on the Platform API, the `:environment_id` of the path, once it is known to be
     * the team's (src/middleware/path-resources.ts).
     */
    environment: EnvironmentRow;
    apiKey: ApiKeyRow;
  };
}
