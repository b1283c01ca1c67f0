import { createRouter } from "../app";

// Routes of the environment API for webhook-endpoints: not built yet.
export const webhookEndpointsRoutes = createRouter();
