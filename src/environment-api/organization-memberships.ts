import { createRouter } from "../app";

// Routes of the environment API for organization-memberships: not built yet.
export const organizationMembershipsRoutes = createRouter();
