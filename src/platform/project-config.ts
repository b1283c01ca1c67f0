import { createRouter } from "../app";

// Platform routes for project-config: not built yet.
export const projectConfigRoutes = createRouter();
