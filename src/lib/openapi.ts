import { type GenerateSpecOptions, describeRoute, resolver } from "hono-openapi";
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

/** Codes every authenticated route may answer, whatever it does. */
const AUTHENTICATED: ErrorCode[] = ["unauthorized", "rate_limited", "invalid_parameters"];
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
  /** The surface's security scheme (`platform` token or `environment` key); `none` for open routes. */
  security?: "platform" | "environment" | "none";
  /** A write with a JSON body (adds the body errors). */
  write?: boolean;
}

/** Describes a route for the OpenAPI document. */
export function doc(route: RouteDoc) {
  const security = route.security ?? "platform";
  const codes = new Set<ErrorCode>([
    ...(security === "none" ? [] : AUTHENTICATED),
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
          schema: resolver(
            v.looseObject({ ...ErrorBody.entries, code: v.picklist(list as [ErrorCode, ...ErrorCode[]]) }),
          ),
        },
      },
    };
  }
  return describeRoute({
    summary: route.summary,
    description: route.description,
    tags: route.tags,
    security: security === "none" ? [] : [{ [security]: [] }],
    // biome-ignore lint/suspicious/noExplicitAny: hono-openapi's responses accept resolver() values.
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
  ],
};
