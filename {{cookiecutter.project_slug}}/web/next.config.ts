import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The end-to-end suite builds into its own folder so it never clobbers `next dev`'s.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

export default nextConfig;
