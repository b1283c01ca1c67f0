-- Issue 9, "organization lists without the extra domain rows": each organization keeps a JSON copy of its
-- organization_domains rows (id order, the fields of src/db/schema's OrganizationDomainRow), and each connection a
-- copy of its organization's, so a page of either reads one row per item. The services rewrite the copies from the
-- rows in the same batch as every change to them (src/services/organization-domains.ts, `domainsCopy`); this
-- fills them for the rows that exist. drizzle-kit generated the two ALTERs; the backfill is hand-written.
ALTER TABLE `connections` ADD `domains` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `domains` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
UPDATE `organizations` SET `domains` = (
  SELECT json_group_array(json_object(
    'id', d.`id`, 'environmentId', d.`environment_id`, 'organizationId', d.`organization_id`, 'domain', d.`domain`,
    'state', d.`state`, 'verificationStrategy', d.`verification_strategy`, 'createdAt', d.`created_at`, 'updatedAt', d.`updated_at`
  ) ORDER BY d.`id`)
  FROM `organization_domains` d WHERE d.`environment_id` = `organizations`.`environment_id` AND d.`organization_id` = `organizations`.`id`
) WHERE `id` IN (SELECT `organization_id` FROM `organization_domains`);--> statement-breakpoint
UPDATE `connections` SET `domains` = (SELECT o.`domains` FROM `organizations` o WHERE o.`id` = `connections`.`organization_id`)
WHERE `organization_id` IN (SELECT `organization_id` FROM `organization_domains`);
