import * as v from "valibot";
import {
  CODE_AUTHENTICATION_EVENTS,
  EMAIL_VERIFICATION_EVENTS,
  EmailVerificationEventData,
  INVITATION_EVENTS,
  InvitationEventData,
  MAGIC_AUTH_EVENTS,
  MagicAuthEventData,
  PASSWORD_RESET_EVENTS,
  PasswordResetEventData,
} from "./sign-in-codes";

// ---- The API's vocabulary (services write these values; the routes validate them) ----------------------

/** The SDK's `ConnectionType` values. */
export const CONNECTION_TYPES = [
  "ADFSSAML",
  "AdpOidc",
  "AppleOAuth",
  "Auth0SAML",
  "AzureSAML",
  "CasSAML",
  "CleverOIDC",
  "ClassLinkSAML",
  "CloudflareSAML",
  "CyberArkSAML",
  "DuoSAML",
  "EntraIdOIDC",
  "GenericOIDC",
  "GenericSAML",
  "GitHubOAuth",
  "GoogleOAuth",
  "GoogleSAML",
  "JumpCloudSAML",
  "KeycloakSAML",
  "LastPassSAML",
  "LoginGovOidc",
  "MagicLink",
  "MicrosoftOAuth",
  "MiniOrangeSAML",
  "NetIqSAML",
  "OktaOIDC",
  "OktaSAML",
  "OneLoginSAML",
  "OracleSAML",
  "PingFederateSAML",
  "PingOneSAML",
  "RipplingSAML",
  "SalesforceOAuth",
  "SalesforceSAML",
  "ShibbolethGenericSAML",
  "ShibbolethSAML",
  "SimpleSamlPhpSAML",
  "VMwareSAML",
] as const;

export const MEMBERSHIP_STATUSES = ["active", "inactive", "pending"] as const;

/** Events of an environment, with WorkOS's names (services/environment-events.ts records them). */
export const EMITTED_EVENTS = [
  "organization.created",
  "organization.updated",
  "organization.deleted",
  "organization_domain.created",
  "organization_domain.updated",
  "organization_domain.deleted",
  "user.created",
  "user.updated",
  "user.deleted",
  "organization_membership.created",
  "organization_membership.updated",
  "organization_membership.deleted",
  "connection.activated",
  "connection.deleted",
  ...MAGIC_AUTH_EVENTS,
  ...EMAIL_VERIFICATION_EVENTS,
  ...PASSWORD_RESET_EVENTS,
  ...INVITATION_EVENTS,
  ...CODE_AUTHENTICATION_EVENTS,
  "session.created",
  "session.revoked",
  "authentication.password_succeeded",
  "authentication.password_failed",
] as const;
export type EventName = (typeof EMITTED_EVENTS)[number];

/**
 * The environment API's answers, as valibot schemas: one place that says what every route returns (WorkOS's
 * shapes, as @workos-inc/node deserializes them). `doc(…)` turns them into the OpenAPI document, and the
 * services' serializers declare `v.InferOutput<typeof XObject>` as their return type, so a serializer that
 * drifts from its documented shape is a type error. Objects are open (`v.object`): a client must ignore fields
 * it does not know, as WorkOS's own clients do.
 */

/** ISO 8601 UTC with milliseconds (`2026-01-31T12:00:00.000Z`). */
const Timestamp = v.pipe(v.string(), v.isoTimestamp());
/** `metadata`: string keys and values (at most 10 pairs). */
const Metadata = v.record(v.string(), v.string());

/** `{object:"list", data, list_metadata:{before, after}}`: every list answer; cursors are ids, null at either end. */
export const ListOf = <T extends v.GenericSchema>(item: T) =>
  v.object({
    object: v.literal("list"),
    data: v.array(item),
    list_metadata: v.object({ before: v.nullable(v.string()), after: v.nullable(v.string()) }),
  });

// ---- Organizations ----------------------------------------------------------------------------------

export const DOMAIN_STATES = ["verified", "pending"] as const;
export const VERIFICATION_STRATEGIES = ["manual", "dns"] as const;

export const OrganizationDomainObject = v.object({
  object: v.literal("organization_domain"),
  id: v.string(),
  organization_id: v.string(),
  domain: v.string(),
  state: v.picklist(DOMAIN_STATES),
  /** `manual` for a domain given as verified, `dns` for one that awaits a DNS check. */
  verification_strategy: v.picklist(VERIFICATION_STRATEGIES),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const OrganizationObject = v.object({
  object: v.literal("organization"),
  id: v.string(),
  name: v.string(),
  allow_profiles_outside_organization: v.boolean(),
  domains: v.array(OrganizationDomainObject),
  external_id: v.nullable(v.string()),
  metadata: Metadata,
  created_at: Timestamp,
  updated_at: Timestamp,
});

// ---- User management --------------------------------------------------------------------------------

export const UserObject = v.object({
  object: v.literal("user"),
  id: v.string(),
  email: v.string(),
  email_verified: v.boolean(),
  /** The given name, else first and last names joined, else null. */
  name: v.nullable(v.string()),
  first_name: v.nullable(v.string()),
  last_name: v.nullable(v.string()),
  profile_picture_url: v.nullable(v.string()),
  last_sign_in_at: v.nullable(Timestamp),
  locale: v.nullable(v.string()),
  external_id: v.nullable(v.string()),
  metadata: Metadata,
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const OrganizationMembershipObject = v.object({
  object: v.literal("organization_membership"),
  id: v.string(),
  user_id: v.string(),
  organization_id: v.string(),
  organization_name: v.string(),
  status: v.picklist(MEMBERSHIP_STATUSES),
  role: v.object({ slug: v.string() }),
  /** Always false: no directory sync here. */
  directory_managed: v.boolean(),
  /** Always `{}`: no directory sync here. */
  custom_attributes: v.record(v.string(), v.unknown()),
  created_at: Timestamp,
  updated_at: Timestamp,
});

// ---- SSO --------------------------------------------------------------------------------------------

/** WorkOS's connection states; connections created here are `active`. */
export const CONNECTION_STATES = ["active", "inactive", "draft", "validating"] as const;

export const ConnectionObject = v.object({
  object: v.literal("connection"),
  id: v.string(),
  organization_id: v.string(),
  connection_type: v.picklist(CONNECTION_TYPES),
  name: v.string(),
  state: v.picklist(CONNECTION_STATES),
  /** The organization's domains. */
  domains: v.array(v.object({ object: v.literal("connection_domain"), id: v.string(), domain: v.string() })),
  created_at: Timestamp,
  updated_at: Timestamp,
});

// ---- Webhooks and events ----------------------------------------------------------------------------

/** Every event this service emits (services/environment-events.ts `EMITTED_EVENTS`), grouped by the object its `data` is. */
export const ORGANIZATION_EVENTS = ["organization.created", "organization.updated", "organization.deleted"] as const;
export const ORGANIZATION_DOMAIN_EVENTS = [
  "organization_domain.created",
  "organization_domain.updated",
  "organization_domain.deleted",
] as const;
export const USER_EVENTS = ["user.created", "user.updated", "user.deleted"] as const;
export const MEMBERSHIP_EVENTS = [
  "organization_membership.created",
  "organization_membership.updated",
  "organization_membership.deleted",
] as const;
export const CONNECTION_EVENTS = ["connection.activated", "connection.deleted"] as const;
export const SESSION_EVENTS = ["session.created", "session.revoked"] as const;
export const AUTHENTICATION_EVENTS = ["authentication.password_succeeded", "authentication.password_failed"] as const;
export const EVENT_NAMES = [
  ...ORGANIZATION_EVENTS,
  ...ORGANIZATION_DOMAIN_EVENTS,
  ...USER_EVENTS,
  ...MEMBERSHIP_EVENTS,
  ...CONNECTION_EVENTS,
  ...MAGIC_AUTH_EVENTS,
  ...EMAIL_VERIFICATION_EVENTS,
  ...PASSWORD_RESET_EVENTS,
  ...INVITATION_EVENTS,
  ...CODE_AUTHENTICATION_EVENTS,
  ...SESSION_EVENTS,
  ...AUTHENTICATION_EVENTS,
] as const;
// The groups above are exactly the emitted events: a new event name fails the type check until it is documented.
type Documented = (typeof EVENT_NAMES)[number];
const _allDocumented: [EventName] extends [Documented] ? ([Documented] extends [EventName] ? true : never) : never = true;
void _allDocumented;

export const WebhookEndpointObject = v.object({
  object: v.literal("webhook_endpoint"),
  id: v.string(),
  endpoint_url: v.string(),
  /** Shown in every answer, as WorkOS does: deliveries are signed with it. */
  secret: v.string(),
  status: v.picklist(["enabled", "disabled"]),
  events: v.array(v.picklist(EVENT_NAMES)),
  created_at: Timestamp,
  updated_at: Timestamp,
});

// ---- Sessions and sign-in ----------------------------------------------------------------------------

/** How a session started, as the session object says it (`listSessions`). */
export const SESSION_AUTH_METHODS = [
  "password",
  "magic_code",
  "oauth",
  "sso",
  "passkey",
  "impersonation",
  "cross_app_auth",
  "external_auth",
  "migrated_session",
  "unknown",
] as const;

/** A user's session (`GET /user_management/users/:id/sessions`, `session.*` events). */
export const SessionObject = v.object({
  object: v.literal("session"),
  id: v.string(),
  user_id: v.string(),
  organization_id: v.nullable(v.string()),
  ip_address: v.nullable(v.string()),
  user_agent: v.nullable(v.string()),
  auth_method: v.picklist(SESSION_AUTH_METHODS),
  status: v.picklist(["active", "expired", "revoked"]),
  expires_at: Timestamp,
  ended_at: v.nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});

/** The `data` of an `authentication.*` event. */
export const AuthenticationEventData = v.object({
  type: v.string(),
  status: v.picklist(["succeeded", "failed"]),
  user_id: v.nullable(v.string()),
  email: v.nullable(v.string()),
  ip_address: v.nullable(v.string()),
  user_agent: v.nullable(v.string()),
  error: v.optional(v.object({ code: v.string(), message: v.string() })),
});

const eventOf = <N extends readonly [string, ...string[]], D extends v.GenericSchema>(names: N, data: D) =>
  v.object({
    object: v.literal("event"),
    id: v.string(),
    event: v.picklist(names),
    /** The object as it was when the event happened. */
    data,
    created_at: Timestamp,
    context: v.record(v.string(), v.unknown()),
  });

/** An event (`GET /events`, and the body of a webhook delivery): its `data` is the object its name says. */
export const EventObject = v.variant("event", [
  eventOf(ORGANIZATION_EVENTS, OrganizationObject),
  eventOf(ORGANIZATION_DOMAIN_EVENTS, OrganizationDomainObject),
  eventOf(USER_EVENTS, UserObject),
  eventOf(MEMBERSHIP_EVENTS, OrganizationMembershipObject),
  eventOf(CONNECTION_EVENTS, ConnectionObject),
  eventOf(MAGIC_AUTH_EVENTS, MagicAuthEventData),
  eventOf(EMAIL_VERIFICATION_EVENTS, EmailVerificationEventData),
  eventOf(PASSWORD_RESET_EVENTS, PasswordResetEventData),
  eventOf(INVITATION_EVENTS, InvitationEventData),
  eventOf(CODE_AUTHENTICATION_EVENTS, AuthenticationEventData),
  eventOf(SESSION_EVENTS, SessionObject),
  eventOf(AUTHENTICATION_EVENTS, AuthenticationEventData),
]);

// ---- Feature flags ----------------------------------------------------------------------------------

/** A project's flag as one environment sees it (`enabled` is this environment's state). */
export const FeatureFlagObject = v.object({
  object: v.literal("feature_flag"),
  id: v.string(),
  slug: v.string(),
  name: v.string(),
  description: v.nullable(v.string()),
  tags: v.array(v.string()),
  enabled: v.boolean(),
  default_value: v.boolean(),
  created_at: Timestamp,
  /** The later of the definition's and this environment's state's changes. */
  updated_at: Timestamp,
});

const PollTarget = v.object({ id: v.string(), enabled: v.boolean() });
/** One flag for the runtime client's local evaluation (the SDK's `FlagPollEntry`). */
export const FlagPollEntryObject = v.object({
  slug: v.string(),
  enabled: v.boolean(),
  default_value: v.boolean(),
  targets: v.object({ users: v.array(PollTarget), organizations: v.array(PollTarget) }),
});
/** `GET /sdk/feature-flags`: every flag of the environment, keyed by slug. */
export const FlagPollPayload = v.record(v.string(), FlagPollEntryObject);

// ---- Audit Logs -------------------------------------------------------------------------------------

export const AuditLogMetadataSchemaObject = v.object({
  type: v.literal("object"),
  properties: v.record(v.string(), v.object({ type: v.picklist(["string", "number", "boolean"]) })),
});

export const AuditLogSchemaObject = v.object({
  object: v.literal("audit_log_schema"),
  id: v.string(),
  version: v.number(),
  targets: v.array(v.object({ type: v.string(), metadata: v.optional(AuditLogMetadataSchemaObject) })),
  /** `{metadata:{type:"object", properties:{}}}` when the schema declared no actor. */
  actor: v.object({ metadata: v.optional(AuditLogMetadataSchemaObject) }),
  /** Absent when the schema declares no event metadata. */
  metadata: v.optional(AuditLogMetadataSchemaObject),
  created_at: Timestamp,
});

export const AuditLogActionObject = v.object({
  object: v.literal("audit_log_action"),
  name: v.string(),
  /** The action's latest schema. */
  schema: AuditLogSchemaObject,
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const AuditLogEventCreated = v.object({ success: v.literal(true) });
