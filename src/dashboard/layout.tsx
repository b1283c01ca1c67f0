import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { Flash, FormState } from "./forms";

/**
 * The dashboard's styles and script (progressive enhancement: Copy buttons, the branding preview) are static assets,
 * public/dashboard/assets/, served by this Worker (dashboard/index.tsx), never a CDN: the dashboard works offline,
 * and the Worker bundle does not carry them. Their URLs carry the first 12 hex digits of their content's SHA-256, so
 * browsers may keep them for a year; test/workers/dashboard.test.ts fails when a file changes and its hash here does not.
 */
export const DASHBOARD_ASSETS = {
  style: "/dashboard/assets/dashboard.css?v=c696697e5867",
  script: "/dashboard/assets/dashboard.js?v=9c76222c36d8",
};

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2a45c9"/><path d="M9 11h14M9 16h14M9 21h9" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>`;

export interface Crumb {
  label: string;
  href?: string;
}

export const Document: FC<PropsWithChildren<{ title: string }>> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · Control plane`}</title>
      <link rel="icon" href="/dashboard/favicon.svg" type="image/svg+xml" />
      <link rel="stylesheet" href={DASHBOARD_ASSETS.style} />
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to content
      </a>
      {children}
      <script src={DASHBOARD_ASSETS.script} />
    </body>
  </html>
);

export const TopBar: FC<{ signedIn?: boolean }> = ({ signedIn }) => (
  <header class="top">
    <a href="/dashboard">
      <strong>Control plane</strong>
    </a>
    <span class="grow" />
    {signedIn && (
      <>
        <a href="/dashboard">All teams</a>
        <form method="post" action="/dashboard/sign-out" style="margin:0">
          <button class="secondary small" type="submit">
            Sign out
          </button>
        </form>
      </>
    )}
  </header>
);

/** Breadcrumbs: `items`, or (pages that only know their team) Teams / the team. */
export const Crumbs: FC<{ items?: Crumb[]; team?: { id: string; name: string } }> = ({ items: given, team }) => {
  const items = given ?? [
    { label: "Teams", href: "/dashboard" },
    ...(team ? [{ label: team.name, href: `/dashboard/teams/${team.id}` }] : []),
  ];
  return (
    <nav class="crumbs" aria-label="Breadcrumb">
      <ol>
        {items.map((c, i) => (
          <li>
            {c.href && (i < items.length - 1 || !given) ? (
              <a href={c.href}>{c.label}</a>
            ) : (
              <span aria-current={i === items.length - 1 ? "page" : undefined}>{c.label}</span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
};

export const FlashBox: FC<{ flash?: Flash }> = ({ flash }) =>
  flash ? (
    <div class={flash.kind === "warning" ? "warning" : "notice"} role="status">
      {flash.message}
      {flash.secret && (
        <>
          <code class="secret" id="new-key">
            {flash.secret}
          </code>
          <Copy value={flash.secret} label="Copy the key" />
        </>
      )}
    </div>
  ) : null;

export const Notice: FC<PropsWithChildren> = ({ children }) => (
  <div class="notice" role="status">
    {children}
  </div>
);

export const ErrorBox: FC<{ message?: string }> = ({ message }) =>
  message ? (
    <div class="error" role="alert">
      {message}
    </div>
  ) : null;

export const Card: FC<PropsWithChildren<{ title?: Child; id?: string }>> = ({ title, id, children }) => (
  <section class="card" id={id} aria-labelledby={id && title ? `${id}-title` : undefined}>
    {title && <h2 id={id ? `${id}-title` : undefined}>{title}</h2>}
    {children}
  </section>
);

/** A Copy button, shown only when the script runs (it is what makes it work). */
export const Copy: FC<{ value: string; label?: string }> = ({ value, label }) => (
  <button type="button" class="secondary small" data-copy={value} aria-label={label ?? `Copy ${value}`} hidden>
    Copy
  </button>
);

/** Ids are small and copyable; names come first. */
export const Id: FC<{ value: string; label?: string }> = ({ value, label }) => (
  <span class="id">
    {label && <span>{label}</span>}
    <code>{value}</code>
    <Copy value={value} />
  </span>
);

export const EnvironmentBadges: FC<{ production: boolean; locked: boolean }> = ({ production, locked }) => (
  <>
    {production ? <span class="badge prod">production</span> : <span class="badge">staging</span>}
    {locked && <span class="badge locked">locked until billing</span>}
  </>
);

/** A destructive action behind a disclosure: the first click explains, the second acts. */
export const Confirm: FC<{
  summary: string;
  action: string;
  button: string;
  explain: Child;
  disabled?: string;
  fields?: Record<string, string>;
}> = ({ summary, action, button, explain, disabled, fields }) =>
  disabled ? (
    <span class="row" style="margin:0">
      <button type="button" class="danger" disabled aria-describedby={`why-${action.replace(/\W/g, "")}`}>
        {summary}
      </button>
      <span class="hint" id={`why-${action.replace(/\W/g, "")}`}>
        {disabled}
      </span>
    </span>
  ) : (
    <details class="confirm">
      <summary>{summary}</summary>
      <p>{explain}</p>
      <form method="post" action={action}>
        {Object.entries(fields ?? {}).map(([k, v]) => (
          <input type="hidden" name={k} value={v} />
        ))}
        <button class="danger" type="submit">
          {button}
        </button>
      </form>
    </details>
  );

type FieldProps = {
  form: string;
  name: string;
  label: string;
  state?: FormState;
  value?: string;
  type?: string;
  hint?: Child;
  required?: boolean;
  maxlength?: number;
  placeholder?: string;
  autocomplete?: string;
  inputmode?: string;
  rows?: number;
  /** `row`: the option names a stored row (counted by the rows-read tests). */
  options?: { value: string; label: string; row?: boolean }[];
};

/** A labelled input that keeps what was typed after a refused submission, with its error beside it. */
export const Field: FC<FieldProps> = (p) => {
  const id = `${p.form}-${p.name}`;
  const mine = p.state?.form === p.form;
  const error = mine ? p.state?.errors[p.name] : undefined;
  const typed = mine ? p.state?.values[p.name] : undefined;
  const value = typeof typed === "string" ? typed : Array.isArray(typed) ? typed.join("\n") : (p.value ?? "");
  const describedBy = [error && `${id}-error`, p.hint && `${id}-hint`].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    name: p.name,
    "aria-invalid": error ? "true" : undefined,
    "aria-describedby": describedBy,
    required: p.required,
  };
  return (
    <div>
      <label for={id}>{p.label}</label>
      {p.hint && (
        <p class="hint" id={`${id}-hint`}>
          {p.hint}
        </p>
      )}
      {p.options ? (
        <select {...common}>
          {p.options.map((o) => (
            <option value={o.value} selected={o.value === value} data-row={o.row}>
              {o.label}
            </option>
          ))}
        </select>
      ) : p.rows ? (
        <textarea {...common} rows={p.rows}>
          {value}
        </textarea>
      ) : (
        <input
          {...common}
          type={p.type ?? "text"}
          value={value}
          maxlength={p.maxlength}
          placeholder={p.placeholder}
          autocomplete={p.autocomplete}
          inputmode={p.inputmode as "numeric" | undefined}
        />
      )}
      {error && (
        <p class="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
};

/** The form-level message of a refused submission of this form. */
export const FormError: FC<{ form: string; state?: FormState }> = ({ form, state }) =>
  state?.form === form && state.message ? <ErrorBox message={state.message} /> : null;

/** Previous / next links of a cursor-paginated list. */
export const Pager: FC<{ base: string; meta: { before: string | null; after: string | null }; extra?: string }> = ({
  base,
  meta,
  extra,
}) =>
  meta.before || meta.after ? (
    <nav class="pager" aria-label="Pages">
      {meta.before && <a href={`${base}?before=${meta.before}${extra ?? ""}`}>← Previous page</a>}
      {meta.after && <a href={`${base}?after=${meta.after}${extra ?? ""}`}>Next page →</a>}
    </nav>
  ) : null;

export const when = (iso: string | null | undefined) => (iso ? iso.replace("T", " ").slice(0, 16) : "—");
