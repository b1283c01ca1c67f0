/**
 * The tables of one environment's data: they live in the environment's own SQLite Durable Object
 * (src/environment-store), or in D1 for an environment not yet moved there. Every other table is the control
 * plane's and lives in D1 only. No statement and no batch mixes the two sides: a query of these tables runs on
 * the environment's store (`c.var.store`, `scope.store`, `EnvironmentWriter.db`), any other on `db`.
 *
 * `usage_counters` and `environment_totals` are on both sides: the store counts what it holds in the write's own
 * transaction, and D1 keeps the roll-up the billing and review pages read. `idempotency_keys` too: the
 * environment API's keys are kept with the writes they guard.
 */
export const STORE_TABLES = [
  "organizations",
  "organization_domains",
  "users",
  "organization_memberships",
  "connections",
  "webhook_endpoints",
  "events",
  "webhook_deliveries",
  "webhook_delivery_attempts",
  "feature_flag_states",
  "feature_flag_targets",
  "audit_log_events",
  "usage_counters",
  "environment_totals",
  "idempotency_keys",
  "magic_auths",
  "email_verifications",
  "pending_authentications",
  "user_password_resets",
  "user_invitations",
  "signing_keys",
  "user_sessions",
  "refresh_tokens",
  "authorization_codes",
  "password_failures",
  "browser_sessions",
] as const;
