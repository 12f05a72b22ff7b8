"""An axe-core scan of the current page, failing on serious or critical violations.

axe is the vendored file the site ships (web/static/vendor/axe-core-*/axe.min.js); it is
evaluated through the DevTools protocol, which the page's CSP does not govern, so the
scan sees the page exactly as users get it (a <script> tag would be refused by the CSP).
"""

from functools import cache
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[2] / "web" / "static" / "vendor"
BLOCKING = {"serious", "critical"}


@cache
def _axe_source() -> str:
    (path,) = VENDOR.glob("axe-core-*/axe.min.js")
    return path.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "async () => await window.axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def check_a11y(page) -> None:
    found = violations(page)
    summary = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in found
    ]
    assert not found, f"axe-core found on {page.url}:\n" + "\n".join(summary)
