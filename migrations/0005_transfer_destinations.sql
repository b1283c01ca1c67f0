-- Transfers into an existing project, and copied project-level configuration (issue 10).
-- `destination_kind`: 'new' (a project created by the transfer) or 'existing'.
-- `configuration`: what was copied into the destination (JSON), null when nothing was asked to be copied.
ALTER TABLE `transfers` ADD `destination_kind` text DEFAULT 'new' NOT NULL;
--> statement-breakpoint
ALTER TABLE `transfers` ADD `configuration` text;
