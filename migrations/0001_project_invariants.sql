-- Invariant 1 held by the database itself: no statement may leave an existing project without an
-- environment, whoever writes. The project's Durable Object serializes the writes; these triggers
-- refuse whatever slips around it, and abort the whole batch they are part of.
CREATE TRIGGER `environments_keep_one_on_delete`
BEFORE DELETE ON `environments`
WHEN EXISTS (SELECT 1 FROM `projects` WHERE `id` = OLD.`project_id`)
  AND NOT EXISTS (SELECT 1 FROM `environments` WHERE `project_id` = OLD.`project_id` AND `id` <> OLD.`id`)
BEGIN
  SELECT RAISE(ABORT, 'project_must_keep_environment');
END;
--> statement-breakpoint
CREATE TRIGGER `environments_keep_one_on_move`
BEFORE UPDATE OF `project_id` ON `environments`
WHEN NEW.`project_id` <> OLD.`project_id`
  AND NOT EXISTS (SELECT 1 FROM `environments` WHERE `project_id` = OLD.`project_id` AND `id` <> OLD.`id`)
BEGIN
  SELECT RAISE(ABORT, 'source_project_must_keep_environment');
END;
--> statement-breakpoint
-- And a team keeps at least one project, even when two deletions of its last two projects race
-- (they run in two different projects' Durable Objects).
CREATE TRIGGER `projects_keep_one_per_team`
BEFORE DELETE ON `projects`
WHEN EXISTS (SELECT 1 FROM `teams` WHERE `id` = OLD.`team_id`)
  AND NOT EXISTS (SELECT 1 FROM `projects` WHERE `team_id` = OLD.`team_id` AND `id` <> OLD.`id`)
BEGIN
  SELECT RAISE(ABORT, 'team_must_keep_project');
END;
