import { ApiError } from "./errors";

/**
 * Rules the database enforces itself (migrations/0001_project_invariants.sql raises these codes).
 * When a write that slipped around a project's coordinator trips one, it answers like the coordinator would.
 */
const DATABASE_RULES = [
  "project_must_keep_environment",
  "source_project_must_keep_environment",
  "team_must_keep_project",
] as const;

export function invariantViolation(err: unknown): ApiError | undefined {
  const text = String((err as Error)?.message ?? err) + String((err as { cause?: Error })?.cause?.message ?? "");
  for (const code of DATABASE_RULES) if (text.includes(code)) return new ApiError(code);
  return undefined;
}
