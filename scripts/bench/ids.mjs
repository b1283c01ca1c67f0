// Deterministic ids and timestamps for the seeded data: row n of a kind always gets the same id, so the
// bench can name any seeded row without querying for it. Same shape as src/lib/ids.ts (prefix + ULID).

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Rows of a kind are created 100 ms apart, starting at the seed's epoch (1M rows span ~28 h). */
const STEP_MS = 100;

const PREFIXES = {
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
  event: "event",
};

function base32(value, length) {
  let out = "";
  for (let i = 0; i < length; i++) {
    out = CROCKFORD[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

/** A ULID whose time part is the row's creation time and whose "random" part is its number: ids sort as rows were made. */
export const seededId = (epochMs, kind, n) => `${PREFIXES[kind]}_${base32(epochMs + n * STEP_MS, 10)}${base32(n, 16)}`;

export const seededTime = (epochMs, n) => new Date(epochMs + n * STEP_MS).toISOString();

/** The ids of one seed, by kind and row number. */
export const idsOf = (epochMs) => (kind, n) => seededId(epochMs, kind, n);
