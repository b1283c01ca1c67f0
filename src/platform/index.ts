import { createRouter } from "../app";
import { idempotency } from "../middleware/idempotency";
import { requirePlatformClient } from "./auth";
import { environmentRoutes } from "./environments";
import { projectRoutes } from "./projects";
import { teamRoutes } from "./teams";

/** The Platform API: teams, billing, projects, environments, transfers. Every route needs a platform token. */
export const platformApi = createRouter()
  .use(requirePlatformClient)
  .use(idempotency((c) => `platform:${c.var.caller.clientId}`))
  .route("/", teamRoutes)
  .route("/", projectRoutes)
  .route("/", environmentRoutes);
