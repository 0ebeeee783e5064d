import type { Metadata } from "next";

import { RequestView } from "./request-view";

export const metadata: Metadata = { title: "Support request" };

/** One support request and its conversation. An id that is not a number is no request. */
export default async function RequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <RequestView key={id} id={/^\d{1,15}$/.test(id) ? Number(id) : null} />;
}
