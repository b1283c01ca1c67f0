import type { SignInResult } from "./complete";
import type { SignInContext } from "./context";

/** What a grant receives: the request's fields (strings; unknown ones ignored) and what the route established. */
export interface GrantRequest {
  /** The body's (or form's) fields. */
  fields: Partial<Record<string, string>>;
  /** The client proved its secret (an API key of the environment). */
  clientAuthenticated: boolean;
  /** The connecting address (CF-Connecting-IP), for the password throttle. */
  clientAddress: string;
  /** As the client reported them (the SDK's `ip_address`, `user_agent`), else the request's. */
  ipAddress?: string | null;
  userAgent?: string | null;
}

export type Grant = (ctx: SignInContext, request: GrantRequest) => Promise<SignInResult>;
