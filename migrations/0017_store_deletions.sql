-- Hand-written: environments deleted from D1 whose object still holds their data. A row is written in the same batch
-- as the deletion of its environment (or of its project), and removed once the object is empty: the project's
-- coordinator empties each object (deleteAll) right after the deletion commits, and again from its alarm until it
-- succeeds. The API lists them as pending (GET /platform/teams/{team_id}/deletions). No foreign key: the rows
-- outlive their environment by design.
CREATE TABLE `store_deletions` (
	`environment_id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`project_id` text NOT NULL,
	`requested_at` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `store_deletions_team_idx` ON `store_deletions` (`team_id`, `environment_id`);
--> statement-breakpoint
CREATE INDEX `store_deletions_project_idx` ON `store_deletions` (`project_id`, `environment_id`);
