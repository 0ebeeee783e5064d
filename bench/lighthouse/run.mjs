// Lighthouse over pages of a running portal, some signed out and some signed in, in one
// Chromium (`make bench-web` starts the servers; bench/web.py). Prints one JSON object:
// {"<page>": {"performance": 0-100, "accessibility": ..., "best-practices": ..., "failed": [...]}}
//
// Usage: node run.mjs --web URL --email E --password P [--preset mobile|desktop]
//        --public /login --signed-in /dashboard --signed-in /requests
import lighthouse, { desktopConfig } from "lighthouse";
import puppeteer from "puppeteer-core";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    web: { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
    preset: { type: "string", default: "mobile" },
    public: { type: "string", multiple: true, default: [] },
    "signed-in": { type: "string", multiple: true, default: [] },
  },
});

const CATEGORIES = ["performance", "accessibility", "best-practices"];

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});

async function audit(path, signedIn) {
  const page = await browser.newPage();
  try {
    const result = await lighthouse(
      new URL(path, values.web).href,
      {
        output: "json",
        logLevel: "error",
        onlyCategories: CATEGORIES,
        // The signed-in pages keep the session cookies that signIn() got.
        disableStorageReset: signedIn,
      },
      values.preset === "desktop" ? desktopConfig : undefined,
      page,
    );
    const { categories, audits } = result.lhr;
    const scores = Object.fromEntries(
      CATEGORIES.map((name) => [name, Math.round(categories[name].score * 100)]),
    );
    // What cost points, for the report: the audits of the three categories scored below 1.
    const failed = CATEGORIES.flatMap((name) =>
      categories[name].auditRefs
        .filter((ref) => ref.weight > 0 && audits[ref.id].score !== null)
        .filter((ref) => audits[ref.id].score < 1)
        .map((ref) => `${name}: ${audits[ref.id].title} (${audits[ref.id].displayValue ?? audits[ref.id].score})`),
    );
    return { ...scores, finalUrl: result.lhr.finalDisplayedUrl, failed };
  } finally {
    await page.close();
  }
}

async function signIn() {
  const page = await browser.newPage();
  try {
    await page.goto(new URL("/login", values.web).href, { waitUntil: "networkidle0" });
    await page.type("input[name=email]", values.email);
    await page.type("input[name=password]", values.password);
    await Promise.all([
      page.waitForNavigation({ waitUntil: "networkidle0" }),
      page.click("button[type=submit]"),
    ]);
    if (new URL(page.url()).pathname.startsWith("/login")) {
      throw new Error(`sign-in as ${values.email} failed: still on ${page.url()}`);
    }
  } finally {
    await page.close();
  }
}

const results = {};
try {
  for (const path of values.public) results[path] = await audit(path, false);
  if (values["signed-in"].length) await signIn();
  for (const path of values["signed-in"]) {
    results[path] = await audit(path, true);
    if (new URL(results[path].finalUrl).pathname.startsWith("/login")) {
      throw new Error(`${path} was measured signed out (it went to ${results[path].finalUrl})`);
    }
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
