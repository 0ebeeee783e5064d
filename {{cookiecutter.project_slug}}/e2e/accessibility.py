"""Accessibility checks with axe-core (the npm package the web client has among its dev
dependencies): `assert_accessible(page, "what")` fails on serious or critical violations, listed
one per line with the elements concerned; `report(page, "what")` lists them (or None)."""

from __future__ import annotations

from functools import cache

from playwright.sync_api import Page

from servers import WEB

AXE = WEB / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 A and AA, and axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
FAILING = {"serious", "critical"}


@cache
def _axe_source() -> str:
    return AXE.read_text()


def violations(page: Page) -> list[dict]:
    """axe's violations on the page as it is now (serious and critical only)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())  # DevTools' evaluation: the page's CSP does not apply
    result = page.evaluate(
        "(tags) => axe.run(document, { runOnly: { type: 'tag', values: tags } })", TAGS
    )
    return [v for v in result["violations"] if v["impact"] in FAILING]


def describe(violation: dict) -> str:
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    return (
        f"{violation['id']} ({violation['impact']}): {violation['help']} [{targets}"
        f"{f' and {more} more' if more > 0 else ''}] {violation['helpUrl']}"
    )


def report(page: Page, what: str) -> str | None:
    """The page's violations under the heading `what`, one per line; None if there are none."""
    found = violations(page)
    return f"{what}:\n" + "\n".join(describe(v) for v in found) if found else None


def assert_accessible(page: Page, what: str) -> None:
    problems = report(page, what)
    assert problems is None, problems
