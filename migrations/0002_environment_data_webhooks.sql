DROP INDEX `webhook_deliveries_endpoint_idx`;--> statement-breakpoint
DROP INDEX `webhook_deliveries_due_idx`;--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_endpoint_event_unq` ON `webhook_deliveries` (`endpoint_id`,`event_id`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`environment_id`,`state`,`next_attempt_at`);--> statement-breakpoint
ALTER TABLE `users` ADD `name` text;--> statement-breakpoint
ALTER TABLE `users` ADD `locale` text;--> statement-breakpoint
CREATE INDEX `events_environment_org_idx` ON `events` (`environment_id`,`organization_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_endpoints_url_unq` ON `webhook_endpoints` (`environment_id`,`endpoint_url`);