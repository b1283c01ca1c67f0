import { describe, expect, it } from "vitest";
import app from "../../src/index";
import { ERROR_CATALOG } from "../../src/lib/errors";
import { call } from "./helpers";
import { apiRoutes, fetchDocument, type Json, operationsOf } from "./openapi-support";

/**
 * The document is the route table: every route the app registers is in it (with its own `doc()`), and nothing else.
 * The document's validity against the OpenAPI 3.1 schema is checked with swagger-parser in test/node/openapi.test.ts
 * (it needs Node).
 */
describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document with its security schemes (platform clients, environment keys, the operator)", async () => {
    const r = await call("GET", "/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    expect(Object.keys(r.body.components.securitySchemes).sort()).toEqual(["environment", "operator", "platform"]);
  });

  it("documents every route the app registers, and nothing else", async () => {
    const document = await fetchDocument();
    const inApp = new Set(apiRoutes(app).map((r) => `${r.method} ${r.path}`));
    const documented = new Set(
      operationsOf(document)
        .filter((o) => o.operation.summary)
        .map((o) => `${o.method} ${o.path}`),
    );
    const missing = [...inApp].filter((r) => !documented.has(r)).sort();
    const extra = [...documented].filter((r) => !inApp.has(r)).sort();
    console.log(
      `routes in the app: ${inApp.size}; documented: ${documented.size}; missing: ${missing.length}; extra: ${extra.length}`,
    );
    expect(missing, `routes without doc(): ${missing.length}\n  ${missing.join("\n  ")}`).toEqual([]);
    expect(extra, `documented but not served:\n  ${extra.join("\n  ")}`).toEqual([]);
  });

  it("gives every operation a unique operationId, a tag, its path parameters, and answers with schemas", async () => {
    const document = await fetchDocument();
    const problems: string[] = [];
    const ids = new Map<string, string>();
    const declaredTags = new Set((document.tags ?? []).map((t: { name: string }) => t.name));
    // Operations without doc() (only validate()) are reported by the test above.
    for (const { method, path, operation } of operationsOf(document).filter((o) => o.operation.summary)) {
      const where = `${method} ${path}`;
      const id = operation.operationId;
      if (!id) problems.push(`${where}: no operationId`);
      else if (ids.has(id)) problems.push(`${where}: operationId ${id} also used by ${ids.get(id)}`);
      else ids.set(id, where);
      if (!operation.tags?.length) problems.push(`${where}: no tag`);
      for (const tag of operation.tags ?? []) if (!declaredTags.has(tag)) problems.push(`${where}: undeclared tag ${tag}`);
      for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
        const param = (operation.parameters ?? []).find((p: Json) => p.in === "path" && p.name === name);
        if (!param?.required) problems.push(`${where}: path parameter ${name} missing or not required`);
      }
      const statuses = Object.keys(operation.responses ?? {});
      if (!statuses.some((s) => s.startsWith("2"))) problems.push(`${where}: no success answer`);
      for (const status of statuses) {
        const answer = operation.responses[status];
        const schema = answer.content?.["application/json"]?.schema;
        if (status !== "204" && !schema) problems.push(`${where}: ${status} has no JSON schema`);
        // Every error code a route lists is in the catalog, under its catalog status.
        for (const code of Number(status) >= 400 ? (schema?.properties?.code?.enum ?? []) : []) {
          const entry = (ERROR_CATALOG as Record<string, { status: number }>)[code];
          if (!entry) problems.push(`${where}: ${status} lists ${code}, which is not in the catalog`);
          else if (String(entry.status) !== status)
            problems.push(`${where}: ${code} listed under ${status}, the catalog says ${entry.status}`);
        }
      }
      if (["post", "put", "patch"].includes(method.toLowerCase()) && operation.security?.length) {
        const codes = operation.responses?.["415"]?.content?.["application/json"]?.schema?.properties?.code?.enum ?? [];
        if (!codes.includes("unsupported_media_type")) problems.push(`${where}: 415 unsupported_media_type not listed`);
      }
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("leaves out the dashboard, the document itself and the reference page", async () => {
    const paths = Object.keys((await fetchDocument()).paths);
    expect(paths.filter((p) => p.startsWith("/dashboard") || p === "/openapi.json" || p.startsWith("/docs"))).toEqual([]);
  });
});
