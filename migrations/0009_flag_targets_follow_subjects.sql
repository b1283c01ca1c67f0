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
