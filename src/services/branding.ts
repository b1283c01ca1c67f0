import { eq } from "drizzle-orm";
import * as v from "valibot";
import { brandings } from "../db/schema";
import type { Database } from "../env";
import { batch } from "../lib/batch";
import type { ActorRef } from "./people/actor";
import { recordTeamEvent } from "./team-events";

/**
 * Branding is per environment: one document, replaced whole. No row = the defaults, so a new environment
 * starts with default branding without writing anything.
 */
const HttpsUrl = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(2048, "must be at most 2048 characters."),
  v.url("must be a URL."),
  v.startsWith("https://", "must be an https URL."),
);
const Color = v.pipe(v.string(), v.regex(/^#[0-9A-Fa-f]{6}$/, "must be a color as #RRGGBB."), v.toUpperCase());
export const MAX_CUSTOM_CSS_BYTES = 10_000;

/** The document as PUT replaces it: every field optional (omitted = default), nothing unknown. */
export const BrandingInput = v.strictObject({
  logo_url: v.optional(v.nullable(HttpsUrl)),
  icon_url: v.optional(v.nullable(HttpsUrl)),
  primary_color: v.optional(Color),
  background_color: v.optional(Color),
  text_color: v.optional(Color),
  theme: v.optional(v.picklist(["light", "dark", "system"], "must be light, dark or system.")),
  font: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.regex(/^[\w .,'-]{1,100}$/, "must be a font family name (letters, digits, spaces), at most 100 characters."),
    ),
  ),
  display_name: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(100, "must be at most 100 characters.")))),
  custom_css: v.optional(
    v.nullable(
      v.pipe(
        v.string(),
        v.maxBytes(MAX_CUSTOM_CSS_BYTES, `must be at most ${MAX_CUSTOM_CSS_BYTES} bytes.`),
        // It is rendered inside a <style> element of the hosted pages: it must not be able to close it.
        v.check((css) => !/<\/?\s*style/i.test(css) && !css.includes("</"), "must not contain HTML."),
      ),
    ),
  ),
});
export type BrandingInput = v.InferOutput<typeof BrandingInput>;

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
export async function putBranding(
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
export async function copyBranding(db: Database, actor: ActorRef, teamId: string, targetId: string, sourceId: string) {
  const { object: _o, environment_id: _e, updated_at: _u, ...settings } = await getBranding(db, sourceId);
  return putBranding(db, actor, teamId, targetId, settings, sourceId);
}

const stripUndefined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
