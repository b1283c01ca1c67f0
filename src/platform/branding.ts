import { createRouter } from "../app";

// Platform routes for branding: not built yet.
export const brandingRoutes = createRouter();
