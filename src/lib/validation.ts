import type { ValidationTargets } from "hono";
import { validator } from "hono-openapi";
import * as v from "valibot";
import { ApiError, type FieldError } from "./errors";

/**
 * The one validation hook: a valibot failure becomes the contract's error, never the validator's raw result.
 * A JSON body that does not fit is a 422 `validation_failed`; query, path or form parameters that do not fit are a
 * 400 `invalid_parameters`. Each problem names its field. The same schema documents the route (hono-openapi).
 *
 * @example app.post("/teams", validate("json", CreateTeam), (c) => c.req.valid("json"))
 */
export const validate = <T extends v.GenericSchema, Target extends keyof ValidationTargets>(target: Target, schema: T) =>
  validator(target, schema, (result) => {
    if (result.success) return;
    // valibot's Standard Schema issues are its own issue objects.
    const errors = toFieldErrors(result.error as unknown as v.BaseIssue<unknown>[]);
    const summary = errors.map((e) => `${e.field}: ${e.message}`).join("; ");
    if (target === "json") throw new ApiError("validation_failed", `Validation failed. ${summary}`, { errors });
    throw new ApiError("invalid_parameters", `Invalid parameters. ${summary}`, { errors });
  });

/** Turns valibot issues into `{field, code, message}` with stable codes. */
export function toFieldErrors(issues: readonly v.BaseIssue<unknown>[]): FieldError[] {
  return issues.map((issue) => {
    const field = v.getDotPath(issue) ?? "(body)";
    const code = issueCode(issue);
    const message = code === "required" ? "is required." : code === "unknown_field" ? "is not a known field." : issue.message;
    return { field, code, message };
  });
}

function issueCode(issue: v.BaseIssue<unknown>): string {
  if (issue.kind === "schema" && ["object", "strict_object", "loose_object"].includes(issue.type)) {
    if (issue.expected === "never") return "unknown_field";
    if (issue.received === "undefined") return "required";
  }
  switch (issue.type) {
    case "max_length":
    case "max_bytes":
    case "max_size":
      return "too_long";
    case "min_length":
      return "too_short";
    case "non_empty":
      return "required";
    case "min_value":
    case "max_value":
      return "out_of_range";
    case "regex":
    case "email":
    case "url":
    case "iso_timestamp":
    case "hex_color":
      return "invalid_format";
    case "picklist":
    case "literal":
    case "value":
      return "invalid_value";
    case "check":
      return "invalid";
    default:
      return issue.kind === "schema" ? "invalid_type" : "invalid";
  }
}
