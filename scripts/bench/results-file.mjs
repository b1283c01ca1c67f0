// RESULTS.md holds the output of two commands (`npm run bench`, `npm run bench:sign-in`): each rewrites its own
// part and keeps the other's.

/** The level-2 section `heading` (through the next level-2 heading) of a Markdown text, or "". */
export function sectionOf(text, heading) {
  const start = text.indexOf(`${heading}\n`);
  if (start < 0 || (start > 0 && text[start - 1] !== "\n")) return "";
  const next = text.indexOf("\n## ", start + heading.length);
  return text.slice(start, next < 0 ? text.length : next + 1);
}

/** `text` with its section `heading` replaced by `section` (appended when it has none). */
export function withSection(text, heading, section) {
  const old = sectionOf(text, heading);
  const body = section.replace(/\n*$/, "\n");
  // A section followed by another keeps its blank line before it.
  if (old) return text.replace(old, () => (text.endsWith(old) ? body : `${body}\n`));
  return `${text.replace(/\n*$/, "\n\n")}${body}`;
}
