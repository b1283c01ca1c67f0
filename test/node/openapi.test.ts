/**
 * The served OpenAPI document is valid OpenAPI 3.1 (swagger-parser: the spec's JSON Schema, then its semantic
 * rules: unique operationIds, declared path parameters, resolvable $refs). swagger-parser needs Node, so this
 * runs against the started Worker; the route coverage is checked inside workerd (test/workers/openapi.test.ts).
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { useWorker } from "./harness";

const worker = useWorker();

describe("the OpenAPI document", () => {
  it("validates as OpenAPI 3.1", async () => {
    const { status, body } = await worker.request("GET", "/openapi.json");
    expect(status).toBe(200);
    const api = (await SwaggerParser.validate(structuredClone(body))) as { openapi?: string };
    expect(api.openapi).toBe("3.1.0");
    console.log(`valid OpenAPI ${api.openapi}: ${Object.keys(body.paths).length} paths`);
  });
});
