/**
 * The bodies tests read, typed from the schemas that validate and document each route (and are pinned to their
 * serializers): a test that reads a field the API does not answer is a type error. One module, so that when the
 * schemas move only these imports change.
 */
import type * as v from "valibot";
import type { ErrorBody } from "../../src/lib/openapi";
import type { ApiKeyObject } from "../../src/schemas/api-keys";
import type { ApplicationObject } from "../../src/schemas/applications";
import type { AuditLogActionObject, AuditLogSchemaObject, ProjectAuditLogSchemaObject } from "../../src/schemas/audit-logs";
import type { ConnectionObject } from "../../src/schemas/connections";
import type { EmailDomainObject } from "../../src/schemas/email-domains";
import type { EnvironmentObject } from "../../src/schemas/environments";
import type { EventObject } from "../../src/schemas/events";
import type { FeatureFlagObject, ProjectFeatureFlagObject } from "../../src/schemas/feature-flags";
import type { InvitationObject } from "../../src/schemas/invitations";
import type { MemberObject } from "../../src/schemas/members";
import type { OrganizationMembershipObject } from "../../src/schemas/organization-memberships";
import type { OrganizationDomainObject, OrganizationObject } from "../../src/schemas/organizations";
import type { ProjectObject, ProjectWithEnvironmentsObject, TransferPreviewObject } from "../../src/schemas/projects";
import type { TeamEventObject, TeamObject, UsageObject } from "../../src/schemas/teams";
import type { TokenObject } from "../../src/schemas/tokens";
import type { TransferObject } from "../../src/schemas/transfers";
import type { UserObject } from "../../src/schemas/users";
import type { WebhookEndpointObject } from "../../src/schemas/webhook-endpoints";

/** A page of a list (`ListOf(item)`). */
export type List<T> = { object: "list"; data: T[]; list_metadata: { before: string | null; after: string | null } };
export type ErrorAnswer = v.InferOutput<typeof ErrorBody>;

// Platform API
export type Team = v.InferOutput<typeof TeamObject>;
export type Usage = v.InferOutput<typeof UsageObject>;
export type UsageLine = Usage["lines"][number];
export type TeamEvent = v.InferOutput<typeof TeamEventObject>;
export type Project = v.InferOutput<typeof ProjectObject>;
export type Environment = v.InferOutput<typeof EnvironmentObject>;
export type ProjectWithEnvironments = v.InferOutput<typeof ProjectWithEnvironmentsObject>;
export type Transfer = v.InferOutput<typeof TransferObject>;
export type TransferPreview = v.InferOutput<typeof TransferPreviewObject>;
export type ApiKey = v.InferOutput<typeof ApiKeyObject>;
export type Application = v.InferOutput<typeof ApplicationObject>;
export type ProjectFeatureFlag = v.InferOutput<typeof ProjectFeatureFlagObject>;
export type EmailDomain = v.InferOutput<typeof EmailDomainObject>;
export type ProjectAuditLogSchema = v.InferOutput<typeof ProjectAuditLogSchemaObject>;
export type Token = v.InferOutput<typeof TokenObject>;
export type Member = v.InferOutput<typeof MemberObject>;
export type Invitation = v.InferOutput<typeof InvitationObject>;

// Environment API
export type Organization = v.InferOutput<typeof OrganizationObject>;
export type OrganizationDomain = v.InferOutput<typeof OrganizationDomainObject>;
export type User = v.InferOutput<typeof UserObject>;
export type OrganizationMembership = v.InferOutput<typeof OrganizationMembershipObject>;
export type Connection = v.InferOutput<typeof ConnectionObject>;
export type WebhookEndpoint = v.InferOutput<typeof WebhookEndpointObject>;
export type Event = v.InferOutput<typeof EventObject>;
export type FeatureFlag = v.InferOutput<typeof FeatureFlagObject>;
export type AuditLogSchema = v.InferOutput<typeof AuditLogSchemaObject>;
export type AuditLogAction = v.InferOutput<typeof AuditLogActionObject>;

/** One field's problem in a 422's `errors`. */
export type FieldError = NonNullable<ErrorAnswer["errors"]>[number];
/** A rule a transfer would break, and what it implies (a transfer preview's `blockers` and `implications`). */
export type Blocker = TransferPreview["blockers"][number];
export type Implication = TransferPreview["implications"][number];
