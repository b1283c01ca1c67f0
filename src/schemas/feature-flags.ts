import * as v from "valibot";
import { DescribedTimestamp, Name, Timestamp } from "./fields";

/** A flag's key: lowercase letters, digits, - and _, starting with a letter or digit. */
export const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,99}$/;

// ---- Input (Platform API: the project's flags) --------------------------------------------------------

const Slug = v.pipe(
  v.string(),
  v.maxLength(100, "must be at most 100 characters."),
  v.regex(SLUG_PATTERN, "must be lowercase letters, digits, - and _, starting with a letter or digit."),
);
const Description = v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(500, "must be at most 500 characters.")));
const Tags = v.pipe(
  v.array(v.pipe(v.string(), v.trim(), v.nonEmpty("must not be empty."), v.maxLength(50, "must be at most 50 characters."))),
  v.maxLength(20, "must list at most 20 tags."),
  v.transform((tags) => [...new Set(tags)]),
);
export const CreateFlag = v.strictObject({
  slug: Slug,
  name: Name,
  description: v.optional(Description),
  tags: v.optional(Tags, []),
  default_value: v.optional(v.boolean(), false),
});
// The slug is the flag's key: it cannot change.
export const UpdateFlag = v.strictObject({
  name: v.optional(Name),
  description: v.optional(Description),
  tags: v.optional(Tags),
  default_value: v.optional(v.boolean()),
});

// ---- Objects -----------------------------------------------------------------------------------------

/** A project's flag as the Platform API answers it (its definition; the state is per environment). */
export const ProjectFeatureFlagObject = v.object({
  object: v.literal("feature_flag"),
  id: v.string(),
  project_id: v.string(),
  slug: v.string(),
  name: v.string(),
  description: v.nullable(v.string()),
  tags: v.array(v.string()),
  default_value: v.boolean(),
  created_at: DescribedTimestamp,
  updated_at: DescribedTimestamp,
});

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
