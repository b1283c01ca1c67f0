-- Hand-written: the progress of moving each environment's data out of D1 into its own object
-- (`npm run migrate:environments`, src/services/environment-moves.ts). A move is driven in bounded steps and
-- resumes from here after a crash at any point: the phase, the table it is at and the key of the last row done.
-- Its rows stay after the move, as its record (how long the environment's writes were refused: from `moving_at` to
-- `object_at`; what was compared).
CREATE TABLE `environment_moves` (
	`environment_id` text PRIMARY KEY NOT NULL,
	`phase` text NOT NULL,
	`table_name` text,
	`cursor` text,
	`attempt` integer DEFAULT 1 NOT NULL,
	`started_at` text NOT NULL,
	`moving_at` text,
	`object_at` text,
	`finished_at` text,
	`updated_at` text NOT NULL,
	`last_error` text,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
-- Per moved table: rows copied, and the count and chained checksum of each side: D1's, taken from the pages as they
-- are copied (the move's cursor), and the object's, computed from its own rows (with the key it has reached). A table
-- whose copy began while writes that looked the environment up before it turned 'moving' may still have been landing
-- in D1 is read again from D1 before the flip (`recheck`), its count and checksum compared with the copy's.
CREATE TABLE `environment_move_tables` (
	`environment_id` text NOT NULL,
	`table_name` text NOT NULL,
	`rows_copied` integer DEFAULT 0 NOT NULL,
	`d1_rows` integer DEFAULT 0 NOT NULL,
	`d1_checksum` text DEFAULT '' NOT NULL,
	`d1_done` integer DEFAULT false NOT NULL,
	`object_rows` integer DEFAULT 0 NOT NULL,
	`object_checksum` text DEFAULT '' NOT NULL,
	`object_cursor` text,
	`object_done` integer DEFAULT false NOT NULL,
	`recheck` integer DEFAULT false NOT NULL,
	`recheck_rows` integer DEFAULT 0 NOT NULL,
	`recheck_checksum` text DEFAULT '' NOT NULL,
	`recheck_done` integer DEFAULT false NOT NULL,
	`rows_deleted` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`environment_id`, `table_name`),
	FOREIGN KEY (`environment_id`) REFERENCES `environment_moves`(`environment_id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
