import type { Metadata } from "next";

export const metadata: Metadata = { title: "Requests" };

/** The support requests (the example app): its pages live in this folder. */
export default function RequestsPage() {
  return (
    <section className="card" aria-labelledby="requests-title">
      <h1 id="requests-title">Requests</h1>
    </section>
  );
}
