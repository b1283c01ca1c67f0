import type { Child, FC, PropsWithChildren } from "hono/jsx";

declare module "hono" {
  interface ContextRenderer {
    (content: string | Promise<string>, props: { title: string; signedIn?: boolean }): Response | Promise<Response>;
  }
}

// Self-contained styles: no CDN, the dashboard works offline.
const STYLE = `
*{box-sizing:border-box}body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7fb}
header{background:#1d2330;color:#fff;padding:.7rem 1.5rem;display:flex;gap:1.5rem;align-items:center}
header a{color:#fff;text-decoration:none}header .grow{flex:1}main{max-width:980px;margin:1.5rem auto;padding:0 1.5rem}
h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.card{background:#fff;border:1px solid #dde1ea;border-radius:8px;padding:1rem 1.2rem;margin:0 0 1rem}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eceef3;vertical-align:top}
th{font-weight:600;color:#5b6375;font-size:.85rem}code{font-size:.85em;background:#eef0f5;padding:.1em .3em;border-radius:4px}
.badge{display:inline-block;font-size:.75rem;padding:.05rem .45rem;border-radius:99px;background:#e6e9f2;margin-left:.3rem}
.badge.prod{background:#ffe3c2}.badge.locked{background:#f9d0d0}.badge.ok{background:#d3f2dc}
form.inline{display:inline}label{display:block;margin:.4rem 0}input[type=text],input[type=email],input[type=password],select,textarea{font:inherit;padding:.35rem .5rem;border:1px solid #c7ccd8;border-radius:6px;min-width:18rem}
button{font:inherit;padding:.35rem .9rem;border-radius:6px;border:1px solid #3a57e8;background:#3a57e8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#3a57e8}button.danger{background:#fff;color:#c0392b;border-color:#c0392b}button:disabled{opacity:.45;cursor:not-allowed}
.error{background:#fdecea;border:1px solid #f5c2bd;color:#8a1f11;padding:.6rem .9rem;border-radius:6px;margin:0 0 1rem}
.notice{background:#eaf6ee;border:1px solid #bfe3cb;padding:.6rem .9rem;border-radius:6px;margin:0 0 1rem}
.muted{color:#6b7386;font-size:.9rem}.secret{font-family:monospace;word-break:break-all;background:#fff8db;padding:.4rem .6rem;border-radius:6px}
`;

export const Layout: FC<PropsWithChildren<{ title: string; signedIn?: boolean }>> = ({ title, signedIn, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · Control plane`}</title>
      <style>{STYLE}</style>
    </head>
    <body>
      <header>
        <a href="/dashboard">
          <strong>Control plane</strong>
        </a>
        <span class="grow" />
        {signedIn && (
          <form class="inline" method="post" action="/dashboard/sign-out">
            <button class="secondary" type="submit">
              Sign out
            </button>
          </form>
        )}
      </header>
      <main>{children}</main>
    </body>
  </html>
);

export const ErrorBox: FC<{ message?: string }> = ({ message }) => (message ? <div class="error" role="alert">{message}</div> : null);

export const Notice: FC<PropsWithChildren> = ({ children }) => <div class="notice">{children}</div>;

export const Card: FC<PropsWithChildren<{ title?: Child }>> = ({ title, children }) => (
  <section class="card">
    {title && <h2>{title}</h2>}
    {children}
  </section>
);

export const EnvironmentBadges: FC<{ production: boolean; locked: boolean }> = ({ production, locked }) => (
  <>
    {production ? <span class="badge prod">production</span> : <span class="badge">staging</span>}
    {locked && <span class="badge locked">locked until billing</span>}
  </>
);

/** Where a page sits: Teams / the team / … */
export const Crumbs: FC<{ team?: { id: string; name: string } }> = ({ team }) => (
  <p class="muted">
    <a href="/dashboard">Teams</a> /{" "}
    {team && (
      <>
        <a href={`/dashboard/teams/${team.id}`}>{team.name}</a> /
      </>
    )}
  </p>
);
