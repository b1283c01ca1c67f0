import * as v from "valibot";
import { ConnectionObject } from "./connections";
import { ListQuery, listParam, PrefixedId, Timestamp, TimestampInput } from "./fields";
import { OrganizationMembershipObject } from "./organization-memberships";
import { OrganizationDomainObject, OrganizationObject } from "./organizations";
import { AuthenticationEventData, SessionObject } from "./sessions";
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
import { UserObject } from "./users";

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

// ---- Input -------------------------------------------------------------------------------------------

export const ListEvents = ListQuery({
  ...listParam("events"),
  organization_id: v.optional(PrefixedId("organization")),
  range_start: v.optional(TimestampInput),
  range_end: v.optional(TimestampInput),
});

/** The `events` filter, once read from its query forms. */
export const EventNames = v.array(v.picklist(EMITTED_EVENTS, `must list event names among: ${EMITTED_EVENTS.join(", ")}.`));

// ---- Objects -----------------------------------------------------------------------------------------

/** Every event this service emits (services/environment-events.ts `EMITTED_EVENTS`), grouped by the object its `data` is. */
const ORGANIZATION_EVENTS = ["organization.created", "organization.updated", "organization.deleted"] as const;
const ORGANIZATION_DOMAIN_EVENTS = [
  "organization_domain.created",
  "organization_domain.updated",
  "organization_domain.deleted",
] as const;
const USER_EVENTS = ["user.created", "user.updated", "user.deleted"] as const;
const MEMBERSHIP_EVENTS = [
  "organization_membership.created",
  "organization_membership.updated",
  "organization_membership.deleted",
] as const;
const CONNECTION_EVENTS = ["connection.activated", "connection.deleted"] as const;
const SESSION_EVENTS = ["session.created", "session.revoked"] as const;
const AUTHENTICATION_EVENTS = ["authentication.password_succeeded", "authentication.password_failed"] as const;
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
