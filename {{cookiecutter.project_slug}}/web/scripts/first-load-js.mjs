// Prints the first-load JavaScript of each prerendered page of the last `next build`: the
// scripts its HTML loads, raw and gzipped. Usage: npm run build && node scripts/first-load-js.mjs
import { existsSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const pages = process.argv.slice(2).length ? process.argv.slice(2) : ["login", "dashboard"];
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

for (const page of pages) {
  const html = `.next/server/app/${page}.html`;
  if (!existsSync(html)) {
    console.error(`${html} not found: run \`npm run build\` first`);
    process.exit(1);
  }
  const matches = readFileSync(html, "utf8").matchAll(/<script[^>]+src="\/_next\/([^"]+)"/g);
  const scripts = new Set([...matches].map((match) => match[1]));
  let raw = 0;
  let gzip = 0;
  for (const path of scripts) {
    const body = readFileSync(`.next/${decodeURIComponent(path)}`);
    raw += body.length;
    gzip += gzipSync(body).length;
  }
  console.log(`/${page}: ${scripts.size} scripts, ${kb(raw)} (${kb(gzip)} gzipped)`);
}
