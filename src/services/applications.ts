import { and, eq } from "drizzle-orm";
import { applications } from "../db/schema";
import type { Database } from "../env";
import { ApiError, type FieldError, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { type ListParams, paginate, where } from "../lib/pagination";
import type { ApplicationObject } from "../schemas/applications";
import type { Serializes } from "../schemas/fields";
import type { EnvironmentRow } from "./environments";
import { issuerOf } from "./sign-in/issuer";

export type ApplicationRow = typeof applications.$inferSelect;
export type ApplicationType = ApplicationRow["type"];

/**
 * An application as the Platform API shows it; `issuer` (its tokens' `iss`, the base of its OpenID Connect
 * discovery) is built from the origin the request reached.
 */
export const serializeApplication = (a: ApplicationRow, origin: string) => ({
  object: "application" as const,
  id: a.id,
  environment_id: a.environmentId,
  name: a.name,
  type: a.type,
  client_id: a.clientId,
  redirect_uris: a.redirectUris,
  logout_redirect_uris: a.logoutRedirectUris,
  issuer: issuerOf(origin, a.clientId),
  is_default: a.isDefault,
  created_at: a.createdAt,
  updated_at: a.updatedAt,
});

export async function getApplication(db: Database, environmentId: string, id: string) {
  const app = await db
    .select()
    .from(applications)
    .where(and(eq(applications.id, id), eq(applications.environmentId, environmentId)))
    .get();
  if (!app) throw notFound("application", id);
  return app;
}

/** The environment's default application (it shares the environment's client id), or undefined. */
export const defaultApplication = (db: Database, environment: Pick<EnvironmentRow, "id" | "clientId">) =>
  db
    .select()
    .from(applications)
    .where(and(eq(applications.clientId, environment.clientId), eq(applications.environmentId, environment.id)))
    .get();

export async function listApplications(db: Database, environmentId: string, params: ListParams, origin: string) {
  const q = paginate(applications.id, params);
  const rows = await db
    .select()
    .from(applications)
    .where(where(eq(applications.environmentId, environmentId), q.where))
    .orderBy(q.orderBy)
    .limit(q.limit);
  return q.page(rows, (a) => serializeApplication(a, origin));
}

/** A new application with its own client id. */
export async function insertApplication(
  db: Database,
  env: EnvironmentRow,
  input: { name: string; type: ApplicationType; redirect_uris: string[]; logout_redirect_uris?: string[] },
) {
  assertRedirectUris(env, input.type, input.redirect_uris);
  assertRedirectUris(env, input.type, input.logout_redirect_uris ?? [], "logout_redirect_uris");
  const now = new Date().toISOString();
  const row: ApplicationRow = {
    id: newId("application"),
    environmentId: env.id,
    name: input.name,
    type: input.type,
    clientId: newId("client"),
    redirectUris: [...new Set(input.redirect_uris)],
    logoutRedirectUris: [...new Set(input.logout_redirect_uris ?? [])],
    isDefault: false,
    createdAt: now,
    updatedAt: now,
  };
  await db.insert(applications).values(row).run();
  return row;
}

export async function changeApplication(
  db: Database,
  env: EnvironmentRow,
  id: string,
  patch: { name?: string; type?: ApplicationType; redirect_uris?: string[]; logout_redirect_uris?: string[] },
) {
  const current = await getApplication(db, env.id, id);
  const type = patch.type ?? current.type;
  const redirectUris = patch.redirect_uris ? [...new Set(patch.redirect_uris)] : current.redirectUris;
  const logoutRedirectUris = patch.logout_redirect_uris ? [...new Set(patch.logout_redirect_uris)] : current.logoutRedirectUris;
  // A new type changes which URIs are allowed: check the resulting sets, whatever changed.
  assertRedirectUris(env, type, redirectUris);
  assertRedirectUris(env, type, logoutRedirectUris, "logout_redirect_uris");
  const [updated] = await db
    .update(applications)
    .set({ name: patch.name ?? current.name, type, redirectUris, logoutRedirectUris, updatedAt: new Date().toISOString() })
    .where(and(eq(applications.id, id), eq(applications.environmentId, env.id)))
    .returning();
  if (!updated) throw notFound("application", id);
  return updated;
}

/** Deletes an application; the default one shares the environment's client id and stays. */
export async function removeApplication(db: Database, environmentId: string, id: string) {
  const app = await getApplication(db, environmentId, id);
  if (app.isDefault)
    throw new ApiError(
      "default_application_cannot_be_deleted",
      "The environment's default application shares its client id and cannot be deleted.",
    );
  const deleted = await db
    .delete(applications)
    .where(and(eq(applications.id, id), eq(applications.environmentId, environmentId), eq(applications.isDefault, false)))
    .returning({ id: applications.id });
  if (!deleted.length) throw notFound("application", id);
}

const LOOPBACK = new Set(["127.0.0.1", "[::1]"]);

/**
 * Redirect URIs: production requires https, except native apps (mobile, desktop), which may use a loopback
 * `http://127.0.0.1` (RFC 8252); staging also allows `http://localhost`. No fragments (OAuth 2.0).
 */
export function assertRedirectUris(env: EnvironmentRow, type: ApplicationType, uris: string[], name = "redirect_uris") {
  const errors: FieldError[] = [];
  for (const [i, raw] of uris.entries()) {
    const field = `${name}.${i}`;
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      errors.push({ field, code: "invalid_format", message: "must be an absolute URL." });
      continue;
    }
    if (url.hash) {
      errors.push({ field, code: "invalid_format", message: "must not have a fragment." });
      continue;
    }
    if (url.protocol === "https:") continue;
    const loopback =
      url.protocol === "http:" && (LOOPBACK.has(url.hostname) || (!env.production && url.hostname === "localhost"));
    const native = type !== "web";
    if (loopback && (native || !env.production)) continue;
    errors.push({
      field,
      code: "insecure_redirect_uri",
      message: env.production
        ? `must use https in a production environment${native ? " (native apps may use http://127.0.0.1)" : ""}.`
        : "must use https, or http on localhost / 127.0.0.1.",
    });
  }
  if (errors.length)
    throw new ApiError(
      "validation_failed",
      `Invalid ${name === "redirect_uris" ? "redirect" : "logout redirect"} URIs. ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`,
      { errors },
    );
}

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeApplication, typeof ApplicationObject>;
