import { monotonicFactory } from "ulid";

/** Ids of people-related rows: a prefix and a ULID, like lib/ids.ts (kept apart so the two lists merge cleanly). */
export const PEOPLE_ID_PREFIXES = {
  person: "person",
  member: "member",
  invitation: "invitation",
  session: "psess",
  passwordReset: "pwreset",
  signInFailure: "signin",
  passwordResetRequest: "pwrreq",
  email: "email",
} as const;
export type PeopleIdKind = keyof typeof PEOPLE_ID_PREFIXES;

const nextUlid = monotonicFactory();
export const newPeopleId = (kind: PeopleIdKind) => `${PEOPLE_ID_PREFIXES[kind]}_${nextUlid()}`;
export const isPeopleId = (kind: PeopleIdKind, value: string) =>
  new RegExp(`^${PEOPLE_ID_PREFIXES[kind]}_[0-9A-HJKMNP-TV-Z]{26}$`).test(value);
