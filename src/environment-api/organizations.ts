import { createRouter } from "../app";

// Routes of the environment API for organizations: not built yet.
export const organizationsRoutes = createRouter();
