/**
 * The floor the bench compares the app with: a Worker that answers one primary-key read of D1 and does
 * nothing else (no routing framework, no auth, no serialization beyond the row). It reads the app's
 * database: same binding and database id, same `--persist-to` directory (see bare-wrangler.toml).
 */
interface Env {
  DB: D1Database;
}

// Only tables the bench compares against; never a name from the request in SQL.
const TABLES = new Set(["teams", "organizations", "users"]);

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const [, table, id] = new URL(request.url).pathname.split("/");
    if (!TABLES.has(table) || !id) return new Response("not found", { status: 404 });
    const row = await env.DB.prepare(`SELECT * FROM ${table} WHERE id = ?`).bind(id).first();
    return row ? Response.json(row) : new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
