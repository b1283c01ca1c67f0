import { requestId } from "hono/request-id";
import { openDatabase } from "./db/client";
import { type DbMetrics, METRIC_HEADERS, newMetrics } from "./lib/db-metrics";
import { createRouter } from "./lib/router";
import { notFoundHandler, onError } from "./middleware/errors";
import { jsonBody } from "./middleware/json-body";

/** `{issuer}/oauth2/token`: an application's OAuth token endpoint (src/sign-in/routes.ts). */
const ISSUER_TOKEN_ENDPOINT = /^\/user_management\/[^/]+\/oauth2\/token$/;
/** The forms of the links the environment API hands out (password reset, invitation), under a client id. */
const HOSTED_LINK_FORM = /^\/user_management\/[^/]+\/(reset_password|accept_invitation)$/;

/**
 * The one app factory (also used by tests): request ids, the database, JSON in, the error model and not-found.
 * Every answer carries X-Request-ID; every error is `{code, message}` from the catalog (middleware/errors.ts).
 */
export function createApp() {
  const app = createRouter();
  app.use(requestId({ headerName: "X-Request-ID" }));
  app.use(async (c, next) => {
    const metrics = c.env.DB_METRICS === "1" ? newMetrics() : undefined;
    c.set("db", openDatabase(c.env, metrics));
    await next();
    if (metrics)
      for (const [key, header] of Object.entries(METRIC_HEADERS)) c.header(header, String(metrics[key as keyof DbMetrics]));
  });
  // Every surface takes JSON but the token endpoints (form-encoded, as OAuth requires: the platform's and each
  // application issuer's) and the HTML forms of the dashboard, of the hosted sign-in page and of its emailed links.
  app.use(
    jsonBody(
      (path) =>
        path === "/oauth2/token" ||
        ISSUER_TOKEN_ENDPOINT.test(path) ||
        HOSTED_LINK_FORM.test(path) ||
        path === "/dashboard" ||
        path.startsWith("/dashboard/") ||
        path.startsWith("/user_management/authorize/"),
    ),
  );
  app.notFound(notFoundHandler);
  app.onError(onError);
  return app;
}
