import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { environments } from "./teams";

/**
 * The hosted sign-in page's browser sessions (services/browser-sessions.ts): a cookie's token, stored as its
 * SHA-256, naming the user session it signed in. References `environment_id` only, like everything an environment owns.
 */
export const browserSessions = sqliteTable(
  "browser_sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    environmentId: text("environment_id")
      .notNull()
      .references(() => environments.id, { onDelete: "cascade" }),
    sessionId: text("session_id").notNull(),
    userId: text("user_id").notNull(),
    expiresAt: text("expires_at").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    index("browser_sessions_session_idx").on(t.environmentId, t.sessionId),
    index("browser_sessions_expires_idx").on(t.expiresAt),
  ],
);
