-- Hand-written: the team's usage for a month, for the billing page's team total, without reading every
-- environment of the team. One row per (team, period, metric): the sum of its production environments'
-- usage_counters rows (staging is free, so it is left out), kept by triggers on usage_counters:
-- - a counter row inserted, or its `n` changed (the app's upserts), adds the change to its team's row;
-- - an environment deleted takes its counters out first (BEFORE DELETE: the counters' cascade runs after the
--   environment row is gone, when a trigger on them could no longer find its team).
-- A transfer keeps an environment in its team and its kind: nothing to do. A team deleted takes its rows with it.
CREATE TABLE `team_usage_counters` (
	`team_id` text NOT NULL,
	`period` text NOT NULL,
	`metric` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`team_id`, `period`, `metric`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `team_usage_counters` (`team_id`, `period`, `metric`, `n`)
  SELECT e.`team_id`, u.`period`, u.`metric`, sum(u.`n`)
  FROM `usage_counters` u JOIN `environments` e ON e.`id` = u.`environment_id`
  WHERE e.`production` = 1
  GROUP BY 1, 2, 3;--> statement-breakpoint
CREATE TRIGGER `team_usage_on_counter_insert`
AFTER INSERT ON `usage_counters`
BEGIN
  INSERT INTO `team_usage_counters` (`team_id`, `period`, `metric`, `n`)
    SELECT `team_id`, NEW.`period`, NEW.`metric`, NEW.`n` FROM `environments` WHERE `id` = NEW.`environment_id` AND `production` = 1
    ON CONFLICT (`team_id`, `period`, `metric`) DO UPDATE SET `n` = `n` + excluded.`n`;
END;
--> statement-breakpoint
CREATE TRIGGER `team_usage_on_counter_update`
AFTER UPDATE OF `n` ON `usage_counters`
BEGIN
  UPDATE `team_usage_counters` SET `n` = `n` + NEW.`n` - OLD.`n`
  WHERE `team_id` = (SELECT `team_id` FROM `environments` WHERE `id` = NEW.`environment_id` AND `production` = 1)
    AND `period` = NEW.`period` AND `metric` = NEW.`metric`;
END;
--> statement-breakpoint
CREATE TRIGGER `team_usage_on_environment_delete`
BEFORE DELETE ON `environments`
WHEN OLD.`production` = 1
BEGIN
  UPDATE `team_usage_counters` SET `n` = `n` - (
    SELECT u.`n` FROM `usage_counters` u
    WHERE u.`environment_id` = OLD.`id` AND u.`period` = `team_usage_counters`.`period` AND u.`metric` = `team_usage_counters`.`metric`
  )
  WHERE `team_id` = OLD.`team_id` AND EXISTS (
    SELECT 1 FROM `usage_counters` u
    WHERE u.`environment_id` = OLD.`id` AND u.`period` = `team_usage_counters`.`period` AND u.`metric` = `team_usage_counters`.`metric`
  );
END;
