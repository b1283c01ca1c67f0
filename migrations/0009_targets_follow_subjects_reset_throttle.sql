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
