import { createRouter } from "../lib/router";
import { idempotency } from "../middleware/idempotency";
import { rateLimit } from "../middleware/rate-limit";
import { auditLogsRoutes } from "./audit-logs";
import { requireEnvironmentKey } from "./auth";
import { connectionsRoutes } from "./connections";
import { emailVerificationRoutes } from "./email-verification";
import { eventsRoutes } from "./events";
import { featureFlagsRoutes } from "./feature-flags";
import { magicAuthRoutes } from "./magic-auth";
import { organizationMembershipsRoutes } from "./organization-memberships";
import { organizationsRoutes } from "./organizations";
import { passwordResetRoutes } from "./password-reset";
import { sessionsRoutes } from "./sessions";
import { userInvitationsRoutes } from "./user-invitations";
import { usersRoutes } from "./users";
import { webhookEndpointsRoutes } from "./webhook-endpoints";

/**
 * The environment API: WorkOS's public API (paths and bodies as the official SDKs send them), scoped by an
 * environment's secret key. Every route below sees only `c.var.environment`'s data.
 */
export const environmentApi = createRouter()
  .use(requireEnvironmentKey)
  .use(
    rateLimit(
      (c) => c.env.RATE_LIMITER,
      (c) => `environment:${c.var.environment.id}`,
    ),
  )
  // Answers that carry a code or token are never kept for idempotent replay: these routes come before it.
  .route("/", magicAuthRoutes)
  .route("/", passwordResetRoutes)
  .use(
    idempotency(
      (c) => `environment:${c.var.environment.id}`,
      (c) => c.var.store,
    ),
  )
  .route("/", organizationsRoutes)
  .route("/", usersRoutes)
  .route("/", sessionsRoutes)
  .route("/", organizationMembershipsRoutes)
  .route("/", connectionsRoutes)
  .route("/", webhookEndpointsRoutes)
  .route("/", eventsRoutes)
  .route("/", featureFlagsRoutes)
  .route("/", auditLogsRoutes)
  .route("/", emailVerificationRoutes)
  .route("/", userInvitationsRoutes);
