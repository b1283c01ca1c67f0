import { text } from "drizzle-orm/sqlite-core";

/** ISO 8601 UTC with milliseconds, as the contract serializes it; text sorts in time order. */
export const now = () => new Date().toISOString();

/** `created_at` / `updated_at`, shared by every table that has them. */
export const timestamps = {
  createdAt: text("created_at").notNull().$defaultFn(now),
  updatedAt: text("updated_at").notNull().$defaultFn(now).$onUpdateFn(now),
};
