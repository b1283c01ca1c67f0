import { ApiError } from "../lib/errors";

/** Whether two metadata records hold the same pairs (in any order). */
export function sameMetadata(a: Record<string, string>, b: Record<string, string>) {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

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
      errors: [
        { field: "metadata", code: "too_many_keys", message: "can have at most 10 keys (after merging with the current ones)." },
      ],
    });
  return merged;
}
