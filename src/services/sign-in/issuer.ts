/** The issuer of an application's tokens: `{origin}/user_management/{client_id}`, no trailing slash. */
export const issuerOf = (origin: string, clientId: string) => `${origin}/user_management/${clientId}`;
