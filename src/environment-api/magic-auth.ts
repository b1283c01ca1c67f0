import * as v from "valibot";
import { createRouter } from "../lib/router";
import { validate } from "../lib/validation";
import { pathId } from "../middleware/path-resources";
import { Email } from "../schemas/fields";
import { MagicAuthObject } from "../schemas/sign-in-codes";
import { createMagicAuth, getMagicAuth } from "../services/sign-in/magic-auth";
import { secretsKey } from "../services/sign-in/one-time-secrets";
import { codeScope } from "./code-scope";
import { envDoc } from "./doc";

/** Fields the SDK sends with sign-in requests when it has them: accepted (an unknown field is refused elsewhere), not used. */
const SdkSignals = {
  invitation_token: v.optional(v.pipe(v.string(), v.maxLength(256))),
  ip_address: v.optional(v.pipe(v.string(), v.maxLength(64))),
  user_agent: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  radar_auth_attempt_id: v.optional(v.pipe(v.string(), v.maxLength(256))),
  signals_id: v.optional(v.pipe(v.string(), v.maxLength(256))),
};

const CreateMagicAuth = v.strictObject({ email: Email, ...SdkSignals });

/**
 * `/user_management/magic_auth` (SDK `createMagicAuth`, `getMagicAuth`). Mounted before the idempotency middleware:
 * its answers carry the code, which must not be kept for replays.
 */
export const magicAuthRoutes = createRouter()
  .post(
    "/user_management/magic_auth",
    envDoc({
      summary: "Create a Magic Auth code",
      description:
        "A six-digit code for the email, valid 10 minutes, once, and burned after 5 wrong tries; it supersedes the email's earlier codes. " +
        "Sign in with it through the `urn:workos:oauth:grant-type:magic-auth:code` grant; an email without a user signs up then. " +
        "The `magic_auth.created` event carries no code. Other fields the SDK sends (`invitation_token`, `ip_address`, …) are accepted and ignored.",
      tags: ["User management"],
      responses: { 201: MagicAuthObject },
      write: true,
    }),
    validate("json", CreateMagicAuth),
    async (c) => c.json(await createMagicAuth(await codeScope(c), c.req.valid("json")), 201),
  )
  .get(
    "/user_management/magic_auth/:id",
    envDoc({
      summary: "Get a Magic Auth code",
      description: "With its code, for an application that sends its own email.",
      tags: ["User management"],
      responses: { 200: MagicAuthObject },
      errors: ["magic_auth_not_found"],
    }),
    async (c) =>
      c.json(
        await getMagicAuth(
          c.var.store,
          await secretsKey(c.env.SIGNING_KEY_SECRET),
          c.var.environment.id,
          pathId(c, "magicAuth", "magic_auth"),
        ),
      ),
  );
