// Stands in for `cloudflare:workers` when scripts/build-openapi.mjs runs the app in Node: the document only needs
// the routes, never a Durable Object.
export class DurableObject {}
