-- Hand-written: which environment a user session belongs to, for the one request that names a session and nothing
-- else — the SDK's logout link (`/user_management/sessions/logout?session_id=…`). The session itself is in its
-- environment's object; this row, written when the session starts, says which object to ask.
CREATE TABLE `session_locations` (
	`session_id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
