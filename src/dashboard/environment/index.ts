import { createRouter } from "../../lib/router";
import { applicationsTab } from "./applications";
import { brandingTab } from "./branding";
import { connectionsTab } from "./connections";
import { directoryTab } from "./directory";
import { eventsTab } from "./events";
import { keysTab } from "./keys";
import { organizationsTab } from "./organizations";
import { sessionsTab } from "./sessions";
import { settingsTab } from "./settings";
import { usersTab } from "./users";
import { webhooksTab } from "./webhooks";

/** An environment's pages: one module per tab, each with its page and its forms' actions. */
export const environmentRoutes = createRouter()
  .route("/", keysTab)
  .route("/", applicationsTab)
  .route("/", brandingTab)
  .route("/", connectionsTab)
  .route("/", organizationsTab)
  .route("/", usersTab)
  .route("/", sessionsTab)
  .route("/", directoryTab)
  .route("/", webhooksTab)
  .route("/", eventsTab)
  .route("/", settingsTab);
