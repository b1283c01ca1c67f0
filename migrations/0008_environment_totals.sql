-- Issue 9, "every read is an index seek": the transfer review shows what each moving environment holds (users,
-- organizations, connections, API keys, webhook endpoints). COUNT(*)s read every one of those rows (1.1M for the
-- benchmark's big environment); this keeps the totals exactly, in the database: one row per environment (inserted
-- with the environment, deleted with it by the cascade), +1 / -1 by AFTER INSERT / AFTER DELETE triggers on each
-- counted table. ON DELETE CASCADE deletes fire those triggers too (an organization's connections, everything of
-- a deleted environment), and no statement of the app REPLACEs a counted row (REPLACE's deletes would not fire
-- them). Rows never change environment (a transfer moves the environment, and its totals row with it); the UPDATE
-- OF environment_id triggers keep the totals exact should one ever do. Each counted insert or delete writes one
-- more row (its environment's totals row).
-- drizzle-kit generated the CREATE TABLE (WITHOUT ROWID added by hand: drizzle's snapshot doesn't record it);
-- the backfill and the triggers are hand-written.
CREATE TABLE `environment_totals` (
	`environment_id` text PRIMARY KEY NOT NULL,
	`users` integer DEFAULT 0 NOT NULL,
	`organizations` integer DEFAULT 0 NOT NULL,
	`connections` integer DEFAULT 0 NOT NULL,
	`api_keys` integer DEFAULT 0 NOT NULL,
	`webhook_endpoints` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `environment_totals` (`environment_id`, `users`, `organizations`, `connections`, `api_keys`, `webhook_endpoints`)
SELECT e.`id`,
  (SELECT count(*) FROM `users` WHERE `environment_id` = e.`id`),
  (SELECT count(*) FROM `organizations` WHERE `environment_id` = e.`id`),
  (SELECT count(*) FROM `connections` WHERE `environment_id` = e.`id`),
  (SELECT count(*) FROM `api_keys` WHERE `environment_id` = e.`id`),
  (SELECT count(*) FROM `webhook_endpoints` WHERE `environment_id` = e.`id`)
FROM `environments` e;--> statement-breakpoint
CREATE TRIGGER `environment_totals_on_environment_insert`
AFTER INSERT ON `environments`
BEGIN
  INSERT INTO `environment_totals` (`environment_id`) VALUES (NEW.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_users_insert`
AFTER INSERT ON `users`
BEGIN
  UPDATE `environment_totals` SET `users` = `users` + 1 WHERE `environment_id` = NEW.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_users_delete`
AFTER DELETE ON `users`
BEGIN
  UPDATE `environment_totals` SET `users` = `users` - 1 WHERE `environment_id` = OLD.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_users_move`
AFTER UPDATE OF `environment_id` ON `users`
WHEN NEW.`environment_id` <> OLD.`environment_id`
BEGIN
  UPDATE `environment_totals` SET `users` = `users` - 1 WHERE `environment_id` = OLD.`environment_id`;
  UPDATE `environment_totals` SET `users` = `users` + 1 WHERE `environment_id` = NEW.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_organizations_insert`
AFTER INSERT ON `organizations`
BEGIN
  UPDATE `environment_totals` SET `organizations` = `organizations` + 1 WHERE `environment_id` = NEW.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_organizations_delete`
AFTER DELETE ON `organizations`
BEGIN
  UPDATE `environment_totals` SET `organizations` = `organizations` - 1 WHERE `environment_id` = OLD.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_organizations_move`
AFTER UPDATE OF `environment_id` ON `organizations`
WHEN NEW.`environment_id` <> OLD.`environment_id`
BEGIN
  UPDATE `environment_totals` SET `organizations` = `organizations` - 1 WHERE `environment_id` = OLD.`environment_id`;
  UPDATE `environment_totals` SET `organizations` = `organizations` + 1 WHERE `environment_id` = NEW.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_connections_insert`
AFTER INSERT ON `connections`
BEGIN
  UPDATE `environment_totals` SET `connections` = `connections` + 1 WHERE `environment_id` = NEW.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_connections_delete`
AFTER DELETE ON `connections`
BEGIN
  UPDATE `environment_totals` SET `connections` = `connections` - 1 WHERE `environment_id` = OLD.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_connections_move`
AFTER UPDATE OF `environment_id` ON `connections`
WHEN NEW.`environment_id` <> OLD.`environment_id`
BEGIN
  UPDATE `environment_totals` SET `connections` = `connections` - 1 WHERE `environment_id` = OLD.`environment_id`;
  UPDATE `environment_totals` SET `connections` = `connections` + 1 WHERE `environment_id` = NEW.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_api_keys_insert`
AFTER INSERT ON `api_keys`
BEGIN
  UPDATE `environment_totals` SET `api_keys` = `api_keys` + 1 WHERE `environment_id` = NEW.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_api_keys_delete`
AFTER DELETE ON `api_keys`
BEGIN
  UPDATE `environment_totals` SET `api_keys` = `api_keys` - 1 WHERE `environment_id` = OLD.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_api_keys_move`
AFTER UPDATE OF `environment_id` ON `api_keys`
WHEN NEW.`environment_id` <> OLD.`environment_id`
BEGIN
  UPDATE `environment_totals` SET `api_keys` = `api_keys` - 1 WHERE `environment_id` = OLD.`environment_id`;
  UPDATE `environment_totals` SET `api_keys` = `api_keys` + 1 WHERE `environment_id` = NEW.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_webhook_endpoints_insert`
AFTER INSERT ON `webhook_endpoints`
BEGIN
  UPDATE `environment_totals` SET `webhook_endpoints` = `webhook_endpoints` + 1 WHERE `environment_id` = NEW.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_webhook_endpoints_delete`
AFTER DELETE ON `webhook_endpoints`
BEGIN
  UPDATE `environment_totals` SET `webhook_endpoints` = `webhook_endpoints` - 1 WHERE `environment_id` = OLD.`environment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `environment_totals_webhook_endpoints_move`
AFTER UPDATE OF `environment_id` ON `webhook_endpoints`
WHEN NEW.`environment_id` <> OLD.`environment_id`
BEGIN
  UPDATE `environment_totals` SET `webhook_endpoints` = `webhook_endpoints` - 1 WHERE `environment_id` = OLD.`environment_id`;
  UPDATE `environment_totals` SET `webhook_endpoints` = `webhook_endpoints` + 1 WHERE `environment_id` = NEW.`environment_id`;
END;
