-- Transfers into an existing project, and copied project-level configuration (issue 10):
--   `destination_kind`: 'new' (a project created by the transfer) or 'existing';
--   `configuration`: what was copied into the destination (JSON), null when no copy was asked.
-- And one row write per transfer record (issue 9, a transfer writes <= 10 + 3k rows): the table is keyed
-- by (team_id, id) WITHOUT ROWID, so the record is its own index (listing by team is a seek of the
-- primary key; a record is always looked up with its team), instead of row + id index + team index.
CREATE TABLE `transfers_new` (
	`team_id` text NOT NULL,
	`id` text NOT NULL,
	`source_project_id` text NOT NULL,
	`source_project_name` text NOT NULL,
	`destination_project_id` text NOT NULL,
	`destination_kind` text DEFAULT 'new' NOT NULL,
	`environment_ids` text NOT NULL,
	`environment_count` integer NOT NULL,
	`actor` text NOT NULL,
	`configuration` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`team_id`, `id`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `transfers_new` (`team_id`, `id`, `source_project_id`, `source_project_name`, `destination_project_id`, `environment_ids`, `environment_count`, `actor`, `created_at`)
SELECT `team_id`, `id`, `source_project_id`, `source_project_name`, `destination_project_id`, `environment_ids`, `environment_count`, `actor`, `created_at` FROM `transfers`;
--> statement-breakpoint
DROP TABLE `transfers`;
--> statement-breakpoint
ALTER TABLE `transfers_new` RENAME TO `transfers`;
