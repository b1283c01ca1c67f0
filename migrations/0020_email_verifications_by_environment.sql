-- Hand-written: email verifications by environment, as every other table of an environment's data is, so that a
-- move of an environment out of D1 (src/services/environment-moves.ts) reads and deletes its rows by an index seek
-- instead of a walk of every environment's verifications. The environment's object gets the same index
-- (scripts/store-schema.mjs writes it as the store's next migration).
CREATE INDEX `email_verifications_environment_idx` ON `email_verifications` (`environment_id`, `id`);
