-- Hand-written (issue 9): indexes so that every list and get is an index seek, and usage counters.
CREATE INDEX `organization_memberships_environment_status_idx` ON `organization_memberships` (`environment_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `organization_memberships_user_status_idx` ON `organization_memberships` (`user_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `organization_memberships_org_status_idx` ON `organization_memberships` (`organization_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `organization_domains_environment_org_idx` ON `organization_domains` (`environment_id`,`organization_id`,`id`);--> statement-breakpoint
CREATE INDEX `connections_type_idx` ON `connections` (`environment_id`,`connection_type`,`id`);--> statement-breakpoint
CREATE TABLE `usage_counters` (
	`environment_id` text NOT NULL,
	`period` text NOT NULL,
	`metric` text NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`environment_id`, `period`, `metric`),
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);--> statement-breakpoint
-- Backfill from the rows that exist (see src/services/usage.ts for the definitions): users and SSO connections
-- by the month they were created, plus their running total; Audit Logs events by the month they were stored.
INSERT INTO `usage_counters` (`environment_id`, `period`, `metric`, `n`)
  SELECT `environment_id`, substr(`created_at`, 1, 7), 'users', count(*) FROM `users` GROUP BY 1, 2;--> statement-breakpoint
INSERT INTO `usage_counters` (`environment_id`, `period`, `metric`, `n`)
  SELECT `environment_id`, 'total', 'users', count(*) FROM `users` GROUP BY 1;--> statement-breakpoint
INSERT INTO `usage_counters` (`environment_id`, `period`, `metric`, `n`)
  SELECT `environment_id`, substr(`created_at`, 1, 7), 'sso_connections', count(*) FROM `connections` GROUP BY 1, 2;--> statement-breakpoint
INSERT INTO `usage_counters` (`environment_id`, `period`, `metric`, `n`)
  SELECT `environment_id`, 'total', 'sso_connections', count(*) FROM `connections` GROUP BY 1;--> statement-breakpoint
INSERT INTO `usage_counters` (`environment_id`, `period`, `metric`, `n`)
  SELECT `environment_id`, substr(`created_at`, 1, 7), 'audit_log_events', count(*) FROM `audit_log_events` GROUP BY 1, 2;
