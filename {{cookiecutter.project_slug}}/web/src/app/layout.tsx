import type { Metadata } from "next";
import { connection } from "next/server";

import { SiteHeader } from "@/components/site-header";
import { APP_NAME } from "@/config";
import { AuthProvider } from "@/lib/auth";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: APP_NAME, template: `%s · ${APP_NAME}` },
  description: `${APP_NAME}: sign in to your client portal.`,
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Rendered per request, never prerendered: each page needs its own CSP nonce (src/proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <AuthProvider>
          <SiteHeader />
          <main id="main" className="main">
            {children}
          </main>
        </AuthProvider>
      </body>
    </html>
  );
}
