import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { CodeScope } from "../services/sign-in/codes";
import { secretsKey } from "../services/sign-in/one-time-secrets";
import { environmentScope } from "../webhooks/scope";

/** The scope of a route that makes or checks one-time codes: the environment's, the derivation key, the public origin. */
export async function codeScope(c: Context<AppEnv>): Promise<CodeScope> {
  return {
    ...environmentScope(c),
    key: await secretsKey(c.env.SIGNING_KEY_SECRET),
    origin: c.env.PUBLIC_URL || new URL(c.req.url).origin,
  };
}
