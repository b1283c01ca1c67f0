import { createRouter } from "../lib/router";
import { noRoute } from "../middleware/errors";
import { idempotency } from "../middleware/idempotency";
import { rateLimit } from "../middleware/rate-limit";
import { apiKeyRoutes } from "./api-keys";
import { applicationsRoutes } from "./applications";
import { requirePlatformClient } from "./auth";
import { brandingRoutes } from "./branding";
import { connectionsRoutes } from "./connections";
import { environmentRoutes } from "./environments";
import { projectConfigRoutes } from "./project-config";
import { projectRoutes } from "./projects";
import { teamRoutes } from "./teams";

/** The Platform API: teams, billing, projects, environments, transfers and what they hold. Every route needs a platform token. */
export const platformApi = createRouter()
  .use(requirePlatformClient)
  .use(rateLimit((c) => c.env.RATE_LIMITER, (c) => `platform:${c.var.caller.clientId}`))
  .use(idempotency((c) => `platform:${c.var.caller.clientId}`))
  .route("/", teamRoutes)
  .route("/", projectRoutes)
  .route("/", projectConfigRoutes)
  .route("/", environmentRoutes)
  .route("/", apiKeyRoutes)
  .route("/", applicationsRoutes)
  .route("/", brandingRoutes)
  .route("/", connectionsRoutes);

// An unknown path under /platform is a 404 here, not a fall-through to the environment API.
platformApi.all("*", (c) => {
  throw noRoute(c.req.method, c.req.path);
});
