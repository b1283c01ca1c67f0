import { createRouter } from "../app";

// Routes of the environment API for connections: not built yet.
export const connectionsRoutes = createRouter();
