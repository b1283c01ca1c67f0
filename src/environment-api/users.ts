import { createRouter } from "../app";

// Routes of the environment API for users: not built yet.
export const usersRoutes = createRouter();
