import * as v from "valibot";
import { ListQuery, Name, PrefixedId, Timestamp } from "./fields";

/** The SDK's `ConnectionType` values. */
export const CONNECTION_TYPES = [
  "ADFSSAML",
  "AdpOidc",
  "AppleOAuth",
  "Auth0SAML",
  "AzureSAML",
  "CasSAML",
  "CleverOIDC",
  "ClassLinkSAML",
  "CloudflareSAML",
  "CyberArkSAML",
  "DuoSAML",
  "EntraIdOIDC",
  "GenericOIDC",
  "GenericSAML",
  "GitHubOAuth",
  "GoogleOAuth",
  "GoogleSAML",
  "JumpCloudSAML",
  "KeycloakSAML",
  "LastPassSAML",
  "LoginGovOidc",
  "MagicLink",
  "MicrosoftOAuth",
  "MiniOrangeSAML",
  "NetIqSAML",
  "OktaOIDC",
  "OktaSAML",
  "OneLoginSAML",
  "OracleSAML",
  "PingFederateSAML",
  "PingOneSAML",
  "RipplingSAML",
  "SalesforceOAuth",
  "SalesforceSAML",
  "ShibbolethGenericSAML",
  "ShibbolethSAML",
  "SimpleSamlPhpSAML",
  "VMwareSAML",
] as const;

// ---- Input -------------------------------------------------------------------------------------------

const ConnectionType = v.picklist(CONNECTION_TYPES, "must be a connection type such as GenericSAML or OktaSAML.");

/** Created through the Platform API for an organization of the environment. */
export const CreateConnection = v.strictObject({
  organization_id: PrefixedId("organization"),
  connection_type: ConnectionType,
  name: Name,
});

export const ListConnections = ListQuery({
  connection_type: v.optional(ConnectionType),
  organization_id: v.optional(PrefixedId("organization")),
  domain: v.optional(v.pipe(v.string(), v.maxLength(253))),
});

// ---- Objects -----------------------------------------------------------------------------------------

/** WorkOS's connection states; connections created here are `active`. */
export const CONNECTION_STATES = ["active", "inactive", "draft", "validating"] as const;

export const ConnectionObject = v.object({
  object: v.literal("connection"),
  id: v.string(),
  organization_id: v.string(),
  connection_type: v.picklist(CONNECTION_TYPES),
  name: v.string(),
  state: v.picklist(CONNECTION_STATES),
  /** The organization's domains. */
  domains: v.array(v.object({ object: v.literal("connection_domain"), id: v.string(), domain: v.string() })),
  created_at: Timestamp,
  updated_at: Timestamp,
});
