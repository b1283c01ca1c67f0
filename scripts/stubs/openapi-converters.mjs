// Stands in for the JSON Schema converters in the Worker bundle (wrangler.toml [alias]): the OpenAPI document is
// generated at build time (scripts/build-openapi.mjs) and served as a static asset, so the Worker never converts.
const builtAtBuildTime = () => {
  throw new Error("The OpenAPI document is generated at build time (scripts/build-openapi.mjs), not in the Worker.");
};
export const loadVendor = builtAtBuildTime;
export const toJsonSchema = builtAtBuildTime;
export const toOpenAPISchema = builtAtBuildTime;
