import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ERROR_CATALOG } from "../../src/lib/errors";
import { call, type Session, session, snapshotDatabase } from "./helpers";
import { fetchDocument, type Json, type Operation, operationsOf } from "./openapi-support";
import { buildWorld, fillPath, requestSchemaOf, sampleBody, type World } from "./route-fixtures";

/**
 * Generated bad requests for every write route of the document (fast-check, fixed seed): each request carries at
 * least one definite mistake (a wrong type, a missing or unknown field, a string past its bound, nesting past 32,
 * text that is not a JSON object, a wrong Content-Type, a malformed path id), plus noise (control characters,
 * bad query parameters). Every answer must be a 4xx whose code is in the catalog with that status, and the
 * database must be exactly as it was: every table is compared before and after each batch.
 */
const SEED = 20_261_129;
// Bounded for a 2-core machine (the whole suite stays under 6 minutes): 3,000 requests cover every kind on every write route.
const TOTAL = 3_000;
const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const CONCURRENCY = 16;

async function inWaves<T>(items: T[], run: (item: T, index: number) => Promise<void>) {
  for (let i = 0; i < items.length; i += CONCURRENCY)
    await Promise.all(items.slice(i, i + CONCURRENCY).map((item, j) => run(item, i + j)));
}

interface BadRequest {
  kind: string;
  path: string;
  body?: unknown;
  raw?: string;
  contentType?: string;
  query?: string;
}

type Kind = (op: Operation, world: World, n: number, seed: number) => BadRequest[] | undefined;

const propsOf = (schema: Json | undefined): [string, Json][] => Object.entries<Json>(schema?.properties ?? {});

/** JSON types a schema accepts (undefined: anything). */
function acceptedTypes(schema: Json): Set<string> | undefined {
  const options: Json[] = schema.anyOf ?? schema.oneOf ?? [schema];
  const types = new Set<string>();
  for (const o of options) {
    if (o.const !== undefined) types.add(o.const === null ? "null" : typeof o.const === "object" ? "object" : typeof o.const);
    else if (o.enum) for (const e of o.enum) types.add(e === null ? "null" : typeof e);
    else if (o.type) for (const t of [o.type].flat()) types.add(t === "integer" ? "number" : t);
    else return undefined;
  }
  return types;
}
const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Noise that does not make a request valid: control characters in strings, bad query parameters. */
const controlChars = fc.string({
  unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 8,
});
const badQuery = fc.constantFrom(
  "",
  "",
  "limit=-1",
  "order=sideways",
  "limit=abc&after=%00",
  `x=${"q".repeat(2000)}`,
  "before=not_an_id",
);
const withNoise = (body: Json, noise: string) => {
  const out: Json = { ...body };
  for (const [k, v] of Object.entries(out)) if (typeof v === "string") out[k] = `${v}${noise}`;
  return out;
};

const sample = <T>(arb: fc.Arbitrary<T>, n: number, seed: number) => fc.sample(arb, { seed, numRuns: n });

const KINDS: Record<string, Kind> = {
  /** A property of a type its schema refuses. */
  "wrong type": (op, world, n, seed) => {
    const schema = requestSchemaOf(op.operation);
    const props = propsOf(schema).filter(([, p]) => acceptedTypes(p));
    if (!props.length) return undefined;
    const base = sampleBody(schema, world) as Json;
    const anyValue = fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
      fc.string({ maxLength: 20 }),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
    );
    const arb = fc
      .tuple(fc.constantFrom(...props), anyValue, controlChars, badQuery)
      .filter(
        ([[, p], v]) => !acceptedTypes(p)?.has(jsonType(v)) && !(jsonType(v) === "number" && acceptedTypes(p)?.has("number")),
      );
    return sample(arb, n, seed).map(([[name], value, noise, query]) => ({
      kind: "wrong type",
      path: fillPath(world, op.path),
      body: { ...withNoise(base, noise), [name]: value },
      query,
    }));
  },
  /** A required property left out. */
  "missing field": (op, world, n, seed) => {
    const schema = requestSchemaOf(op.operation);
    const required: string[] = schema?.required ?? [];
    if (!required.length) return undefined;
    const base = sampleBody(schema, world) as Json;
    return sample(fc.tuple(fc.constantFrom(...required), controlChars, badQuery), n, seed).map(([name, noise, query]) => {
      const body = withNoise(base, noise);
      delete body[name];
      return { kind: "missing field", path: fillPath(world, op.path), body, query };
    });
  },
  /** A property the (strict) schema does not know. */
  "unknown field": (op, world, n, seed) => {
    const schema = requestSchemaOf(op.operation);
    if (schema?.additionalProperties !== false) return undefined;
    const known = new Set(Object.keys(schema.properties ?? {}));
    const base = sampleBody(schema, world) as Json;
    const key = fc.string({ minLength: 1, maxLength: 30 }).filter((k) => !known.has(k) && k !== "__proto__");
    return sample(fc.tuple(key, fc.jsonValue({ maxDepth: 2 }), controlChars), n, seed).map(([k, v, noise]) => ({
      kind: "unknown field",
      path: fillPath(world, op.path),
      body: { ...withNoise(base, noise), [k]: v },
    }));
  },
  /** A string past its maximum length (by up to 50,000 characters). */
  "huge string": (op, world, n, seed) => {
    const schema = requestSchemaOf(op.operation);
    const bounded = propsOf(schema).filter(([, p]) => typeof p.maxLength === "number");
    if (!bounded.length) return undefined;
    const base = sampleBody(schema, world) as Json;
    return sample(
      fc.tuple(fc.constantFrom(...bounded), fc.integer({ min: 1, max: 50_000 }), fc.string({ minLength: 1, maxLength: 3 })),
      n,
      seed,
    ).map(([[name, p], extra, unit]) => ({
      kind: "huge string",
      path: fillPath(world, op.path),
      body: { ...base, [name]: unit.repeat(Math.ceil((p.maxLength + extra) / unit.length)) },
    }));
  },
  /** Objects or arrays nested deeper than 32 levels (up to 5,000), sent with an Idempotency-Key on POSTs. */
  "deep nesting": (op, world, n, seed) =>
    sample(fc.tuple(fc.integer({ min: 33, max: 5000 }), fc.boolean(), fc.string({ maxLength: 10 })), n, seed).map(
      ([depth, arrays, key]) => {
        const [open, close] = arrays ? ["[", "]"] : [`{${JSON.stringify(key)}:`, "}"];
        return {
          kind: "deep nesting",
          path: fillPath(world, op.path),
          raw: `{"name":${open.repeat(depth)}1${close.repeat(depth)}}`,
        };
      },
    ),
  /** Text that is not a JSON object. */
  "not a JSON object": (op, world, n, seed) => {
    const text = fc.oneof(
      fc.string({ minLength: 1, maxLength: 50 }).filter((t) => t.trim().length > 0 && !isJsonObject(t)),
      fc
        .jsonValue({ maxDepth: 2 })
        .map((v) => JSON.stringify(v))
        .filter((t) => !isJsonObject(t)),
      fc.constantFrom('{"a":', "{'a':1}", "[]", "null", "\u0000", '{"a":1}garbage'),
    );
    return sample(text, n, seed).map((raw) => ({ kind: "not a JSON object", path: fillPath(world, op.path), raw }));
  },
  /** A valid-looking body with a Content-Type other than application/json. */
  "wrong content type": (op, world, n, seed) => {
    const body = JSON.stringify(sampleBody(requestSchemaOf(op.operation), world) ?? { any: "thing" });
    const type = fc.constantFrom(
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "application/jsonx",
      "text/json",
      "application/merge-patch+json",
      "",
    );
    return sample(type, n, seed).map((contentType) => ({
      kind: "wrong content type",
      path: fillPath(world, op.path),
      raw: body,
      contentType,
    }));
  },
  /** A path id that is not one (random text, another kind's prefix, too long), with an otherwise valid body. */
  "malformed id": (op, world, n, seed) => {
    const ids = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).filter((p) => p !== "action" && p !== "slug");
    if (!ids.length) return undefined;
    const body = sampleBody(requestSchemaOf(op.operation), world);
    const garbage = fc.oneof(
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.constantFrom("team_bad", "project_01K4BN3VKH8AFZC5J334QZY3PM", "x".repeat(300), "..", "%00", "null"),
    );
    return sample(fc.tuple(fc.constantFrom(...ids), garbage), n, seed).map(([param, value]) => ({
      kind: "malformed id",
      path: withId(world, op.path, param, value),
      body,
    }));
  },
};

function isJsonObject(text: string) {
  try {
    const v = JSON.parse(text);
    return v !== null && typeof v === "object" && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** The path with one parameter replaced by `value` (the others filled from the world). */
function withId(world: World, template: string, param: string, value: string) {
  const [before, after] = template.split(`{${param}}`);
  return `${fillPath(world, before)}${encodeURIComponent(value)}${fillPath(world, after)}`;
}

// The route table, read when the file is collected: one test per write route, reported under its own name.
const routes = operationsOf(await fetchDocument()).filter((o) => WRITES.has(o.method) && o.path !== "/oauth2/token");
const kinds = Object.entries(KINDS);

describe("generated bad input", () => {
  let s: Session;
  let world: World;
  let perBatch: number;

  // Building the world takes about 20 requests: more than vitest's 10 s hook default allows on a busy machine.
  beforeAll(async () => {
    s = await session();
    world = await buildWorld(s, "Target");
    // As many per (route, kind) as it takes to reach TOTAL over the pairs that apply.
    const pairs = routes.reduce((n, op) => n + kinds.filter(([, kind]) => kind(op, world, 1, SEED)).length, 0);
    perBatch = Math.ceil(TOTAL / pairs);
  }, 60_000);

  it("covers every write route", () => {
    expect(routes.length).toBeGreaterThan(10);
  });

  // About TOTAL / routes requests each (in waves) and a snapshot of the database around each kind: 120 s rather than
  // vitest's 5 s default, for a busy machine.
  it.each(routes.map((op, index) => [`${op.method} ${op.path}`, op, index] as const))(
    "%s: every generated bad request is a 4xx from the catalog, and nothing is written",
    { timeout: 120_000 },
    async (_, op, index) => {
      const failures: string[] = [];
      const writes: string[] = [];
      let sent = 0;
      // One seed per (route, kind): a route's requests do not depend on which other routes ran.
      let seed = SEED + index * kinds.length;
      for (const [name, kind] of kinds) {
        const requests = kind(op, world, perBatch, seed++);
        if (!requests) continue;
        const before = await snapshotDatabase();
        // Concurrently within a batch (they are independent: each must fail), in waves of CONCURRENCY.
        await inWaves(requests, async (r, i) => {
          const path = r.query ? `${r.path}?${r.query}` : r.path;
          const headers: Record<string, string> = op.method === "POST" ? { "Idempotency-Key": `bad-${seed}-${i}` } : {};
          if (r.contentType !== undefined) headers["Content-Type"] = r.contentType;
          const answer = await call(op.method, path, {
            token: op.path.startsWith("/platform/") ? s.token : world.key,
            body: r.body,
            rawBody: r.raw,
            headers,
          });
          sent++;
          const code = answer.body?.code as string | undefined;
          const catalogStatus =
            code && Object.hasOwn(ERROR_CATALOG, code) ? ERROR_CATALOG[code as keyof typeof ERROR_CATALOG].status : undefined;
          if (answer.status < 400 || answer.status >= 500 || catalogStatus !== answer.status) {
            const shown = JSON.stringify(r.body ?? r.raw)?.slice(0, 100);
            failures.push(
              `${path} [${name}] → ${answer.status} ${code ?? JSON.stringify(answer.body)?.slice(0, 80)} (sent ${shown}${r.contentType !== undefined ? `, Content-Type "${r.contentType}"` : ""})`,
            );
          }
        });
        const after = await snapshotDatabase();
        const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
        if (changed.length) writes.push(`[${name}]: ${changed.map((t) => `${t} ${before[t]} → ${after[t]}`).join("; ")}`);
      }
      expect(
        failures.slice(0, 40),
        `${failures.length} answers were not a catalog 4xx:\n${failures.slice(0, 40).join("\n")}`,
      ).toEqual([]);
      expect(writes, `4xx batches that wrote:\n${writes.join("\n")}`).toEqual([]);
      // Every route gets at least one kind (deep nesting applies to all).
      expect(sent).toBeGreaterThanOrEqual(perBatch);
    },
  );
});
