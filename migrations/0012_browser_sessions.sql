-- The hosted sign-in page's browser sessions: the random token of an HttpOnly cookie (one cookie per environment),
-- kept only as its SHA-256 hash, naming the user session it signed in. With it, the environment's other
-- applications get a code at once (single sign-on); signing out deletes it. It references environment_id only.
CREATE TABLE `browser_sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`session_id` text NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;--> statement-breakpoint
CREATE INDEX `browser_sessions_session_idx` ON `browser_sessions` (`environment_id`,`session_id`);--> statement-breakpoint
-- The cron deletes expired rows by this index.
CREATE INDEX `browser_sessions_expires_idx` ON `browser_sessions` (`expires_at`);
