import { createRouter } from "../lib/router";
import { idempotency } from "../middleware/idempotency";
import { rateLimit } from "../middleware/rate-limit";
import { auditLogsRoutes } from "./audit-logs";
import { forwardToStore, requireEnvironmentKey } from "./auth";
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
 * The environment API's routes, over `c.var.store` (the environment's data) and `c.var.db` (D1): run by the
 * Worker for an environment still in D1, and inside the environment's own object otherwise
 * (src/environment-store/serve.ts), where every statement is local and a write is one transaction.
 * Every route below sees only `c.var.environment`'s data.
 */
export const environmentRoutes = createRouter()
  // Answers that carry a code or token are never kept for idempotent replay: these routes come before it.
  .route("/", magicAuthRoutes)
  .route("/", passwordResetRoutes)
  // Keys are kept in the environment's store, with the writes they guard.
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

/**
 * The environment API: WorkOS's public API (paths and bodies as the official SDKs send them), scoped by an
 * environment's secret key. The Worker authenticates the key and counts the request against its rate limit; an
 * environment whose data is in its own object is then served there, in one RPC (forwardToStore).
 */
export const environmentApi = createRouter()
  .use(requireEnvironmentKey)
  .use(
    rateLimit(
      (c) => c.env.RATE_LIMITER,
      (c) => `environment:${c.var.environment.id}`,
    ),
  )
  .use(forwardToStore)
  .route("/", environmentRoutes);
