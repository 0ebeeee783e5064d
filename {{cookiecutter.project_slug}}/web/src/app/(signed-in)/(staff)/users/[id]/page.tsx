import type { Metadata } from "next";

import { UserDetail } from "./user-detail";

export const metadata: Metadata = { title: "User" };

/** One user, for staff: their role and whether they may sign in. An id that is not a number is
 * no user. */
export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <UserDetail key={id} id={/^\d{1,15}$/.test(id) ? Number(id) : null} />;
}
