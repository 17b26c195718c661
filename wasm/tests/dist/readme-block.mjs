// Prints the fenced code block that follows `<!-- NAME -->` in a Markdown file (the marker
// line's indentation is taken off the block's lines, so a block inside a list item works).
// Usage: node readme-block.mjs README.md quickstart:esm
// Fails (exit 1) when the marker is missing, found twice, or not followed by a fenced block.
import { readFileSync } from "node:fs";

const [file, name] = process.argv.slice(2);
const lines = readFileSync(file, "utf8").split("\n");
const marker = `<!-- ${name} -->`;
const at = lines.flatMap((l, i) => (l.trim() === marker ? [i] : []));
if (at.length !== 1) {
  console.error(`${file}: ${at.length} lines are "${marker}" (want exactly one)`);
  process.exit(1);
}
let i = at[0] + 1;
while (i < lines.length && lines[i].trim() === "") i++;
const indent = lines[at[0]].match(/^ */)[0];
const open = lines[i]?.startsWith(indent) ? lines[i].slice(indent.length) : "";
const fence = open.match(/^(`{3,})/)?.[1];
if (!fence) {
  console.error(`${file}: no fenced code block right after "${marker}"`);
  process.exit(1);
}
const out = [];
for (i++; i < lines.length; i++) {
  const l = lines[i].startsWith(indent) ? lines[i].slice(indent.length) : lines[i];
  if (l.startsWith(fence)) {
    process.stdout.write(out.join("\n") + "\n");
    process.exit(0);
  }
  out.push(l);
}
console.error(`${file}: the block after "${marker}" is not closed`);
process.exit(1);
