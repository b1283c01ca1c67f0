import { createRouter } from "../app";

// Routes of the environment API for feature-flags: not built yet.
export const featureFlagsRoutes = createRouter();
