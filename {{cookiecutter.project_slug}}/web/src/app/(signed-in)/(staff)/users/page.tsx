import type { Metadata } from "next";

export const metadata: Metadata = { title: "Users" };

/** The user directory, for staff and admins (the (staff) layout checks the role). */
export default function UsersPage() {
  return (
    <section className="card" aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
    </section>
  );
}
