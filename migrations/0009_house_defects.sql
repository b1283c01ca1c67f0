-- Migration 0009: three fixes that each need the database (hand-written; src/db/schema matches the tables).
-- A feature flag's target names a user or an organization of its environment. Deleting either deletes its targets
-- here, in the database, so that every way one is deleted does it: the environment API, the dashboard, and ON DELETE
-- CASCADE deletes (SQLite fires triggers for those too), including any path written later. The delete is an index
-- seek (feature_flag_targets_target_idx: environment_id, target_id) and writes one row per target removed. A row
-- that changed environment would leave its targets naming someone absent there: they go too.
-- GET /sdk/feature-flags can then list the targets as stored, with no existence check per row.
-- Hand-written (drizzle's schema does not record triggers).
DELETE FROM `feature_flag_targets`
WHERE NOT EXISTS (
    SELECT 1 FROM `users` u WHERE u.`id` = `feature_flag_targets`.`target_id` AND u.`environment_id` = `feature_flag_targets`.`environment_id`
  )
  AND NOT EXISTS (
    SELECT 1 FROM `organizations` o WHERE o.`id` = `feature_flag_targets`.`target_id` AND o.`environment_id` = `feature_flag_targets`.`environment_id`
  );--> statement-breakpoint
CREATE TRIGGER `feature_flag_targets_users_delete`
AFTER DELETE ON `users`
BEGIN
  DELETE FROM `feature_flag_targets` WHERE `environment_id` = OLD.`environment_id` AND `target_id` = OLD.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `feature_flag_targets_users_move`
AFTER UPDATE OF `environment_id` ON `users`
WHEN NEW.`environment_id` <> OLD.`environment_id`
BEGIN
  DELETE FROM `feature_flag_targets` WHERE `environment_id` = OLD.`environment_id` AND `target_id` = OLD.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `feature_flag_targets_organizations_delete`
AFTER DELETE ON `organizations`
BEGIN
  DELETE FROM `feature_flag_targets` WHERE `environment_id` = OLD.`environment_id` AND `target_id` = OLD.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `feature_flag_targets_organizations_move`
AFTER UPDATE OF `environment_id` ON `organizations`
WHEN NEW.`environment_id` <> OLD.`environment_id`
BEGIN
  DELETE FROM `feature_flag_targets` WHERE `environment_id` = OLD.`environment_id` AND `target_id` = OLD.`id`;
END;
--> statement-breakpoint
-- Password-reset requests, counted per email and per address over a window like failed sign-ins
-- (src/services/people/sessions.ts): each request mails a link, so an unthrottled form mails anyone without end.
-- Every request is counted, for an email with an account or not (the answer tells nothing about accounts).
CREATE TABLE `password_reset_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`address` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `password_reset_requests_email_idx` ON `password_reset_requests` (`email`,`created_at`);--> statement-breakpoint
CREATE INDEX `password_reset_requests_address_idx` ON `password_reset_requests` (`address`,`created_at`);
--> statement-breakpoint
-- An environment's keys total counts live keys only. A key expires at once (expires_at set to now) or when its
-- expires_at passes, and the latter writes nothing: no trigger can count it. So the totals row keeps the keys without an
-- expiry (never expire), and the reader adds the keys whose expiry is still ahead, a range seek on
-- api_keys_expiry_idx (environment_id, expires_at) that reads only those: expired keys, however many, are never read.
DROP TRIGGER `environment_totals_api_keys_insert`;--> statement-breakpoint
DROP TRIGGER `environment_totals_api_keys_delete`;--> statement-breakpoint
DROP TRIGGER `environment_totals_api_keys_move`;--> statement-breakpoint
ALTER TABLE `environment_totals` RENAME COLUMN `api_keys` TO `api_keys_without_expiry`;--> statement-breakpoint
UPDATE `environment_totals` SET `api_keys_without_expiry` = (
  SELECT count(*) FROM `api_keys` k WHERE k.`environment_id` = `environment_totals`.`environment_id` AND k.`expires_at` IS NULL
);--> statement-breakpoint
CREATE INDEX `api_keys_expiry_idx` ON `api_keys` (`environment_id`,`expires_at`);--> statement-breakpoint
CREATE TRIGGER `environment_totals_api_keys_insert`
AFTER INSERT ON `api_keys`
WHEN NEW.`expires_at` IS NULL
BEGIN
  UPDATE `environment_totals` SET `api_keys_without_expiry` = `api_keys_without_expiry` + 1 WHERE `environment_id` = NEW.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_api_keys_delete`
AFTER DELETE ON `api_keys`
WHEN OLD.`expires_at` IS NULL
BEGIN
  UPDATE `environment_totals` SET `api_keys_without_expiry` = `api_keys_without_expiry` - 1 WHERE `environment_id` = OLD.`environment_id`;
END;
--> statement-breakpoint
-- An expiry set (expiring a key) or lifted, or a key changing environment.
CREATE TRIGGER `environment_totals_api_keys_update`
AFTER UPDATE OF `environment_id`, `expires_at` ON `api_keys`
WHEN (OLD.`expires_at` IS NULL) <> (NEW.`expires_at` IS NULL) OR NEW.`environment_id` <> OLD.`environment_id`
BEGIN
  UPDATE `environment_totals` SET `api_keys_without_expiry` = `api_keys_without_expiry` - 1
    WHERE `environment_id` = OLD.`environment_id` AND OLD.`expires_at` IS NULL;
  UPDATE `environment_totals` SET `api_keys_without_expiry` = `api_keys_without_expiry` + 1
    WHERE `environment_id` = NEW.`environment_id` AND NEW.`expires_at` IS NULL;
END;
