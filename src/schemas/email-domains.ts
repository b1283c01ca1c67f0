import * as v from "valibot";
import { Domain, DescribedTimestamp as Timestamp } from "./fields";

export const AddEmailDomain = v.strictObject({ domain: Domain });

export const EmailDomainObject = v.object({
  object: v.literal("email_domain"),
  id: v.string(),
  project_id: v.string(),
  domain: v.string(),
  state: v.picklist(["pending", "verified", "failed"]),
  /** The CNAME records to create. */
  dns_records: v.array(v.object({ type: v.string(), name: v.string(), value: v.string() })),
  verified_at: v.nullable(Timestamp),
  last_checked_at: v.nullable(Timestamp),
  created_at: Timestamp,
  updated_at: Timestamp,
});
