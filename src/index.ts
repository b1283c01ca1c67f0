import { createApp } from "./app";
import { tokenRoutes } from "./platform/auth";
import { platformApi } from "./platform";

/** Assembles the surfaces; the rules live in services/, the serialization of writes in coordinator/. */
const app = createApp();
app.route("/", tokenRoutes);
app.route("/platform", platformApi);

export { ProjectCoordinator } from "./coordinator/project-coordinator";
export default app;
