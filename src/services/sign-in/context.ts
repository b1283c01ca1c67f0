import { eq } from "drizzle-orm";
import { applications, environments, teams } from "../../db/schema";
import type { Database, Env, StoreDatabase } from "../../env";
import { ApiError } from "../../lib/errors";
import type { EnvironmentWriter } from "../environment-events";
import type { EnvironmentRow } from "../environments";
import { issuerOf } from "./issuer";

// From the table, not services/applications.ts (which builds issuers with issuerOf: no cycle).
type ApplicationRow = typeof applications.$inferSelect;

/**
 * What every sign-in service works in: one application of one environment, reached at one origin. Everything a
 * sign-in reads or writes is looked up by `environment.id`: nothing of one environment works in another.
 */
export interface SignInContext {
  env: Env;
  /** The control plane (applications, API keys, the environment's settings). */
  db: Database;
  /** The environment's data (users, sessions, codes, signing keys): everything a sign-in writes. */
  store: StoreDatabase;
  environment: EnvironmentRow;
  application: ApplicationRow;
  /** The origin the request reached (`https://auth.example.com`): issuers and endpoints are built from it. */
  origin: string;
  /** Runs work after the answer (the request's `waitUntil`). */
  waitUntil?: (p: Promise<unknown>) => void;
  /** Wakes the environment's webhook dispatcher when events were queued (set by the route layer). */
  onDeliveriesQueued?: () => void;
}

/** The issuer of the context's application. */
export const issuer = (ctx: Pick<SignInContext, "origin" | "application">) => issuerOf(ctx.origin, ctx.application.clientId);

/** The event-writing scope of a sign-in context (services/environment-events.ts). */
export const eventScope = (ctx: SignInContext): EnvironmentWriter => ({
  db: ctx.store,
  environment: ctx.environment,
  onDeliveriesQueued: () => ctx.onDeliveriesQueued?.(),
});

/**
 * The application with this client id and its environment, in one indexed lookup (the environment's default
 * application shares the environment's client id). `locked`: a production environment whose team has no billing.
 */
export async function applicationByClientId(
  db: Database,
  clientId: string,
): Promise<{ application: ApplicationRow; environment: EnvironmentRow; locked: boolean } | undefined> {
  if (!clientId || clientId.length > 100) return undefined;
  const row = await db
    .select({ application: applications, environment: environments, productionEnabledAt: teams.productionEnabledAt })
    .from(applications)
    .innerJoin(environments, eq(environments.id, applications.environmentId))
    .innerJoin(teams, eq(teams.id, environments.teamId))
    .where(eq(applications.clientId, clientId))
    .get();
  if (!row) return undefined;
  return {
    application: row.application,
    environment: row.environment,
    locked: row.environment.production && row.productionEnabledAt === null,
  };
}

/** Refuses a locked production environment (403 `environment_locked`), as every surface does. */
export function assertUnlocked(found: { locked: boolean }) {
  if (found.locked) throw new ApiError("environment_locked");
}
