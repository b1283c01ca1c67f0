import type { ContentfulStatusCode } from "hono/utils/http-status";

/** One field-level problem in a 400/422 answer. */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

/**
 * The one error type of the service. Its `code` is stable (clients branch on it); its message is for people.
 * `details` are extra top-level fields of the answer (e.g. `kinds` for a blocked transfer).
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: { errors?: FieldError[] } & Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  toJSON() {
    return { code: this.code, message: this.message, ...this.details };
  }

  /** A plain, structured-cloneable form, to cross a Durable Object RPC boundary (custom errors do not). */
  toWire(): WireError {
    return { status: this.status, code: this.code, message: this.message, details: this.details };
  }

  static fromWire(w: WireError): ApiError {
    return new ApiError(w.status, w.code, w.message, w.details);
  }
}

export interface WireError {
  status: ContentfulStatusCode;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** 404 for anything missing or not visible to the caller: never reveal that another team's id exists. */
export const notFound = (entity: string, id?: string) =>
  new ApiError(404, `${entity}_not_found`, id ? `No ${entity.replaceAll("_", " ")} with id ${id}.` : `${capitalize(entity)} not found.`);

export const unauthorized = (message = "Missing or invalid credentials.") => new ApiError(401, "unauthorized", message);

/** A 422 for one field, in the same shape as a schema validation failure. */
export const invalidField = (field: string, code: string, message: string) =>
  new ApiError(422, "validation_failed", message, { errors: [{ field, code, message }] });

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1).replaceAll("_", " ");
