import { ApiError } from "./errors";

/**
 * Rules the database enforces itself (migrations/0001_project_invariants.sql raises these codes).
 * When a write that slipped around a project's coordinator trips one, it answers like the coordinator would.
 */
const DATABASE_RULES: Record<string, { status: 409; message: string }> = {
  project_must_keep_environment: { status: 409, message: "A project must keep at least one environment." },
  source_project_must_keep_environment: { status: 409, message: "The source project must keep at least one environment." },
  team_must_keep_project: { status: 409, message: "A team must keep at least one project." },
};

export function invariantViolation(err: unknown): ApiError | undefined {
  const text = String((err as Error)?.message ?? err) + String((err as { cause?: Error })?.cause?.message ?? "");
  for (const [code, rule] of Object.entries(DATABASE_RULES)) if (text.includes(code)) return new ApiError(rule.status, code, rule.message);
  return undefined;
}
