import type { Context } from "hono";
import { type Permission, roleAllows } from "../auth/permissions";
import type { AppEnv } from "../env";

/**
 * Whether the signed-in caller may use a permission on the current team (platform clients: always): pages
 * offer only the actions the caller may take (the route refuses the others anyway).
 */
export function can(c: Context<AppEnv>, permission: Permission, tier?: "staging" | "production") {
  const member = c.var.caller?.member;
  return !c.var.caller?.person || (!!member && roleAllows(member.role, permission, tier));
}
