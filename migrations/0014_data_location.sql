-- Hand-written: where each environment's data lives (src/db/store-tables.ts lists its tables).
-- 'd1': here, in D1, as before this migration (every environment that exists now);
-- 'moving': being copied into its own object by `npm run migrate:environments` (reads served from D1, writes refused);
-- 'object': in its own SQLite Durable Object (EnvironmentStore); every environment created from now on starts there.
ALTER TABLE `environments` ADD `data_location` text DEFAULT 'd1' NOT NULL;
