import { openAPIRouteHandler } from "hono-openapi";
import { createApp } from "./app";
import { openDatabase } from "./db/client";
import { deliverPendingEmail } from "./email/outbox";
import type { Env } from "./env";
import { DOCUMENTATION } from "./lib/openapi";
import { dashboard } from "./dashboard";
import { environmentApi } from "./environment-api";
import { tokenRoutes } from "./platform/auth";
import { platformApi } from "./platform";

/**
 * Assembles the surfaces: `/oauth2/token` and `/platform/*` for platform clients, the environment API at
 * the root for environment keys. The rules live in services/, the serialization of writes in coordinator/.
 */
const app = createApp();
app.route("/", tokenRoutes);
app.route("/platform", platformApi);
app.route("/dashboard", dashboard);
// The OpenAPI 3.1 document of every route, generated from the routes themselves (lib/openapi.ts).
app.get("/openapi.json", openAPIRouteHandler(app, { documentation: DOCUMENTATION, defaultValidationErrorResponse: false }));
app.route("/", environmentApi);

export { ProjectCoordinator } from "./coordinator/project-coordinator";
export { WebhookDispatcher } from "./webhooks/dispatcher";
// The Cron Trigger (wrangler.toml [triggers]): retries email still pending in the outbox (email/outbox.ts).
const scheduled = (_controller: ScheduledController, env: Env, ctx: ExecutionContext) => ctx.waitUntil(deliverPendingEmail(env, openDatabase(env)));
export default Object.assign(app, { scheduled });
