import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";

/**
 * A multi-valued query parameter as clients send it: `x=a,b` (the SDK joins arrays with commas), `x=a&x=b`, or `x[]=a`.
 */
export function queryList(c: Context<AppEnv>, name: string, max = 50): string[] | undefined {
  const raw = [...(c.req.queries(name) ?? []), ...(c.req.queries(`${name}[]`) ?? [])];
  if (raw.length === 0) return undefined;
  const list = raw
    .flatMap((s) => s.split(","))
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length > max)
    throw new ApiError("invalid_parameters", `Invalid parameters. ${name}: must list at most ${max} values.`, {
      errors: [{ field: name, code: "too_long", message: `must list at most ${max} values.` }],
    });
  return list;
}
