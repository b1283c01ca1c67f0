import * as v from "valibot";
import { DescribedTimestamp as Timestamp } from "./fields";

/** An environment's token signing key (its public half is in the JWKS; the private half never leaves the service). */
export const SigningKeyObject = v.object({
  object: v.literal("signing_key"),
  /** The JWK's `kid`. */
  id: v.string(),
  alg: v.literal("RS256"),
  /** `current` signs new tokens; `previous` still verifies the tokens it signed until they expire (5 minutes). */
  status: v.picklist(["current", "previous"]),
  created_at: Timestamp,
  retired_at: v.nullable(Timestamp),
});
