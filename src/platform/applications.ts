import { createRouter } from "../app";

// Platform routes for applications: not built yet.
export const applicationsRoutes = createRouter();
