import { createRouter } from "../app";

// Platform routes for connections: not built yet.
export const connectionsRoutes = createRouter();
