import * as v from "valibot";
import { PrefixedId, DescribedTimestamp as Timestamp } from "./fields";

/** Branding is per environment: one document, replaced whole (services/branding.ts). */
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

export const CopyBranding = v.strictObject({ source_environment_id: PrefixedId("environment") });

export const BrandingObject = v.object({
  object: v.literal("branding"),
  environment_id: v.string(),
  logo_url: v.nullable(v.string()),
  icon_url: v.nullable(v.string()),
  primary_color: v.string(),
  background_color: v.string(),
  text_color: v.string(),
  theme: v.picklist(["light", "dark", "system"]),
  font: v.string(),
  display_name: v.nullable(v.string()),
  custom_css: v.nullable(v.string()),
  /** Null while the environment has the default branding. */
  updated_at: v.nullable(Timestamp),
});
