import { createRouter } from "../app";

// Routes of the environment API for audit-logs: not built yet.
export const auditLogsRoutes = createRouter();
