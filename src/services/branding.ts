import { eq } from "drizzle-orm";
import { brandings } from "../db/schema";
import type { Database } from "../env";
import { batch } from "../lib/batch";
import type { BrandingInput, BrandingObject } from "../schemas/branding";
import type { Serializes } from "../schemas/fields";
import type { ActorRef } from "./people/actor";
import { recordTeamEvent } from "./team-events";

/**
 * Branding is per environment: one document, replaced whole. No row = the defaults, so a new environment
 * starts with default branding without writing anything.
 */
export const DEFAULT_BRANDING = {
  logo_url: null,
  icon_url: null,
  primary_color: "#6363F1",
  background_color: "#FFFFFF",
  text_color: "#1D2330",
  theme: "system",
  font: "Inter",
  display_name: null,
  custom_css: null,
} as const satisfies Required<BrandingInput>;

export type Branding = {
  -readonly [K in keyof typeof DEFAULT_BRANDING]-?: Exclude<BrandingInput[K], undefined> | (typeof DEFAULT_BRANDING)[K];
};

export const serializeBranding = (environmentId: string, settings: Branding, updatedAt: string | null) => ({
  object: "branding" as const,
  environment_id: environmentId,
  ...settings,
  updated_at: updatedAt,
});

export async function getBranding(db: Database, environmentId: string) {
  const row = await db.select().from(brandings).where(eq(brandings.environmentId, environmentId)).get();
  return serializeBranding(
    environmentId,
    { ...DEFAULT_BRANDING, ...(row?.settings as Partial<Branding>) },
    row?.updatedAt ?? null,
  );
}

/** Replaces an environment's branding (omitted fields go back to their defaults). */
export async function replaceBranding(
  db: Database,
  actor: ActorRef,
  teamId: string,
  environmentId: string,
  input: BrandingInput,
  source?: string,
) {
  const settings: Branding = { ...DEFAULT_BRANDING, ...stripUndefined(input) };
  const now = new Date().toISOString();
  await batch(db, [
    db
      .insert(brandings)
      .values({ environmentId, settings, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: brandings.environmentId, set: { settings, updatedAt: now } }),
    recordTeamEvent(db, teamId, "environment.updated", actor, {
      environment_id: environmentId,
      branding: source ? { copied_from: source } : "replaced",
    }),
  ]);
  return serializeBranding(environmentId, settings, now);
}

/** Copies all of another environment's branding in one step (the caller checked both are the team's). */
export async function replaceBrandingWithCopy(db: Database, actor: ActorRef, teamId: string, targetId: string, sourceId: string) {
  const { object: _o, environment_id: _e, updated_at: _u, ...settings } = await getBranding(db, sourceId);
  return replaceBranding(db, actor, teamId, targetId, settings, sourceId);
}

const stripUndefined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

// Each serializer returns exactly what its route documents (src/schemas/).
true satisfies Serializes<typeof serializeBranding, typeof BrandingObject>;
