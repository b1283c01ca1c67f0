import { eq } from "drizzle-orm";
import { environments, sessionLocations } from "../../db/schema";
import type { Database } from "../../env";
import type { EnvironmentRow } from "../environments";

/**
 * Where a user session lives, for the SDK's logout link, which names the session alone: a row in D1 for each session
 * of an environment whose data is in its own object. Written once the session exists; a failure to write it is
 * logged and leaves the session working, revocable through the API and its own application's sign-out.
 */
export async function recordSessionLocation(db: Database, environment: EnvironmentRow, sessionId: string) {
  if (environment.dataLocation !== "object") return;
  await db
    .insert(sessionLocations)
    .values({ sessionId, environmentId: environment.id })
    .onConflictDoNothing()
    .run()
    .catch((err) => console.error(JSON.stringify({ session_location: sessionId, error: String(err) })));
}

/** The environment a session id belongs to, when it is in an object (undefined otherwise: look in D1's data). */
export async function environmentOfSession(db: Database, sessionId: string): Promise<EnvironmentRow | undefined> {
  const row = await db
    .select({ environment: environments })
    .from(sessionLocations)
    .innerJoin(environments, eq(environments.id, sessionLocations.environmentId))
    .where(eq(sessionLocations.sessionId, sessionId))
    .get();
  return row?.environment;
}
