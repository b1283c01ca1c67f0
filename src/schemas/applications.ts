import * as v from "valibot";
import { Name, DescribedTimestamp as Timestamp } from "./fields";

const APPLICATION_TYPES = ["web", "mobile", "desktop"] as const;

const Type = v.picklist(APPLICATION_TYPES, "must be web, mobile or desktop.");
/** Shape only; which schemes and hosts are allowed depends on the environment and the type (services/applications.ts). */
const RedirectUris = v.pipe(
  v.array(v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty."), v.maxLength(2048, "must be at most 2048 characters."))),
  v.maxLength(20, "must list at most 20 URIs."),
);

export const CreateApplication = v.strictObject({
  name: Name,
  type: Type,
  redirect_uris: v.optional(RedirectUris, []),
  logout_redirect_uris: v.optional(RedirectUris, []),
});
export const UpdateApplication = v.strictObject({
  name: v.optional(Name),
  type: v.optional(Type),
  redirect_uris: v.optional(RedirectUris),
  logout_redirect_uris: v.optional(RedirectUris),
});

export const ApplicationObject = v.object({
  object: v.literal("application"),
  id: v.string(),
  environment_id: v.string(),
  name: v.string(),
  type: v.picklist(APPLICATION_TYPES),
  client_id: v.string(),
  redirect_uris: v.array(v.string()),
  /** Where logout may send the browser back to (exact match). */
  logout_redirect_uris: v.array(v.string()),
  /** Its tokens' `iss`; OpenID Connect discovery at `{issuer}/.well-known/openid-configuration`. */
  issuer: v.string(),
  is_default: v.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
