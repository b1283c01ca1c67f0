import * as v from "valibot";
import { Name, DescribedTimestamp as Timestamp, TimestampInput } from "./fields";

export const CreateApiKey = v.strictObject({ name: Name, expires_at: v.optional(v.nullable(TimestampInput)) });

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
