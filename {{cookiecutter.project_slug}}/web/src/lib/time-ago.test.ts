import { describe, expect, it } from "vitest";

import { timeAgo } from "./time-ago";

const NOW = new Date("2026-11-30T12:00:00Z");
const before = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

describe("timeAgo", () => {
  it.each([
    [0, "now"],
    [59, "now"],
    [60, "1 minute ago"],
    [5 * 60 + 20, "5 minutes ago"],
    [3600, "1 hour ago"],
    [3 * 3600 + 40 * 60, "4 hours ago"],
    [86400, "yesterday"],
    [3 * 86400, "3 days ago"],
    [7 * 86400, "last week"],
    [20 * 86400, "3 weeks ago"],
    [50 * 86400, "2 months ago"],
    [400 * 86400, "last year"],
  ])("%i seconds before is %s", (seconds, said) => {
    expect(timeAgo(before(seconds), NOW, "en")).toBe(said);
  });

  it("a time ahead of now (a skewed clock) is now", () => {
    expect(timeAgo(new Date(NOW.getTime() + 90_000), NOW, "en")).toBe("now");
  });
});
