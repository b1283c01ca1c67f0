import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * The error catalog: every code the service answers, with its one HTTP status and a default message.
 * `ApiError` takes its status from here, the OpenAPI document lists each route's codes from here, and the
 * README's table is generated from here (`npm run docs:errors`). A code used anywhere else fails the
 * catalog test (test/workers/error-catalog.test.ts).
 */
/** What a request that reaches an environment's data may answer (src/db/store-client.ts). */
export const ENVIRONMENT_DATA = ["environment_unavailable", "environment_migrating"] as const;

export const ERROR_CATALOG = {
  // 400: the request itself is malformed
  bad_request: { status: 400, message: "Bad request." },
  invalid_json: { status: 400, message: "The request body is not a JSON object (or nests too deeply)." },
  invalid_parameters: { status: 400, message: "Invalid query or path parameters." },
  invalid_idempotency_key: { status: 400, message: "Idempotency-Key must be 1 to 255 characters." },
  unsupported_grant_type: { status: 400, message: "grant_type must be client_credentials or password." },
  invalid_grant: { status: 400, message: "Wrong email or password." },
  invalid_request: { status: 400, message: "The request is missing a parameter or has an invalid one." },
  user_already_team_member: { status: 400, message: "This person is already a member of the team." },
  // 401: no valid credential
  unauthorized: { status: 401, message: "Missing or invalid credentials." },
  invalid_client: { status: 401, message: "Unknown client or wrong secret." },
  // 403: authenticated, not allowed
  forbidden: { status: 403, message: "You are not allowed to do this." },
  environment_locked: {
    status: 403,
    message: "This production environment is locked until its team adds billing information.",
  },
  email_verification_required: {
    status: 403,
    message: "Email ownership must be verified before authentication.",
  },
  // 404: missing, or not visible to this caller (never reveal that another team's id exists)
  not_found: { status: 404, message: "Not found." },
  team_not_found: { status: 404, message: "Team not found." },
  project_not_found: { status: 404, message: "Project not found." },
  environment_not_found: { status: 404, message: "Environment not found." },
  api_key_not_found: { status: 404, message: "API key not found." },
  application_not_found: { status: 404, message: "Application not found." },
  audit_log_action_not_found: { status: 404, message: "Audit Logs action not found." },
  billing_not_found: { status: 404, message: "This team has no billing information." },
  connection_not_found: { status: 404, message: "Connection not found." },
  email_verification_not_found: { status: 404, message: "Email verification not found." },
  email_domain_not_found: { status: 404, message: "Email domain not found." },
  feature_flag_not_found: { status: 404, message: "Feature flag not found." },
  invitation_not_found: { status: 404, message: "Invitation not found." },
  magic_auth_not_found: { status: 404, message: "Magic Auth code not found." },
  member_not_found: { status: 404, message: "Member not found." },
  organization_not_found: { status: 404, message: "Organization not found." },
  organization_membership_not_found: { status: 404, message: "Organization membership not found." },
  password_reset_not_found: { status: 404, message: "Password reset not found." },
  session_not_found: { status: 404, message: "Session not found." },
  target_not_found: { status: 404, message: "No organization or user with this id in this environment." },
  user_not_found: { status: 404, message: "User not found." },
  webhook_endpoint_not_found: { status: 404, message: "Webhook endpoint not found." },
  // 409: the state of things forbids it
  default_application_cannot_be_deleted: {
    status: 409,
    message: "The environment's default application shares its client id and cannot be deleted.",
  },
  email_domain_taken: { status: 409, message: "This domain is already a custom email domain of this project." },
  email_not_available: { status: 409, message: "Another user of this environment has this email address." },
  email_already_verified: { status: 409, message: "This user's email address is already verified." },
  environment_moved: { status: 409, message: "The environment moved to another project; retry." },
  external_id_taken: { status: 409, message: "Another object of this environment has this external_id." },
  feature_flag_slug_taken: { status: 409, message: "This project already has a feature flag with this slug." },
  idempotency_request_in_progress: {
    status: 409,
    message: "A request with this Idempotency-Key is in progress; retry shortly.",
  },
  invitation_already_pending: {
    status: 409,
    message: "This email already has a pending invitation (to this organization); resend or revoke it.",
  },
  invitation_not_pending: { status: 409, message: "This invitation is no longer pending." },
  organization_domain_taken: { status: 409, message: "This domain already belongs to another organization." },
  organization_membership_already_exists: { status: 409, message: "This user is already a member of this organization." },
  project_must_keep_environment: {
    status: 409,
    message: "A project must keep at least one environment; this is its last one.",
  },
  configuration_conflict: {
    status: 409,
    message: "The destination project has configuration that differs from the source's under the same name.",
  },
  source_project_config_not_copyable: {
    status: 409,
    message: 'The source project has project-level configuration that is not copied without configuration: "copy".',
  },
  source_project_must_keep_environment: {
    status: 409,
    message: "The source project must keep at least one environment; you can't move all of them out.",
  },
  team_must_keep_admin: { status: 409, message: "A team must keep at least one admin; this is its last one." },
  team_must_keep_project: { status: 409, message: "A team must keep at least one project; this is its last one." },
  transfer_conflict: {
    status: 409,
    message: "The source project changed while the transfer ran; nothing was moved. Preview it again.",
  },
  transfer_preview_stale: {
    status: 409,
    message: "The source project changed since it was reviewed. Preview the transfer again.",
  },
  webhook_endpoint_url_taken: { status: 409, message: "This environment already has a webhook endpoint with this URL." },
  // 415
  unsupported_media_type: { status: 415, message: "A request body must be sent as Content-Type: application/json." },
  // 422: well-formed, but against a rule
  validation_failed: { status: 422, message: "Validation failed." },
  environments_from_multiple_projects: {
    status: 422,
    message: "All transferred environments must come from the one source project.",
  },
  idempotency_key_reused: { status: 422, message: "This Idempotency-Key was already used with a different request." },
  one_time_code_invalid: { status: 422, message: "The code is not the one that was sent." },
  one_time_code_expired: {
    status: 422,
    message: "No code is pending: it expired, was used, or burned after 5 wrong tries. Send a new one.",
  },
  password_reset_token_invalid: { status: 422, message: "The password reset token is unknown, expired or already used." },
  production_environment_requires_billing: {
    status: 422,
    message: "Production environments are locked until the team adds billing information (PUT /platform/teams/:team_id/billing).",
  },
  destination_is_source: {
    status: 422,
    message: "The destination project is the source project: choose another project of the team.",
  },
  move_requires_transfer: {
    status: 422,
    message: "Moving environments into an existing project is a transfer: POST /platform/teams/:team_id/transfers.",
  },
  transfer_requires_acknowledgement: {
    status: 422,
    message: "A transfer is irreversible: set acknowledge to true after reviewing it (POST …/projects/transfer_preview).",
  },
  transfer_requires_environments: { status: 422, message: "Choose at least one environment to transfer." },
  // 429, 5xx
  rate_limited: { status: 429, message: "Too many requests." },
  internal_error: { status: 500, message: "Something went wrong on our side." },
  dns_resolver_unavailable: { status: 503, message: "The DNS resolver is unavailable. Try again shortly." },
  project_busy: { status: 503, message: "The project is busy with other changes; nothing was changed. Retry shortly." },
  environment_unavailable: {
    status: 503,
    message: "This environment's data is unavailable right now; nothing was changed. Retry shortly.",
  },
  environment_migrating: {
    status: 503,
    message: "This environment's data is being moved to its own store; reads are served, writes resume shortly.",
  },
} as const satisfies Record<string, { status: ContentfulStatusCode; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
export type ErrorStatus<C extends ErrorCode> = (typeof ERROR_CATALOG)[C]["status"];

export const isErrorCode = (code: string): code is ErrorCode => Object.hasOwn(ERROR_CATALOG, code);

/** One field-level problem in a 400/422 answer. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/**
 * The one error type of the service. Its `code` is stable (clients branch on it) and decides the status
 * (from the catalog); its message is for people. `details` are extra top-level fields of the answer
 * (e.g. `kinds` for a blocked transfer, `errors` for field problems).
 *
 * @example throw new ApiError("team_must_keep_project")
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;

  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CATALOG[code].message,
    readonly details: { errors?: FieldError[] } & Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = ERROR_CATALOG[code].status;
  }

  toJSON() {
    return { code: this.code, message: this.message, ...this.details };
  }

  /** A plain, structured-cloneable form, to cross a Durable Object RPC boundary (custom errors do not). */
  toWire(): WireError {
    return { status: this.status, code: this.code, message: this.message, details: this.details };
  }

  static fromWire(w: WireError): ApiError {
    return new ApiError(w.code, w.message, w.details);
  }
}

export interface WireError {
  status: ContentfulStatusCode;
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/** Entities whose `<entity>_not_found` code is in the catalog. */
export type NotFoundEntity = ErrorCode extends infer C ? (C extends `${infer E}_not_found` ? E : never) : never;

/** 404 for anything missing or not visible to the caller: never reveal that another team's id exists. */
export const notFound = (entity: NotFoundEntity, id?: string) =>
  new ApiError(
    `${entity}_not_found`,
    id ? `No ${entity.replaceAll("_", " ")} with id ${id}.` : `${capitalize(entity)} not found.`,
  );

export const unauthorized = (message?: string) => new ApiError("unauthorized", message);

/** A 422 for one field, in the same shape as a schema validation failure. */
export const invalidField = (field: string, code: string, message: string) =>
  new ApiError("validation_failed", message, { errors: [{ field, code, message }] });

/** A 400 for one query or path parameter. */
export const invalidParameter = (field: string, code: string, message: string) =>
  new ApiError("invalid_parameters", `Invalid parameters. ${field}: ${message}`, { errors: [{ field, code, message }] });

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replaceAll("_", " ");
