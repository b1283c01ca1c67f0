import * as v from "valibot";
import { Domain, ExternalId, ListQuery, listParam, Metadata, MetadataPatch, Name, Timestamp } from "./fields";

// ---- Input -------------------------------------------------------------------------------------------

const DomainData = v.pipe(
  v.array(v.strictObject({ domain: Domain, state: v.picklist(["verified", "pending"], "must be verified or pending.") })),
  v.maxLength(50, "must list at most 50 domains."),
  v.check((list) => new Set(list.map((d) => d.domain)).size === list.length, "must not list a domain twice."),
);

const organizationFields = {
  domain_data: v.optional(DomainData),
  external_id: v.optional(v.nullable(ExternalId)),
  allow_profiles_outside_organization: v.optional(v.boolean()),
};
export const CreateOrganization = v.strictObject({ name: Name, ...organizationFields, metadata: v.optional(Metadata) });
export const UpdateOrganization = v.strictObject({
  name: v.optional(Name),
  ...organizationFields,
  metadata: v.optional(MetadataPatch),
});
export const ListOrganizations = ListQuery(listParam("domains"));

// ---- Objects -----------------------------------------------------------------------------------------

/** `metadata` in an answer: string keys and values. */
const MetadataObject = v.record(v.string(), v.string());

export const DOMAIN_STATES = ["verified", "pending"] as const;
export const VERIFICATION_STRATEGIES = ["manual", "dns"] as const;

export const OrganizationDomainObject = v.object({
  object: v.literal("organization_domain"),
  id: v.string(),
  organization_id: v.string(),
  domain: v.string(),
  state: v.picklist(DOMAIN_STATES),
  /** `manual` for a domain given as verified, `dns` for one that awaits a DNS check. */
  verification_strategy: v.picklist(VERIFICATION_STRATEGIES),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const OrganizationObject = v.object({
  object: v.literal("organization"),
  id: v.string(),
  name: v.string(),
  allow_profiles_outside_organization: v.boolean(),
  domains: v.array(OrganizationDomainObject),
  external_id: v.nullable(v.string()),
  metadata: MetadataObject,
  created_at: Timestamp,
  updated_at: Timestamp,
});
