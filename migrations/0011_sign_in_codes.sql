-- One-time codes and tokens of an environment's users (Magic Auth, email verification, pending authentications,
-- password resets, invitations) and the environment's `require_email_verification` setting. Hand-written (several
-- migrations are added in parallel); src/db/schema/sign-in-codes.ts matches it. Every table references
-- environment_id and rows of the same environment only, with uniqueness per environment, so it moves as it is into a
-- per-environment store. No code or token is stored in clear (see the schema file).
ALTER TABLE `environments` ADD `require_email_verification` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE TABLE `magic_auths` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`user_id` text,
	`email` text NOT NULL,
	`failed_attempts` integer DEFAULT 0 NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `magic_auths_email_idx` ON `magic_auths` (`environment_id`,`email`,`id`);--> statement-breakpoint
CREATE INDEX `magic_auths_user_idx` ON `magic_auths` (`user_id`);--> statement-breakpoint
CREATE TABLE `email_verifications` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`user_id` text NOT NULL,
	`email` text NOT NULL,
	`failed_attempts` integer DEFAULT 0 NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `email_verifications_user_idx` ON `email_verifications` (`user_id`,`id`);--> statement-breakpoint
CREATE TABLE `pending_authentications` (
	`environment_id` text NOT NULL,
	`token_hash` text NOT NULL,
	`user_id` text NOT NULL,
	`email_verification_id` text NOT NULL,
	`client_id` text NOT NULL,
	`auth_method` text NOT NULL,
	`organization_id` text,
	`ip_address` text,
	`user_agent` text,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`environment_id`, `token_hash`),
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`email_verification_id`) REFERENCES `email_verifications`(`id`) ON UPDATE no action ON DELETE cascade
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `pending_authentications_user_idx` ON `pending_authentications` (`user_id`);--> statement-breakpoint
CREATE INDEX `pending_authentications_verification_idx` ON `pending_authentications` (`email_verification_id`);--> statement-breakpoint
CREATE TABLE `user_password_resets` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`user_id` text NOT NULL,
	`email` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_password_resets_token_unq` ON `user_password_resets` (`environment_id`,`token_hash`);--> statement-breakpoint
CREATE INDEX `user_password_resets_user_idx` ON `user_password_resets` (`user_id`);--> statement-breakpoint
CREATE TABLE `user_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` text NOT NULL,
	`email` text NOT NULL,
	`organization_id` text,
	`inviter_user_id` text,
	`accepted_user_id` text,
	`role_slug` text,
	`state` text NOT NULL,
	`token_hash` text NOT NULL,
	`expires_at` text NOT NULL,
	`accepted_at` text,
	`revoked_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`organization_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`inviter_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`accepted_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `user_invitations_environment_idx` ON `user_invitations` (`environment_id`,`id`);--> statement-breakpoint
CREATE INDEX `user_invitations_email_idx` ON `user_invitations` (`environment_id`,`email`,`id`);--> statement-breakpoint
CREATE INDEX `user_invitations_org_idx` ON `user_invitations` (`organization_id`,`id`);--> statement-breakpoint
CREATE INDEX `user_invitations_inviter_idx` ON `user_invitations` (`inviter_user_id`);--> statement-breakpoint
CREATE INDEX `user_invitations_accepted_user_idx` ON `user_invitations` (`accepted_user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `user_invitations_token_unq` ON `user_invitations` (`environment_id`,`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `user_invitations_pending_unq` ON `user_invitations` (`environment_id`,`email`,coalesce(`organization_id`, '')) WHERE state = 'pending';
