import { authorize } from "../auth/permissions";
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
import { invitationRoutes } from "./invitations";
import { memberRoutes } from "./members";
import { projectConfigRoutes } from "./project-config";
import { projectRoutes } from "./projects";
import { loadEnvironment, loadProject, loadTeam } from "./resources";
import { signingKeyRoutes } from "./signing-keys";
import { teamRoutes } from "./teams";
import { transferRoutes } from "./transfers";

/** The Platform API: teams, billing, projects, environments, transfers and what they hold. Every route needs a platform token. */
export const platformApi = createRouter()
  .use(requirePlatformClient)
  .use(
    rateLimit(
      (c) => c.env.RATE_LIMITER,
      (c) => `platform:${c.var.caller.clientId}`,
    ),
  )
  .use(authorize)
  .use(idempotency((c) => `platform:${c.var.caller.clientId}`))
  // The path's resources, resolved once and checked to be the caller's (./resources.ts): routes read c.var.
  .use("/teams/:team_id/*", loadTeam)
  .use("/teams/:team_id/projects/:project_id/*", loadProject)
  .use("/teams/:team_id/environments/:environment_id/*", loadEnvironment)
  .route("/", teamRoutes)
  .route("/", memberRoutes)
  .route("/", invitationRoutes)
  .route("/", projectRoutes)
  .route("/", transferRoutes)
  .route("/", projectConfigRoutes)
  .route("/", environmentRoutes)
  .route("/", apiKeyRoutes)
  .route("/", applicationsRoutes)
  .route("/", brandingRoutes)
  .route("/", connectionsRoutes)
  .route("/", signingKeyRoutes);

// An unknown path under /platform is a 404 here, not a fall-through to the environment API.
platformApi.all("*", (c) => {
  throw noRoute(c.req.method, c.req.path);
});
