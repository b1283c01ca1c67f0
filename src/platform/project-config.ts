import { createRouter } from "../lib/router";
import { auditLogSchemaRoutes } from "./audit-log-schemas";
import { emailDomainRoutes } from "./email-domains";
import { featureFlagRoutes } from "./feature-flags";

/** Project-level configuration, shared by every environment of a project (its presence blocks transfers out). */
export const projectConfigRoutes = createRouter()
  .route("/", emailDomainRoutes)
  .route("/", featureFlagRoutes)
  .route("/", auditLogSchemaRoutes);
