import { describe, expect, it } from "vitest";

import { choiceParam, hrefWith, pageCount, pageParam } from "./search-params";

describe("hrefWith", () => {
  it("leaves out empty values and page 1", () => {
    expect(hrefWith("/users", { role: "staff", search: "", page: 1, other: undefined, none: null })).toBe(
      "/users?role=staff",
    );
    expect(hrefWith("/requests", {})).toBe("/requests");
  });

  it("keeps later pages and encodes what it is given", () => {
    expect(hrefWith("/users", { search: "a&b c", page: 3 })).toBe("/users?search=a%26b+c&page=3");
  });
});

describe("pageParam", () => {
  it("is a whole number from 1, else 1", () => {
    expect(pageParam("4")).toBe(4);
    for (const value of [null, "", "0", "-2", "1.5", "abc", "1e400"]) expect(pageParam(value)).toBe(1);
  });
});

describe("choiceParam", () => {
  it("is one of the choices, else undefined", () => {
    expect(choiceParam("open", ["open", "closed"] as const)).toBe("open");
    expect(choiceParam("Open", ["open", "closed"] as const)).toBeUndefined();
    expect(choiceParam(null, ["open"] as const)).toBeUndefined();
  });
});

describe("pageCount", () => {
  it("rounds up, and is at least 1", () => {
    expect(pageCount(0, 20)).toBe(1);
    expect(pageCount(20, 20)).toBe(1);
    expect(pageCount(21, 20)).toBe(2);
  });
});
