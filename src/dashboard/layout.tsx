import type { Child, FC, PropsWithChildren } from "hono/jsx";
import type { Flash, FormState } from "./forms";

// Self-contained styles and script: no CDN, no external asset, the dashboard works offline.
const STYLE = `
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7fb}
a{color:#2a45c9}a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid #2a45c9;outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:9}.skip:focus{left:.5rem;top:.5rem}
header.top{background:#1d2330;color:#fff;padding:.6rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header.top a{color:#fff;text-decoration:none}header.top .grow{flex:1}header.top :focus-visible{outline-color:#fff}
.shell{display:grid;grid-template-columns:15rem minmax(0,1fr);max-width:1200px;margin:0 auto}
nav.side{padding:1rem;border-right:1px solid #dde1ea;min-height:calc(100vh - 3rem);font-size:.93rem}
nav.side h2{font-size:.75rem;text-transform:uppercase;letter-spacing:.04em;color:#4b5263;margin:1rem 0 .3rem}
nav.side ul{list-style:none;margin:0;padding:0}nav.side li{margin:.1rem 0}nav.side li ul{padding-left:.9rem;border-left:2px solid #dde1ea;margin:.2rem 0 .4rem .3rem}
nav.side a{display:block;padding:.2rem .4rem;border-radius:5px;text-decoration:none;color:#1d2330;overflow-wrap:anywhere}
nav.side a[aria-current=page]{background:#e3e8fb;font-weight:600}nav.side a:hover{background:#eceff8}
main{padding:1rem 1.5rem 3rem;min-width:0}main.solo{max-width:760px;margin:0 auto}
nav.crumbs ol{list-style:none;display:flex;flex-wrap:wrap;gap:.3rem;padding:0;margin:.3rem 0 .6rem;font-size:.9rem}
nav.crumbs li+li::before{content:"/";margin-right:.3rem;color:#5b6375}
h1{font-size:1.45rem;margin:.2rem 0 .4rem;overflow-wrap:anywhere}h2{font-size:1.1rem;margin:0 0 .6rem}h3{font-size:1rem;margin:1rem 0 .4rem}
.card{background:#fff;border:1px solid #dde1ea;border-radius:8px;padding:1rem 1.1rem;margin:0 0 1rem}
.scroll{overflow-x:auto}table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #eceef3;vertical-align:top}
th{font-weight:600;color:#4b5263;font-size:.85rem}td.num,th.num{text-align:right}
code{font-size:.82em;background:#eef0f5;padding:.1em .3em;border-radius:4px;overflow-wrap:anywhere;word-break:break-all}
.id{font-size:.85rem;color:#4b5263;display:inline-flex;gap:.3rem;align-items:center;flex-wrap:wrap;max-width:100%}
.badge{display:inline-block;font-size:.75rem;padding:.05rem .45rem;border-radius:99px;background:#e6e9f2;margin-left:.3rem;white-space:nowrap}
.badge.prod{background:#ffe3c2}.badge.locked{background:#f9d0d0}.badge.ok{background:#d3f2dc}
label{display:block;margin:.5rem 0 .2rem;font-weight:500}.check{font-weight:400;display:flex;gap:.5rem;align-items:flex-start}
input[type=text],input[type=email],input[type=password],input[type=url],input[type=month],input[type=date],select,textarea{font:inherit;padding:.4rem .5rem;border:1px solid #8a92a5;border-radius:6px;width:100%;max-width:30rem;background:#fff;color:#1d2330}
input[aria-invalid=true],textarea[aria-invalid=true],select[aria-invalid=true]{border-color:#b3261e;border-width:2px}
input[type=color]{width:3rem;height:2.2rem;padding:0;border:1px solid #8a92a5;border-radius:6px;vertical-align:middle}
.field-error{color:#a51d14;font-size:.9rem;margin:.2rem 0}.hint{color:#4b5263;font-size:.88rem;margin:.2rem 0}
.row{display:flex;gap:.6rem;flex-wrap:wrap;align-items:center;margin-top:.7rem}.row form{margin:0}
button,.button{font:inherit;padding:.4rem .9rem;border-radius:6px;border:1px solid #2a45c9;background:#2a45c9;color:#fff;cursor:pointer;text-decoration:none;display:inline-block;line-height:1.4}
button.secondary,.button.secondary{background:#fff;color:#2a45c9}button.danger{background:#b3261e;border-color:#b3261e;color:#fff}button.small{padding:.15rem .5rem;font-size:.82rem}
button:disabled{background:#e4e6ec;border-color:#c3c8d4;color:#4b5263;cursor:not-allowed}
details.confirm{display:inline-block}details.confirm>summary{cursor:pointer;color:#a51d14;text-decoration:underline;padding:.3rem 0}
details.confirm[open]{display:block;background:#fff5f4;border:1px solid #f0c4bf;border-radius:6px;padding:.5rem .8rem;margin:.4rem 0}
.error{background:#fdecea;border:1px solid #f0b9b3;color:#7d1a0f;padding:.6rem .9rem;border-radius:6px;margin:0 0 1rem}
.warning{background:#fff6dd;border:1px solid #ecd28a;color:#5c4300;padding:.6rem .9rem;border-radius:6px;margin:.4rem 0}
.notice{background:#e8f6ed;border:1px solid #b5dfc2;padding:.6rem .9rem;border-radius:6px;margin:0 0 1rem}
.muted{color:#4b5263;font-size:.9rem}.secret{font-family:monospace;word-break:break-all;background:#fff8db;padding:.4rem .6rem;border-radius:6px;display:block;margin:.4rem 0}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
ul.plain{list-style:none;padding:0;margin:0}ul.plain>li{padding:.45rem 0;border-bottom:1px solid #eceef3}
.tabs{display:flex;flex-wrap:wrap;gap:.2rem;margin:.6rem 0 1rem;border-bottom:1px solid #dde1ea;padding:0;list-style:none}
.tabs a{display:block;padding:.35rem .7rem;text-decoration:none;border-radius:6px 6px 0 0;color:#1d2330}.tabs a[aria-current=page]{background:#fff;border:1px solid #dde1ea;border-bottom-color:#fff;font-weight:600;margin-bottom:-1px}
.preview{border-radius:8px;padding:1rem;border:1px solid #dde1ea;margin-top:.6rem}.preview .cta{display:inline-block;padding:.35rem .8rem;border-radius:6px;color:#fff}
.pager{display:flex;gap:1rem;margin-top:.6rem}
@media (max-width:760px){.shell{display:block}nav.side{min-height:0;border-right:0;border-bottom:1px solid #dde1ea;padding:.6rem 1rem}
nav.side h2{margin:.5rem 0 .2rem}nav.side ul{display:flex;flex-wrap:wrap;gap:.1rem .4rem}nav.side li ul{border-left:0;padding-left:0;margin:0}main{padding:.8rem .9rem 2rem}
.card{padding:.8rem}th,td{padding:.35rem .3rem}}
`;

/** Progressive enhancement: Copy buttons, and the branding preview. Without script the page still works. */
const SCRIPT = `
document.querySelectorAll("button[data-copy]").forEach(function(b){b.hidden=false;b.addEventListener("click",function(){
var done=function(){b.textContent="Copied";setTimeout(function(){b.textContent="Copy"},1500)};
if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(b.dataset.copy).then(done,function(){})}
else{var t=document.createElement("textarea");t.value=b.dataset.copy;document.body.appendChild(t);t.select();try{document.execCommand("copy");done()}catch(e){}t.remove()}})});
var p=document.getElementById("branding-preview");if(p){var f=p.closest("form")||document;var up=function(){
f.querySelectorAll("input[type=color]").forEach(function(i){p.style.setProperty("--"+i.name,i.value)});
var d=f.querySelector("input[name=display_name]");if(d)p.querySelector(".name").textContent=d.value||"Your app"};
f.addEventListener("input",up);up()}
`;

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
      <style dangerouslySetInnerHTML={{ __html: STYLE }} />
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to content
      </a>
      {children}
      <script dangerouslySetInnerHTML={{ __html: SCRIPT }} />
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
