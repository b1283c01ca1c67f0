import { createApp } from "./app";
import { dashboard } from "./dashboard";
import { openDatabase } from "./db/client";
import { deliverPendingEmail } from "./email/outbox";
import type { Env } from "./env";
import { environmentApi } from "./environment-api";
import { operatorRoutes } from "./operator";
import { platformApi } from "./platform";
import { tokenRoutes } from "./platform/auth";
import { deleteExpiredBrowserSessions } from "./services/browser-sessions";
import { deleteExpiredSignInRows } from "./services/sign-in/cleanup";
import { signInSurface } from "./sign-in/hosted";
import { signInRoutes } from "./sign-in/routes";

/**
 * Assembles the surfaces: `/oauth2/token` and `/platform/*` for platform clients, the environment API at
 * the root for environment keys. The rules live in services/, the serialization of writes in coordinator/.
 */
const app = createApp();
// Chained, so that the routes' types flow into AppType (hono/client).
const api = app.route("/", tokenRoutes).route("/platform", platformApi).route("/dashboard", dashboard);
// The OpenAPI 3.1 document of every route, generated from the routes themselves at build time
// (scripts/build-openapi.mjs → public/openapi.json, a static asset): the Worker carries no schema converter.
// Not in the document itself (nor /docs): it describes the API, not its own description.
app.get("/openapi.json", (c) => c.env.ASSETS.fetch(c.req.raw));
// The API reference for people: Scalar's page over /openapi.json, rendered at build time (scripts/copy-docs-assets.mjs →
// public/docs.html, which assets serve at /docs) with its script served by this Worker too (public/docs/), never a CDN.
app.get("/docs", (c) => c.env.ASSETS.fetch(c.req.raw));
app.get("/docs/*", (c) => c.env.ASSETS.fetch(c.req.raw));
// Browsers ask for /favicon.ico on their own: answer before the environment API (which would answer 401).
app.get("/favicon.ico", (c) => c.redirect("/dashboard/favicon.svg", 301));
// The operator's surface (moving environments' data into their objects), before the environment API's key check.
app.route("/operator", operatorRoutes);
// The hosted sign-in surface (HTML, no environment key): before the environment API, whose key check covers "/".
app.route("/", signInSurface);
// Sign-in through applications (no environment key: the client id names the environment), before the environment
// API, whose key check would otherwise answer first.
const routes = api.route("/", signInRoutes).route("/", environmentApi);

/**
 * The app's type for a typed client (`hc<AppType>` from hono/client): paths, parameters, bodies and answers.
 *
 * @example const client = hc<AppType>("https://control-plane.example.com", { headers: { Authorization: `Bearer ${token}` } });
 */
export type AppType = typeof routes;

export { ProjectCoordinator } from "./coordinator/project-coordinator";
export { EnvironmentStore } from "./environment-store/store";
export { WebhookDispatcher } from "./webhooks/dispatcher";

// The Cron Trigger (wrangler.toml [triggers]): retries email still pending in the outbox (email/outbox.ts), and
// deletes expired sign-in rows (services/sign-in/cleanup.ts) of the environments still in D1 — one statement per
// table, whatever their number. An environment in its own object cleans its rows from that object's alarm.
const scheduled = (_controller: ScheduledController, env: Env, ctx: ExecutionContext) => {
  ctx.waitUntil(deliverPendingEmail(env, openDatabase(env)));
  ctx.waitUntil(deleteExpiredSignInRows(openDatabase(env)));
  ctx.waitUntil(deleteExpiredBrowserSessions(openDatabase(env)));
};
export default Object.assign(app, { scheduled });
