/**
 * The bodies tests read, typed from the schemas that validate and document each route (and are pinned to their
 * serializers): a test that reads a field the API does not answer is a type error. One module, so that when the
 * schemas move only these imports change.
 */
import type * as v from "valibot";
import type { ErrorBody } from "../../src/lib/openapi";
import type * as environmentApi from "../../src/objects/environment-api";
import type { InvitationObject } from "../../src/platform/invitations";
import type { MemberObject } from "../../src/platform/members";
import type * as platform from "../../src/platform/objects";

/** A page of a list (`ListOf(item)`). */
export type List<T> = { object: "list"; data: T[]; list_metadata: { before: string | null; after: string | null } };
export type ErrorAnswer = v.InferOutput<typeof ErrorBody>;

// Platform API
export type Team = v.InferOutput<typeof platform.TeamObject>;
export type Usage = v.InferOutput<typeof platform.UsageObject>;
export type UsageLine = Usage["lines"][number];
export type TeamEvent = v.InferOutput<typeof platform.TeamEventObject>;
export type Project = v.InferOutput<typeof platform.ProjectObject>;
export type Environment = v.InferOutput<typeof platform.EnvironmentObject>;
export type ProjectWithEnvironments = v.InferOutput<typeof platform.ProjectWithEnvironmentsObject>;
export type Transfer = v.InferOutput<typeof platform.TransferObject>;
export type TransferPreview = v.InferOutput<typeof platform.TransferPreviewObject>;
export type ApiKey = v.InferOutput<typeof platform.ApiKeyObject>;
export type Application = v.InferOutput<typeof platform.ApplicationObject>;
export type ProjectFeatureFlag = v.InferOutput<typeof platform.FeatureFlagObject>;
export type EmailDomain = v.InferOutput<typeof platform.EmailDomainObject>;
export type ProjectAuditLogSchema = v.InferOutput<typeof platform.AuditLogSchemaObject>;
export type Token = v.InferOutput<typeof platform.TokenObject>;
export type Member = v.InferOutput<typeof MemberObject>;
export type Invitation = v.InferOutput<typeof InvitationObject>;

// Environment API
export type Organization = v.InferOutput<typeof environmentApi.OrganizationObject>;
export type OrganizationDomain = v.InferOutput<typeof environmentApi.OrganizationDomainObject>;
export type User = v.InferOutput<typeof environmentApi.UserObject>;
export type OrganizationMembership = v.InferOutput<typeof environmentApi.OrganizationMembershipObject>;
export type Connection = v.InferOutput<typeof environmentApi.ConnectionObject>;
export type WebhookEndpoint = v.InferOutput<typeof environmentApi.WebhookEndpointObject>;
export type Event = v.InferOutput<typeof environmentApi.EventObject>;
export type FeatureFlag = v.InferOutput<typeof environmentApi.FeatureFlagObject>;
export type AuditLogSchema = v.InferOutput<typeof environmentApi.AuditLogSchemaObject>;
export type AuditLogAction = v.InferOutput<typeof environmentApi.AuditLogActionObject>;

/** One field's problem in a 422's `errors`. */
export type FieldError = NonNullable<ErrorAnswer["errors"]>[number];
/** A rule a transfer would break, and what it implies (a transfer preview's `blockers` and `implications`). */
export type Blocker = TransferPreview["blockers"][number];
export type Implication = TransferPreview["implications"][number];
