import { rotateSigningKey } from "../commands/signing-keys";
import { doc } from "../lib/openapi";
import { createRouter } from "../lib/router";
import { teamEnvironmentScope } from "../middleware/command-scope";
import { ListOf } from "../schemas/fields";
import { SigningKeyObject } from "../schemas/signing-keys";
import { publishedSigningKeys, serializeSigningKey } from "../services/sign-in";
import { OF_ENVIRONMENT_DATA } from "./doc";

const BASE = "/teams/:team_id/environments/:environment_id/signing_keys";

const listOf = (rows: Awaited<ReturnType<typeof publishedSigningKeys>>) => ({
  object: "list" as const,
  data: rows.map(serializeSigningKey).reverse(),
  list_metadata: { before: null, after: null },
});

/** An environment's token signing keys (Platform API): the published ones, and rotation. */
export const signingKeyRoutes = createRouter()
  .get(
    BASE,
    doc({
      summary: "List signing keys",
      description:
        "The keys the environment's JWKS publishes, newest first: the current one (created on first need) and, for 5 minutes after a rotation, the previous one.",
      tags: ["Environments"],
      responses: { 200: ListOf(SigningKeyObject) },
      errors: OF_ENVIRONMENT_DATA,
    }),
    async (c) => c.json(listOf(await publishedSigningKeys(c.env, c.var.store, c.var.environment.id))),
  )
  .post(
    `${BASE}/rotate`,
    doc({
      summary: "Rotate the signing key",
      description:
        "A new key signs every token from now on. The previous key stays in the JWKS until the last access token it signed has expired (5 minutes); refresh tokens keep working.",
      tags: ["Environments"],
      responses: { 200: ListOf(SigningKeyObject) },
      errors: OF_ENVIRONMENT_DATA,
    }),
    async (c) => c.json(listOf(await rotateSigningKey(teamEnvironmentScope(c)))),
  );
