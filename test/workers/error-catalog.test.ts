/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import { ERROR_CATALOG } from "../../src/lib/errors";

/**
 * One error catalog (src/lib/errors.ts): every code the source answers is in it, with one status. The types make
 * `new ApiError("unknown")` a compile error; this scan also catches codes spelled in plain objects (`{ code: "…" }`,
 * blockers, inline answers) and casts. That each answer the suite sees carries its code's catalog status is checked
 * after every file (response-check.ts).
 */
const sources = import.meta.glob("../../src/**/*.{ts,tsx}", { query: "?raw", import: "default", eager: true }) as Record<
  string,
  string
>;

/** Codes of one field's problem inside `errors: [{ field, code, message }]` (lib/validation.ts issueCode, and services). */
const FIELD_CODES = new Set([
  "required",
  "unknown_field",
  "invalid_type",
  "invalid_value",
  "invalid_format",
  "invalid",
  "too_long",
  "too_short",
  "out_of_range",
  "taken",
  "too_many_keys",
  "not_found",
  "insecure_redirect_uri",
  "https_required",
  "locked",
]);
/** Codes of a transfer preview's implications (services/transfers.ts): what a transfer means, not errors. */
const IMPLICATION_CODES = new Set([
  "moves_environments",
  "move_back_self_serve",
  "email_domains_pending",
  "credentials_unchanged",
]);

interface Use {
  file: string;
  line: number;
  code: string;
  kind: "error" | "field";
}

function usesIn(file: string, text: string): Use[] {
  const out: Use[] = [];
  const lineOf = (index: number) => text.slice(0, index).split("\n").length;
  const add = (index: number, code: string, kind: Use["kind"]) =>
    out.push({ file: file.replace("../../", ""), line: lineOf(index), code, kind });
  for (const m of text.matchAll(/new ApiError\(\s*["'`]([a-z0-9_]+)["'`]/g)) add(m.index, m[1], "error");
  for (const m of text.matchAll(/\bnotFound\(\s*["'`]([a-z0-9_]+)["'`]/g)) add(m.index, `${m[1]}_not_found`, "error");
  for (const m of text.matchAll(/\b(?:invalidField|invalidParameter)\(\s*[^,]+,\s*["'`]([a-z0-9_]+)["'`]/g))
    add(m.index, m[1], "field");
  for (const m of text.matchAll(/\bcode:\s*["'`]([a-z0-9_]+)["'`]/g)) {
    // In an object with a `field` (looking back to the previous object's `message`), it is one field's problem;
    // otherwise an error (or blocker) code.
    const before = text.slice(Math.max(0, m.index - 240), m.index);
    const own = before.slice(before.lastIndexOf("message") + 1);
    add(m.index, m[1], /\bfield\b/.test(own) ? "field" : "error");
  }
  return out;
}

describe("the error catalog", () => {
  it("has every code the source uses, and the field codes are the known ones", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    const uses = Object.entries(sources).flatMap(([file, text]) => usesIn(file, text));
    // The scan finds what it should (a scan that finds nothing proves nothing).
    expect(uses.filter((u) => u.kind === "error").length).toBeGreaterThan(60);
    expect(uses).toContainEqual(expect.objectContaining({ code: "source_project_must_keep_environment", kind: "error" }));
    expect(uses).toContainEqual(expect.objectContaining({ code: "team_not_found", kind: "error" }));
    const unknown = uses.filter((u) =>
      u.kind === "error" ? !Object.hasOwn(ERROR_CATALOG, u.code) && !IMPLICATION_CODES.has(u.code) : !FIELD_CODES.has(u.code),
    );
    expect(unknown.map((u) => `${u.file}:${u.line} ${u.kind} code ${u.code}`)).toEqual([]);
  });

  it("flags a code the catalog lacks (the scan itself)", () => {
    const uses = usesIn(
      "x.ts",
      'throw new ApiError("made_up" as any);\nreturn c.json({ code: "also_made_up", message: "m" }, 400);\nnotFound("widget", id);',
    );
    expect(uses.map((u) => u.code).filter((c) => !Object.hasOwn(ERROR_CATALOG, c))).toEqual([
      "made_up",
      "widget_not_found",
      "also_made_up",
    ]);
  });

  it("gives each code one 4xx/5xx status and a message", () => {
    for (const [code, { status, message }] of Object.entries(ERROR_CATALOG)) {
      expect({ code, ok: status >= 400 && status < 600 && message.length > 0 && /^[a-z0-9_]+$/.test(code) }).toEqual({
        code,
        ok: true,
      });
    }
  });
});
