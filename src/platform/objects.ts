import * as v from "valibot";
import { ERROR_CATALOG, type ErrorCode } from "../lib/errors";
import { ConnectionObject } from "../objects/environment-api";
import type { serializeApiKey } from "../services/api-keys";
import type { serializeApplication } from "../services/applications";
import type { listProjectSchemas } from "../services/audit-logs";
import type { serializeBranding } from "../services/branding";
import type { serializeConnection } from "../services/connections";
import type { serializeEmailDomain } from "../services/email-domains";
import type { serializeEnvironment } from "../services/environments";
import type { serializeProjectFlag } from "../services/feature-flags";
import type { serializeProject, serializeProjectWithEnvironments } from "../services/projects";
import type { serializeSigningKey } from "../services/sign-in";
import type { serializeTeamEvent } from "../services/team-events";
import type { serializeBilling, serializeTeam } from "../services/teams";
import type { previewTransfer, serializeTransfer } from "../services/transfers";
import type { teamUsage } from "../services/usage";

/**
 * The Platform API's response objects, as valibot schemas: the OpenAPI document describes each route's answer
 * with them (`doc({ responses })`), and the test suite checks every answer it sees against them. Each one is
 * pinned to its serializer at the bottom of this file: a field added, removed or retyped on one side only is
 * a type error (`npx tsc`).
 */

const Timestamp = v.pipe(v.string(), v.description("ISO 8601 UTC, with milliseconds."));

/** A page of a list: `{object: "list", data, list_metadata: {before, after}}` (cursors are ids, null at an end). */
export const ListOf = <S extends v.GenericSchema>(item: S) =>
  v.object({
    object: v.literal("list"),
    data: v.array(item),
    list_metadata: v.object({ before: v.nullable(v.string()), after: v.nullable(v.string()) }),
  });

export const TeamObject = v.object({
  object: v.literal("team"),
  id: v.string(),
  name: v.string(),
  production_state: v.picklist(["Active", "Inactive"]),
  production_enabled_at: v.nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const BillingObject = v.object({
  object: v.literal("billing"),
  team_id: v.string(),
  billing_email: v.string(),
  /** Only the last four characters are kept. */
  payment_method: v.string(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const Quantities = v.object({ users: v.number(), sso_connections: v.number(), audit_log_events: v.number() });

export const UsageObject = v.object({
  object: v.literal("usage"),
  team_id: v.string(),
  period: v.pipe(v.string(), v.description("The month, YYYY-MM.")),
  currency: v.string(),
  unit_amount_cents: Quantities,
  lines: v.array(
    v.variant("type", [
      v.object({
        object: v.literal("usage_line"),
        type: v.literal("project"),
        project_id: v.string(),
        name: v.string(),
        amount_cents: v.number(),
      }),
      v.object({
        object: v.literal("usage_line"),
        type: v.literal("environment"),
        environment_id: v.string(),
        project_id: v.string(),
        name: v.string(),
        production: v.boolean(),
        quantities: Quantities,
        amount_cents: v.number(),
      }),
    ]),
  ),
  total_cents: v.number(),
  /** Pages of projects: `after` is the cursor of the next page (null on the last one, and without `limit`). */
  list_metadata: v.object({ before: v.null(), after: v.nullable(v.string()) }),
});

/** Who did something: a person acting as a team member, or a platform client. */
export const ActorObject = v.variant("type", [
  v.object({ type: v.literal("member"), id: v.string(), email: v.string() }),
  v.object({ type: v.literal("client"), id: v.string() }),
]);

export const TeamEventObject = v.object({
  object: v.literal("team_event"),
  id: v.string(),
  type: v.string(),
  actor: ActorObject,
  data: v.record(v.string(), v.unknown()),
  created_at: Timestamp,
});

export const ProjectObject = v.object({
  object: v.literal("project"),
  id: v.string(),
  team_id: v.string(),
  name: v.string(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const EnvironmentObject = v.object({
  object: v.literal("environment"),
  id: v.string(),
  project_id: v.string(),
  name: v.string(),
  production: v.boolean(),
  /** A production environment of a team without billing. */
  locked: v.boolean(),
  client_id: v.string(),
  /** Sign-in refuses a user whose email is not verified until they verify it (`email_verification_required`). */
  require_email_verification: v.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** A project as creating one answers: with its environments. */
export const ProjectWithEnvironmentsObject = v.object({ ...ProjectObject.entries, environments: v.array(EnvironmentObject) });

/** Names of the project-level configuration a transfer copied or reused, by kind. */
const ConfigurationNames = v.object({
  feature_flags: v.array(v.string()),
  audit_log_actions: v.array(v.string()),
  email_domains: v.array(v.string()),
});

export const TransferObject = v.object({
  object: v.literal("transfer"),
  id: v.string(),
  team_id: v.string(),
  source_project_id: v.string(),
  source_project_name: v.string(),
  destination_project_id: v.string(),
  /** `new`: the project was created by this transfer; `existing`: the environments moved into a project of the team. */
  destination_kind: v.picklist(["new", "existing"]),
  environment_ids: v.array(v.string()),
  /** With `configuration: "copy"`: what was copied into the destination, and what was already there identically. */
  configuration: v.nullable(v.object({ copied: ConfigurationNames, reused: ConfigurationNames })),
  actor: ActorObject,
  created_at: Timestamp,
});

const Code = v.picklist(Object.keys(ERROR_CATALOG) as [ErrorCode, ...ErrorCode[]]);

export const TransferPreviewObject = v.object({
  object: v.literal("transfer_preview"),
  source_project: ProjectObject,
  environments: v.object({ staging: v.array(EnvironmentObject), production: v.array(EnvironmentObject) }),
  remaining_environments: v.array(EnvironmentObject),
  /** The destination: a new project, or an existing one with its environments before and after the move. */
  destination: v.object({
    kind: v.picklist(["new", "existing"]),
    project: v.nullable(ProjectObject),
    environments_before: v.array(EnvironmentObject),
    environments_after: v.array(EnvironmentObject),
  }),
  /** The source's project-level configuration: copied, reused (identical in the destination) or in conflict. */
  configuration: v.object({
    mode: v.nullable(v.literal("copy")),
    kinds: v.array(v.string()),
    copied: v.nullable(ConfigurationNames),
    reused: v.nullable(ConfigurationNames),
    conflicts: v.nullable(v.object({ feature_flags: v.array(v.string()), audit_log_actions: v.array(v.string()) })),
  }),
  /** Every rule the transfer would break, with the code the transfer itself would answer. */
  blockers: v.array(v.looseObject({ code: Code, message: v.string() })),
  implications: v.array(v.object({ code: v.string(), message: v.string() })),
  transferable: v.boolean(),
  /** Binds the review to the source and the destination as they are: pass it as `preview_token`. */
  preview_token: v.string(),
});

export const ApiKeyObject = v.object({
  object: v.literal("key"),
  id: v.string(),
  name: v.string(),
  obfuscated_value: v.string(),
  /** The secret itself: only in the answer that creates the key. */
  value: v.optional(v.string()),
  expires_at: v.nullable(Timestamp),
  last_used_at: v.nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const ApplicationObject = v.object({
  object: v.literal("application"),
  id: v.string(),
  environment_id: v.string(),
  name: v.string(),
  type: v.picklist(["web", "mobile", "desktop"]),
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

/** An environment's token signing key (its public half is in the JWKS; the private half never leaves the service). */
export const SigningKeyObject = v.object({
  object: v.literal("signing_key"),
  /** The JWK's `kid`. */
  id: v.string(),
  alg: v.literal("RS256"),
  /** `current` signs new tokens; `previous` still verifies the tokens it signed until they expire (5 minutes). */
  status: v.picklist(["current", "previous"]),
  created_at: Timestamp,
  retired_at: v.nullable(Timestamp),
});

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

/** The same object as the environment API answers (an SSO connection is created here, read there). */
export { ConnectionObject };

export const FeatureFlagObject = v.object({
  object: v.literal("feature_flag"),
  id: v.string(),
  project_id: v.string(),
  slug: v.string(),
  name: v.string(),
  description: v.nullable(v.string()),
  tags: v.array(v.string()),
  default_value: v.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const EmailDomainObject = v.object({
  object: v.literal("email_domain"),
  id: v.string(),
  project_id: v.string(),
  domain: v.string(),
  state: v.picklist(["pending", "verified", "failed"]),
  /** The CNAME records to create. */
  dns_records: v.array(v.object({ type: v.string(), name: v.string(), value: v.string() })),
  verified_at: v.nullable(Timestamp),
  last_checked_at: v.nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});

const MetadataSchema = v.object({ type: v.string(), properties: v.record(v.string(), v.object({ type: v.string() })) });

export const AuditLogSchemaObject = v.object({
  object: v.literal("audit_log_schema"),
  id: v.string(),
  action: v.string(),
  project_id: v.string(),
  version: v.number(),
  targets: v.array(v.object({ type: v.string(), metadata: v.optional(MetadataSchema) })),
  actor: v.object({ metadata: v.optional(MetadataSchema) }),
  metadata: v.optional(MetadataSchema),
  created_at: Timestamp,
});

export const TokenObject = v.object({
  access_token: v.string(),
  token_type: v.literal("bearer"),
  /** Seconds. */
  expires_in: v.number(),
});

// ---- Each schema pinned to what its serializer returns ------------------------------------------------

/** `true` only when A and B are assignable both ways: a field on one side only makes it `false`. */
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** `true` when every answer of type A fits the schema's type B (for answers whose types are looser than their values). */
type Fits<A, B> = [A] extends [B] ? true : false;
type Out<S extends v.GenericSchema> = v.InferOutput<S>;
type Returned<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type Item<L> = L extends { data: (infer I)[] } ? I : never;

// biome-ignore lint/correctness/noUnusedVariables: compile-time checks only.
const pinned: [
  Exact<Returned<typeof serializeTeam>, Out<typeof TeamObject>>,
  Exact<Returned<typeof serializeBilling>, Out<typeof BillingObject>>,
  Exact<Returned<typeof teamUsage>, Out<typeof UsageObject>>,
  Exact<Returned<typeof serializeTeamEvent>, Out<typeof TeamEventObject>>,
  Exact<Returned<typeof serializeProject>, Out<typeof ProjectObject>>,
  Exact<Returned<typeof serializeProjectWithEnvironments>, Out<typeof ProjectWithEnvironmentsObject>>,
  Exact<Returned<typeof serializeEnvironment>, Out<typeof EnvironmentObject>>,
  Exact<Returned<typeof serializeTransfer>, Out<typeof TransferObject>>,
  Fits<Returned<typeof previewTransfer>, Out<typeof TransferPreviewObject>>,
  Exact<Returned<typeof serializeApiKey>, Out<typeof ApiKeyObject>>,
  Exact<Returned<typeof serializeApplication>, Out<typeof ApplicationObject>>,
  Exact<Returned<typeof serializeSigningKey>, Out<typeof SigningKeyObject>>,
  Exact<Returned<typeof serializeBranding>, Out<typeof BrandingObject>>,
  Exact<Returned<typeof serializeConnection>, Out<typeof ConnectionObject>>,
  Exact<Returned<typeof serializeProjectFlag>, Out<typeof FeatureFlagObject>>,
  Exact<Returned<typeof serializeEmailDomain>, Out<typeof EmailDomainObject>>,
  Fits<Item<Returned<typeof listProjectSchemas>>, Out<typeof AuditLogSchemaObject>>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];

// ---- Error codes that several routes share ----------------------------------------------------------

/** What the path's resources answer (src/platform/resources.ts). */
export const IN_TEAM: ErrorCode[] = ["team_not_found"];
export const IN_PROJECT: ErrorCode[] = ["team_not_found", "project_not_found"];
export const IN_ENVIRONMENT: ErrorCode[] = ["team_not_found", "environment_not_found"];
/** What a POST may answer for its `Idempotency-Key` (src/middleware/idempotency.ts). */
export const IDEMPOTENT: ErrorCode[] = ["invalid_idempotency_key", "idempotency_key_reused", "idempotency_request_in_progress"];
