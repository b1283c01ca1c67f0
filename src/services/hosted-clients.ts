import { eq } from "drizzle-orm";
import { applications, environments, teams } from "../db/schema";
import type { Database } from "../env";
import type { ApplicationRow } from "./applications";
import type { EnvironmentRow } from "./environments";
import { productionLocked } from "./environments";

/** An application as a sign-in client: itself, its environment, and whether that environment is locked. */
export interface HostedClient {
  application: ApplicationRow;
  environment: EnvironmentRow;
  /** A production environment whose team has no billing serves nothing, the hosted page included. */
  locked: boolean;
}

/** The application with this client id (any environment: the client id chooses it), in one query. */
export async function hostedClientOf(db: Database, clientId: string): Promise<HostedClient | undefined> {
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
    locked: row.environment.production && productionLocked(row),
  };
}
