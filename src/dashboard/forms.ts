import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import * as v from "valibot";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { toFieldErrors } from "../lib/validation";

/**
 * Forms of the dashboard: parsed into the Platform API's JSON shape, validated by the API's own valibot
 * schemas, errors put beside their fields in words, what was typed kept, and every success answered with a
 * 303 (Post/Redirect/Get) carrying a one-time flash message in a short-lived cookie.
 */
export type Form = Record<string, string | string[]>;

export const text = (form: Form, key: string) => (typeof form[key] === "string" ? (form[key] as string) : "");
export const list = (form: Form, key: string) =>
  ([] as (string | undefined)[])
    .concat(form[key] as string | string[] | undefined)
    .filter((x): x is string => typeof x === "string" && x !== "");
/** One entry per non-empty line (redirect URIs), or per comma (tags). */
export const lines = (value: string) =>
  value
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean);
export const commas = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export const formOf = async (c: Context<AppEnv>) => (await c.req.parseBody({ all: true })) as Form;

/** A refused submission: which form, what was typed, the errors per field and one for the whole form. */
export interface FormState {
  form: string;
  values: Form;
  errors: Record<string, string>;
  message?: string;
  /** The answer's status: the API's 4xx for the same refusal. */
  status: 400 | 403 | 404 | 409 | 422;
}

/** Field names in words: `redirect_uris.0` is "Redirect URI 1". */
export type Labels = Record<string, string>;

function labelOf(field: string, labels: Labels) {
  const [head, index, ...rest] = field.split(".");
  if (index !== undefined && /^\d+$/.test(index) && labels[`${head}.*`])
    return `${labels[`${head}.*`]} ${Number(index) + 1}${rest.length ? ` ${rest.join(" ")}` : ""}`;
  return labels[field] ?? labels[head] ?? field.replace(/[._]/g, " ");
}

/** The field an error belongs to in the form: `redirect_uris.0` sits beside `redirect_uris`. */
const inputOf = (field: string) => field.split(".")[0];

/** An API error as a form state: field errors beside their inputs, the rest as the form's message. */
export function stateOf(form: string, values: Form, err: unknown, labels: Labels = {}): FormState {
  if (!(err instanceof ApiError)) throw err;
  const errors: Record<string, string> = {};
  const fieldErrors = (err.details.errors as { field: string; message: string }[] | undefined) ?? [];
  for (const e of fieldErrors) {
    const key = inputOf(e.field);
    const sentence = `${labelOf(e.field, labels)} ${e.message}`;
    errors[key] = errors[key] ? `${errors[key]} ${sentence}` : sentence;
  }
  const status = (err.status >= 400 && err.status < 500 ? err.status : 422) as FormState["status"];
  return { form, values, errors, status, message: fieldErrors.length ? "Please correct the fields marked below." : err.message };
}

/**
 * Runs a submission: the form's values to `run`; an ApiError (the schema's or a rule's) re-renders the form's
 * page with it, beside its fields and with what was typed kept.
 */
export async function attempt(
  c: Context<AppEnv>,
  form: string,
  labels: Labels,
  run: (values: Form) => Promise<Response>,
  page: (state: FormState) => Promise<Response>,
) {
  const values = await formOf(c);
  try {
    return await run(values);
  } catch (err) {
    return page(stateOf(form, values, err, labels));
  }
}

/** Validates `input` with the API's schema; a failure throws the same `validation_failed` the API answers. */
export function check<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  const parsed = v.safeParse(schema, input);
  if (parsed.success) return parsed.output;
  const errors = toFieldErrors(parsed.issues);
  throw new ApiError("validation_failed", `Validation failed. ${errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`, {
    errors,
  });
}

// ---- Flash: one message (and, once, a secret) for the page the redirect leads to ------------------------

const FLASH = "cp_flash";

export interface Flash {
  message: string;
  /** A value shown once (a new secret key), never put in a URL. */
  secret?: string;
  kind?: "notice" | "warning";
}

const flashCookie = (c: Context<AppEnv>) =>
  ({
    path: "/dashboard",
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: 120,
  }) as const;

/** Post/Redirect/Get: a 303 to `to`, with a message for the next page. */
export function done(c: Context<AppEnv>, to: string, flash?: Flash) {
  if (flash) setCookie(c, FLASH, btoa(unescape(encodeURIComponent(JSON.stringify(flash)))), flashCookie(c));
  return c.redirect(to, 303);
}

/** Takes the flash (it is shown once: a reload no longer shows it). */
export function takeFlash(c: Context<AppEnv>): Flash | undefined {
  const raw = getCookie(c, FLASH);
  if (!raw) return undefined;
  deleteCookie(c, FLASH, { path: "/dashboard" });
  try {
    const parsed = JSON.parse(decodeURIComponent(escape(atob(raw)))) as Flash;
    return typeof parsed?.message === "string" ? parsed : undefined;
  } catch {
    return undefined;
  }
}
