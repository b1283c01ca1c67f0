import { createRouter } from "../app";

// Routes of the environment API for events: not built yet.
export const eventsRoutes = createRouter();
