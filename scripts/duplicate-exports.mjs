// Lists exported functions (declarations, and consts holding a function or middleware) whose name is exported by two files of src.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

const root = process.argv[2] ?? "src";
const files = [];
const walk = (d) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    statSync(p).isDirectory() ? walk(p) : /\.tsx?$/.test(f) && files.push(p);
  }
};
walk(root);
const byName = new Map();
const add = (n, f) => byName.set(n, [...(byName.get(n) ?? []), f]);
for (const f of files) {
  const sf = ts.createSourceFile(f, readFileSync(f, "utf8"), ts.ScriptTarget.Latest, true);
  for (const st of sf.statements) {
    const exported = st.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isFunctionDeclaration(st) && st.name) add(st.name.text, f);
    if (ts.isVariableStatement(st))
      for (const d of st.declarationList.declarations) {
        const i = d.initializer;
        if (
          i &&
          (ts.isArrowFunction(i) ||
            ts.isFunctionExpression(i) ||
            (ts.isCallExpression(i) && /createMiddleware/.test(i.expression.getText())))
        )
          add(d.name.getText(), f);
      }
  }
}
let n = 0;
for (const [name, fs] of [...byName].sort())
  if (fs.length > 1) {
    n++;
    console.log(`${name}: ${fs.join(" ")}`);
  }
console.log(`${n} duplicated names`);
