-- Hand-written: the usage roll-up of environments whose data is in their own object. Each object counts its usage in
-- its own usage_counters, in the transaction of the write it counts, and its alarm copies them here (absolute
-- values) under a version it increases each time: a roll-up applies only if its version is the newest this table
-- has seen for the environment, so a replayed or late one changes nothing. The report keeps reading usage_counters.
CREATE TABLE `usage_rollups` (
	`environment_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`rolled_up_at` text NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
