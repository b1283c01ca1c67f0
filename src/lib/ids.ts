import { monotonicFactory } from "ulid";

/** Every object's id is a type prefix and a ULID: time-ordered (ids double as pagination cursors), never a count. */
export const ID_PREFIXES = {
  team: "team",
  project: "project",
  environment: "environment",
  client: "client",
  apiKey: "api_key",
  application: "app",
  organization: "org",
  organizationDomain: "org_domain",
  user: "user",
  organizationMembership: "om",
  connection: "conn",
  webhookEndpoint: "we",
  webhookSecret: "whsec",
  webhookDelivery: "whd",
  featureFlag: "flag",
  event: "event",
  emailDomain: "email_domain",
  transfer: "transfer",
  auditLogSchema: "als",
  auditLogEvent: "ale",
  magicAuth: "magic_auth",
  emailVerification: "email_verification",
  passwordReset: "password_reset",
  userInvitation: "invitation",
  signingKey: "key",
  userSession: "session",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

// Monotonic: ids minted in the same millisecond by this isolate still sort in creation order.
const nextUlid = monotonicFactory();

export const newId = (kind: IdKind) => `${ID_PREFIXES[kind]}_${nextUlid()}`;

const ULID = "[0-9A-HJKMNP-TV-Z]{26}";
const patterns = new Map<IdKind, RegExp>();

/** Whether `value` has the shape of an id of this kind (prefix and ULID). */
export function isId(kind: IdKind, value: string): boolean {
  let re = patterns.get(kind);
  if (!re) {
    re = new RegExp(`^${ID_PREFIXES[kind]}_${ULID}$`);
    patterns.set(kind, re);
  }
  return re.test(value);
}
