// The first-load JavaScript of each page of the last `next build`, raw and gzipped: the scripts
// its HTML loads, read from the build's manifests (the pages are rendered per request, for the
// CSP nonce, so there is no HTML to read). The polyfills only browsers without ES modules load
// are left out.
//
//   npm run build && npm run size [-- /login /dashboard]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { gzipSync } from "node:zlib";

const dist = process.env.NEXT_DIST_DIR || ".next";

function readJson(path) {
  if (!existsSync(path)) {
    console.error(`${path} not found: run \`npm run build\` first`);
    process.exit(1);
  }
  return JSON.parse(readFileSync(path, "utf8"));
}

// "/(public)/login/page" -> "/login", for every app route; the pages are those ending in /page.
// The root error boundary's page is nobody's route (Next's own route list leaves it out too).
const routes = readJson(join(dist, "app-path-routes-manifest.json"));
const pages = Object.entries(routes)
  .filter(([entry, route]) => entry.endsWith("/page") && route !== "/_global-error")
  .map(([entry, route]) => ({ entry, route }))
  .sort((a, b) => a.route.localeCompare(b.route));

// Loaded by every page: the framework and the bundler's runtime.
const { rootMainFiles } = readJson(join(dist, "build-manifest.json"));

// Each page's own chunks, by segment (root layout, nested layouts, the page): the client
// reference manifest, a script that assigns globalThis.__RSC_MANIFEST[entry].
function pageScripts(entry) {
  const path = join(dist, "server", "app", `${entry}_client-reference-manifest.js`);
  const context = {};
  runInNewContext(readFileSync(path, "utf8"), context);
  const segments = Object.values(context.__RSC_MANIFEST[entry].entryJSFiles ?? {});
  return new Set([...rootMainFiles, ...segments.flat()]);
}

const sizes = new Map();
function size(file) {
  if (!sizes.has(file)) {
    const body = readFileSync(join(dist, file));
    sizes.set(file, { raw: body.length, gzip: gzipSync(body).length });
  }
  return sizes.get(file);
}

function total(files) {
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    raw += size(file).raw;
    gzip += size(file).gzip;
  }
  return { count: files.size, raw, gzip };
}

const wanted = process.argv.slice(2).map((arg) => (arg.startsWith("/") ? arg : `/${arg}`));
const unknown = wanted.filter((route) => !pages.some((page) => page.route === route));
if (unknown.length) {
  const known = pages.map((page) => page.route).join(", ");
  console.error(`no such page: ${unknown.join(", ")} (the pages: ${known})`);
  process.exit(1);
}

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const columns = (name, count, raw, gzip) =>
  `${name.padEnd(14)} ${count.padStart(7)} ${raw.padStart(10)} ${gzip.padStart(9)}`;
const row = (name, { count, raw, gzip }) => columns(name, String(count), kb(raw), kb(gzip));

const shown = wanted.length ? pages.filter((page) => wanted.includes(page.route)) : pages;
const scripts = new Map(pages.map((page) => [page.route, pageScripts(page.entry)]));
console.log(columns("page", "scripts", "raw", "gzipped"));
for (const { route } of shown) {
  console.log(row(route, total(scripts.get(route))));
}
const shared = new Set(
  [...scripts.values()].reduce((common, files) => [...common].filter((file) => files.has(file))),
);
console.log(row("(all share)", total(shared)));
