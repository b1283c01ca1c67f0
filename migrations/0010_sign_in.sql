-- Sign-in through applications: per-environment signing keys, users' sessions, their refresh tokens, authorization
-- codes and the password-failure throttle. Hand-written (several migrations are added in parallel);
-- src/db/schema/sign-in.ts matches it. Every table is keyed by environment_id and references nothing outside the
-- environment's own data, so it moves with the environment (a transfer, or a per-environment database).
CREATE TABLE `signing_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`public_jwk` text NOT NULL,
	`private_key` text NOT NULL,
	`created_at` text NOT NULL,
	`retired_at` text,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `signing_keys_environment_idx` ON `signing_keys` (`environment_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `signing_keys_current_unq` ON `signing_keys` (`environment_id`) WHERE `retired_at` IS NULL;--> statement-breakpoint
CREATE TABLE `user_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`user_id` text NOT NULL,
	`organization_id` text,
	`client_id` text NOT NULL,
	`auth_method` text NOT NULL,
	`ip_address` text,
	`user_agent` text,
	`refresh_secret` text NOT NULL,
	`expires_at` text NOT NULL,
	`revoked_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `user_sessions_user_idx` ON `user_sessions` (`environment_id`,`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `user_sessions_user_fk_idx` ON `user_sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `refresh_tokens` (
	`environment_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`session_id` text NOT NULL,
	`client_id` text NOT NULL,
	`rotated_at` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`environment_id`, `token_hash`),
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `user_sessions`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `refresh_tokens_session_idx` ON `refresh_tokens` (`session_id`);--> statement-breakpoint
CREATE TABLE `authorization_codes` (
	`environment_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`client_id` text NOT NULL,
	`redirect_uri` text NOT NULL,
	`code_challenge` text,
	`nonce` text,
	`scope` text,
	`session_id` text NOT NULL,
	`user_id` text NOT NULL,
	`organization_id` text,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`environment_id`, `code_hash`),
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `user_sessions`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `authorization_codes_session_idx` ON `authorization_codes` (`session_id`);--> statement-breakpoint
CREATE INDEX `authorization_codes_expires_idx` ON `authorization_codes` (`expires_at`);--> statement-breakpoint
CREATE TABLE `password_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`environment_id` text NOT NULL,
	`email` text NOT NULL,
	`client_address` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `password_failures_email_idx` ON `password_failures` (`environment_id`,`email`,`created_at`);--> statement-breakpoint
CREATE INDEX `password_failures_address_idx` ON `password_failures` (`environment_id`,`client_address`,`created_at`);--> statement-breakpoint
CREATE INDEX `password_failures_created_idx` ON `password_failures` (`created_at`);--> statement-breakpoint
ALTER TABLE `applications` ADD `logout_redirect_uris` text DEFAULT '[]' NOT NULL;
