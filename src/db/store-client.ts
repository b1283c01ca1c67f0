import type { Database, Env, StoreDatabase } from "../env";
import type { environments } from "./schema";

type EnvironmentRow = typeof environments.$inferSelect;

/**
 * The client of an environment's data (see `StoreDatabase`): where its row says the data lives.
 * Every surface gets it from here, once the environment is known.
 */
export function storeOf(_env: Env, _environment: Pick<EnvironmentRow, "id">, db: Database): StoreDatabase {
  return db;
}
