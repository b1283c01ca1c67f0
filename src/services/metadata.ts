import { ApiError } from "../lib/errors";

/** Applies a `metadata` update (a null value removes its key); at most 10 keys remain, as WorkOS allows. */
export function mergeMetadata(current: Record<string, string>, patch: Record<string, string | null> | undefined) {
  if (!patch) return current;
  const merged: Record<string, string> = { ...current };
  for (const [k, val] of Object.entries(patch)) {
    if (val === null) delete merged[k];
    else merged[k] = val;
  }
  if (Object.keys(merged).length > 10)
    throw new ApiError("validation_failed", "metadata can have at most 10 keys.", {
      errors: [{ field: "metadata", code: "too_many_keys", message: "can have at most 10 keys (after merging with the current ones)." }],
    });
  return merged;
}
