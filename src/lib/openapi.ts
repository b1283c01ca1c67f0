import type { Hono } from "hono";
import { describeRoute, type GenerateSpecOptions, generateSpecs, resolver } from "hono-openapi";
import * as v from "valibot";
import { ERROR_CATALOG, type ErrorCode } from "./errors";

/**
 * Routes document themselves where they are defined: `validate(…)` (lib/validation.ts) registers the request
 * schema it checks, and `doc(…)` the summary, the answers and the error codes the route may answer. The
 * document is served at `GET /openapi.json` (src/index.ts) and swept by the generated test suites.
 */

/** The error answer of every route: `{code, message, errors?}` (see lib/errors.ts). */
export const ErrorBody = v.looseObject({
  code: v.string(),
  message: v.string(),
  errors: v.optional(v.array(v.object({ field: v.string(), code: v.string(), message: v.string() }))),
});

/** Any route can fail on our side (logged, answered without details); a client's mistake never is one. */
const ANY: ErrorCode[] = ["internal_error"];
/** Codes every authenticated route may answer, whatever it does. */
const AUTHENTICATED: ErrorCode[] = ["unauthorized", "rate_limited", "invalid_parameters"];
/** The environment API refuses a locked production environment's key on every route (environment-api/auth.ts). */
const ENVIRONMENT: ErrorCode[] = ["environment_locked"];
/** The Platform API refuses by role on every route, from one permission table (auth/permissions.ts). */
const PLATFORM: ErrorCode[] = ["forbidden"];
/** Codes every write (a JSON body) may answer. */
const WRITES: ErrorCode[] = ["unsupported_media_type", "invalid_json", "validation_failed"];

export interface RouteDoc {
  summary: string;
  tags: string[];
  description?: string;
  /** Success answers: a schema per status, or `null` for a body-less answer (204). */
  responses: Record<number, v.GenericSchema | null>;
  /** The error codes this route may answer beyond the common ones (their statuses come from the catalog). */
  errors?: ErrorCode[];
  /** The surface's security scheme (`platform` token, `environment` key or `operator` token); `none` for open routes. */
  security?: "platform" | "environment" | "operator" | "none";
  /** A write with a JSON body (adds the body errors). */
  write?: boolean;
}

/** Describes a route for the OpenAPI document. */
export function doc(route: RouteDoc) {
  const security = route.security ?? "platform";
  const codes = new Set<ErrorCode>([
    ...ANY,
    ...(security === "none" ? [] : AUTHENTICATED),
    ...(security === "environment" ? ENVIRONMENT : []),
    ...(security === "platform" ? PLATFORM : []),
    ...(route.write ? WRITES : []),
    ...(route.errors ?? []),
  ]);
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    responses[status] = schema
      ? { description: "Success.", content: { "application/json": { schema: resolver(schema) } } }
      : { description: "Success, no content." };
  }
  for (const [status, list] of groupByStatus(codes)) {
    responses[status] = {
      description: list.map((c) => `\`${c}\``).join(", "),
      content: {
        "application/json": {
          schema: resolver(v.looseObject({ ...ErrorBody.entries, code: v.picklist(list as [ErrorCode, ...ErrorCode[]]) })),
        },
      },
    };
  }
  return describeRoute({
    summary: route.summary,
    description: route.description,
    tags: route.tags,
    security: security === "none" ? [] : [{ [security]: [] }],
    responses: responses as any,
  });
}

function groupByStatus(codes: Iterable<ErrorCode>) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOG[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return [...byStatus].sort(([a], [b]) => a - b);
}

/** The document's frame: title, security schemes, servers. */
export const DOCUMENTATION: GenerateSpecOptions["documentation"] = {
  info: {
    title: "Projects control plane",
    version: "1.0.0",
    description:
      "The Platform API (`/platform`: teams, projects, environments, transfers) for platform clients, and the environment API " +
      "(WorkOS's public API) for an environment's secret key. Errors are `{code, message, errors?}`; every code and its status is in the error catalog.",
  },
  components: {
    securitySchemes: {
      platform: { type: "http", scheme: "bearer", description: "A platform access token from `POST /oauth2/token`." },
      environment: { type: "http", scheme: "bearer", description: "An environment's secret key, `sk_test_…` or `sk_live_…`." },
      operator: {
        type: "http",
        scheme: "bearer",
        description: "The deployment's OPERATOR_TOKEN secret (`/operator` exists only when it is set).",
      },
    },
  },
  tags: [
    { name: "Teams" },
    { name: "Projects" },
    { name: "Transfers" },
    { name: "Environments" },
    { name: "Project configuration" },
    { name: "Organizations" },
    { name: "User management" },
    { name: "SSO" },
    { name: "Webhooks" },
    { name: "Events" },
    { name: "Feature flags" },
    { name: "Audit Logs" },
    { name: "Operator" },
  ],
};

// ---- The served document ------------------------------------------------------------------------

type Json = Record<string, any>;
const WRITE_METHODS = new Set(["post", "put", "patch", "delete"]);
/** Answered by middleware on every write method, whatever the route (middleware/json-body.ts). */
const BODY_CODES: ErrorCode[] = ["unsupported_media_type", "invalid_json"];
/** Answered by the idempotency middleware on every authenticated POST (middleware/idempotency.ts). */
const IDEMPOTENCY_CODES: ErrorCode[] = ["invalid_idempotency_key", "idempotency_key_reused", "idempotency_request_in_progress"];
/** Surfaces that are not part of the API (HTML for people: the dashboard, the hosted sign-in pages): never in the document. */
const NOT_API = /^\/dashboard(\/|$)|^\/user_management\/authorize(\/|$)|^\/user_management\/sessions\/logout$/;

/**
 * The OpenAPI 3.1 document of the app: hono-openapi's generation from the routes' `doc()` and `validate()`,
 * then a finishing pass that makes it true of what middleware does and sound for generators:
 * - every `{param}` of a path is a required string path parameter;
 * - every operation has a stable, unique `operationId` (from method and path, e.g. `postPlatformTeamsByTeamIdProjects`);
 * - the codes middleware answers on every write (415, `invalid_json`) and on every POST (`Idempotency-Key`) are listed;
 * - tags used by operations are declared; the dashboard's HTML routes are left out.
 */
export async function openApiDocument<A extends Hono<any, any, any>>(app: A): Promise<Json> {
  const document = (await generateSpecs(app, { documentation: DOCUMENTATION, defaultValidationErrorResponse: false })) as Json;
  return finishDocument(document);
}

export function finishDocument(document: Json): Json {
  const declaredTags = new Set<string>((document.tags ?? []).map((t: { name: string }) => t.name));
  for (const path of Object.keys(document.paths ?? {})) {
    if (NOT_API.test(path)) {
      delete document.paths[path];
      continue;
    }
    const item = document.paths[path];
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of Object.keys(item)) {
      const op = item[method];
      if (!op || typeof op !== "object" || method === "parameters") continue;
      op.operationId ??= operationIdOf(method, path);
      op.parameters = op.parameters ?? [];
      for (const name of names) {
        if (!op.parameters.some((p: Json) => p.in === "path" && p.name === name))
          op.parameters.push({ in: "path", name, required: true, schema: { type: "string" } });
      }
      if (op.parameters.length === 0) delete op.parameters;
      // A route with validate() but no doc() gets `200: {}` from the generator; keep the document valid (the
      // route-table test names such routes).
      for (const answer of Object.values<Json>(op.responses ?? {}))
        answer.description ??= "Not described: the route has no doc().";
      const secured = Array.isArray(op.security) && op.security.length > 0;
      if (WRITE_METHODS.has(method) && secured) addErrorCodes(op, BODY_CODES);
      if (method === "post" && secured) addErrorCodes(op, IDEMPOTENCY_CODES);
      for (const tag of op.tags ?? []) {
        if (!declaredTags.has(tag)) {
          declaredTags.add(tag);
          document.tags = [...(document.tags ?? []), { name: tag }];
        }
      }
    }
  }
  return document;
}

/** `post /platform/teams/{team_id}/projects` → `postPlatformTeamsByTeamIdProjects` (hono-openapi's own scheme). */
export function operationIdOf(method: string, path: string): string {
  const pascal = (s: string) =>
    s
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0].toUpperCase() + w.slice(1))
      .join("");
  let id = method.toLowerCase();
  for (const segment of path.split("/").filter(Boolean))
    id += segment.startsWith("{") ? `By${pascal(segment.slice(1, -1))}` : pascal(segment);
  return id;
}

/** Adds error codes to an operation's answers, merging into the error schema of their status (or adding one). */
function addErrorCodes(op: Json, codes: ErrorCode[]) {
  op.responses ??= {};
  for (const code of codes) {
    const status = String(ERROR_CATALOG[code].status);
    const schema = op.responses[status]?.content?.["application/json"]?.schema;
    const known: string[] | undefined = schema?.properties?.code?.enum;
    if (known) {
      if (known.includes(code)) continue;
      // A copy: generated schemas may be shared between operations.
      const codes = [...known, code];
      op.responses[status] = {
        ...op.responses[status],
        description: codes.map((c) => `\`${c}\``).join(", "),
        content: {
          "application/json": {
            schema: { ...schema, properties: { ...schema.properties, code: { ...schema.properties.code, enum: codes } } },
          },
        },
      };
      continue;
    }
    if (op.responses[status]) continue; // a success answer of that status: it stays
    op.responses[status] = {
      description: `\`${code}\``,
      content: { "application/json": { schema: errorSchema([code]) } },
    };
  }
}

/** The JSON Schema of an error answer restricted to `codes` (the same shape `doc()` generates from ErrorBody). */
const errorSchema = (codes: string[]): Json => ({
  type: "object",
  properties: {
    code: { type: "string", enum: codes },
    message: { type: "string" },
    errors: {
      type: "array",
      items: {
        type: "object",
        properties: { field: { type: "string" }, code: { type: "string" }, message: { type: "string" } },
        required: ["field", "code", "message"],
      },
    },
  },
  required: ["code", "message"],
});
