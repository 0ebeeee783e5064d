import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `next build` also writes <distDir>/standalone: server.js with only the node_modules it
  // needs, which the production image runs (see Dockerfile).
  output: "standalone",
  // This folder, not whatever parent folder holds another lockfile: server.js stays at the top
  // of the standalone output.
  outputFileTracingRoot: fileURLToPath(new URL(".", import.meta.url)),
  // The end-to-end suite builds into its own folder so it never clobbers `next dev`'s.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // On every response, assets included. The Content-Security-Policy is per page: src/proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
