/** A team member's roles, strongest first: what the permission table grants each is in src/auth/permissions.ts. */
export const ROLES = ["admin", "member", "member-sandbox", "support", "support-viewer"] as const;
export type Role = (typeof ROLES)[number];
