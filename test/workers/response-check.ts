/**
 * Checks answers the suite saw against the OpenAPI document: the body of each answer must match the schema
 * the document gives for its route and status (ajv, JSON Schema 2020-12), a status the route does not document
 * is a mismatch, and every error body's code must be in the error catalog with the status it was answered with.
 */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { ERROR_CATALOG } from "../../src/lib/errors";
import type { RecordedAnswer } from "./helpers";
import { type Json, NOT_API, templateOf } from "./openapi-support";

export interface Mismatch {
  route: string;
  status: number;
  problem: string;
}

export interface CheckOptions {
  /** Routes without doc() are mismatches ("strict", the default), or skipped ("documented"). */
  undocumented?: "strict" | "documented";
}

const pointer = (...segments: string[]) =>
  `#/${segments.map((s) => encodeURIComponent(s.replaceAll("~", "~0").replaceAll("/", "~1"))).join("/")}`;

export function createChecker(document: Json, options: CheckOptions = {}) {
  const ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
  addFormats(ajv);
  ajv.addSchema(document, "openapi.json");
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();

  return function check(answer: RecordedAnswer): Mismatch[] {
    const out: Mismatch[] = [];
    const template = templateOf(document, answer.method, answer.path);
    const route = `${answer.method} ${template ?? answer.path}`;
    const miss = (problem: string) => out.push({ route, status: answer.status, problem });
    if (NOT_API(answer.path)) return out;
    // The catalog: one status per code, whatever the route.
    const code = (answer.body as Json | null)?.code;
    if (answer.status >= 400) {
      if (typeof code !== "string") miss(`an error without a code: ${JSON.stringify(answer.body)?.slice(0, 120)}`);
      else if (!Object.hasOwn(ERROR_CATALOG, code)) miss(`code ${code} is not in the error catalog`);
      else if (ERROR_CATALOG[code as keyof typeof ERROR_CATALOG].status !== answer.status)
        miss(
          `code ${code} answered with ${answer.status}; the catalog says ${ERROR_CATALOG[code as keyof typeof ERROR_CATALOG].status}`,
        );
    }
    // No route: an unknown path (its 404 was checked against the catalog above).
    if (!template) return out;
    const operation = document.paths[template][answer.method.toLowerCase()];
    if (!operation.summary && options.undocumented === "documented") return out;
    if (!operation.summary) return [...out, { route, status: answer.status, problem: "the route has no doc()" }];
    const documented = operation.responses?.[String(answer.status)];
    if (!documented) {
      miss(
        `status ${answer.status} is not documented (${Object.keys(operation.responses ?? {}).join(", ")})${code ? `; code ${code}` : ""}`,
      );
      return out;
    }
    const schema = documented.content?.["application/json"]?.schema;
    // The escape hatch: answers that are not JSON (204, a page) have no body to check.
    if (!schema) {
      if (answer.body !== null && answer.body !== "" && answer.contentType.includes("json"))
        miss("a JSON body where the document declares none");
      return out;
    }
    if (!answer.contentType.includes("application/json")) {
      miss(`Content-Type ${answer.contentType || "(none)"}, the document says application/json`);
      return out;
    }
    const key = `${template} ${answer.method} ${answer.status}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile({
        $ref: `openapi.json${pointer("paths", template, answer.method.toLowerCase(), "responses", String(answer.status), "content", "application/json", "schema")}`,
      });
      compiled.set(key, validate);
    }
    if (!validate(answer.body)) {
      for (const e of validate.errors ?? [])
        miss(`body${e.instancePath} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`);
    }
    return out;
  };
}

/** A readable report: one line per distinct (route, status, problem), with how often it happened. */
export function report(mismatches: Mismatch[], limit = 60): string {
  const counts = new Map<string, number>();
  for (const m of mismatches) {
    const line = `${m.route} → ${m.status}: ${m.problem}`;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  const lines = [...counts].map(([line, n]) => (n > 1 ? `${line} (×${n})` : line));
  return [...lines.slice(0, limit), ...(lines.length > limit ? [`… and ${lines.length - limit} more`] : [])].join("\n");
}
