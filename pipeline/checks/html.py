"""Check HTML pages with axe-core and a 320 px reflow test in headless Chromium."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from pipeline.checks import Finding, tools
from pipeline.errors import ToolError

log = logging.getLogger(__name__)

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
AXE_RUN = "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
# WCAG 1.4.10: content must reflow at 320 CSS px (1280 px at 400 % zoom).
REFLOW_WIDTH = 320
NARROW: ViewportSize = {"width": REFLOW_WIDTH, "height": 640}
PAGE_TIMEOUT_MS = 120_000

# Names the first element that sticks out to the right, so the author knows
# what to fix; pass or fail is decided by the root element's scrollWidth alone.
REFLOW_PROBE = """(limit) => {
  const wide = [...document.body.querySelectorAll('*')].find(
    (el) => el.getBoundingClientRect().right > limit + 1);
  let name = '';
  if (wide) {
    name = wide.localName + (wide.id ? '#' + wide.id : '');
    if (wide.classList.length) name += '.' + [...wide.classList].join('.');
  }
  return {width: document.documentElement.scrollWidth, culprit: name};
}"""


def check_html(paths: Sequence[Path]) -> list[Finding]:
    """Run axe-core and the 320 px reflow check on each page; return all findings."""
    if not paths:
        return []
    axe = tools.axe_script()
    findings: list[Finding] = []
    with _browser() as browser:
        for path in paths:
            findings += _check_page(browser, Path(path), axe)
    return findings


@contextmanager
def _browser() -> Iterator[Browser]:
    """Start one headless Chromium for all pages, or raise ToolError."""
    executable = tools.chromium()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, args=list(tools.CHROMIUM_ARGS)
            )
        except PlaywrightError as exc:
            raise ToolError(
                f"Chromium at {executable} failed to start: {_first_line(exc)}; "
                "check it with `chromium --headless --no-sandbox --version`"
            ) from exc
        try:
            yield browser
        finally:
            browser.close()


def _check_page(browser: Browser, path: Path, axe: Path) -> list[Finding]:
    """Load one page from file:// and run both checks on it."""
    # bypass_csp: a strict Content-Security-Policy must not stop axe's injection.
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    # The checkers run offline; a stray remote URL must fail fast, not hang.
    context.route(re.compile(r"^https?://"), lambda route: route.abort())
    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(path.resolve().as_uri(), wait_until="load")
        findings = _run_axe(page, path, axe)
        findings += _check_reflow(page, path)
        # Some failures only exist on a phone-sized screen (e.g. a scroll box without focus).
        page.set_viewport_size(NARROW)
        narrow = [f for f in _run_axe(page, path, axe, injected=True) if f not in findings]
        findings += [replace(f, message=f"{f.message} at 320 px") for f in narrow]
    except PlaywrightError as exc:
        message = f"Chromium could not check the page: {_first_line(exc)}"
        raise ToolError(message, path) from exc
    finally:
        context.close()
    log.debug("%s: %d HTML finding(s)", path, len(findings))
    return findings


def _run_axe(page: Page, path: Path, axe: Path, injected: bool = False) -> list[Finding]:
    """Inject axe-core and turn every violation node into a finding."""
    if not injected:
        page.add_script_tag(path=str(axe))
    results = page.evaluate(AXE_RUN, AXE_TAGS)
    findings = []
    for violation in results["violations"]:
        # Rules tagged only best-practice are advice, not a WCAG failure.
        severity = "warning" if "best-practice" in violation["tags"] else "error"
        for node in violation["nodes"]:
            message = f"{violation['help']} ({_target(node['target'])})"
            findings.append(Finding(str(path), "axe", violation["id"], severity, message))
    return findings


def _target(target: list[Any]) -> str:
    """Format an axe target: a selector list, nested for frames and shadow DOM."""
    return " >> ".join(" ".join(part) if isinstance(part, list) else str(part) for part in target)


def _check_reflow(page: Page, path: Path) -> list[Finding]:
    """Report a page that scrolls sideways at a 320 CSS px wide viewport."""
    page.set_viewport_size(NARROW)
    probe = page.evaluate(REFLOW_PROBE, REFLOW_WIDTH)
    if probe["width"] <= REFLOW_WIDTH:
        return []
    culprit = f"; first wide element: {probe['culprit']}" if probe["culprit"] else ""
    message = (
        f"content is {probe['width']} CSS px wide at a {REFLOW_WIDTH} px viewport "
        f"and scrolls sideways (WCAG 1.4.10 Reflow){culprit}"
    )
    return [Finding(str(path), "reflow", "reflow-320", "error", message)]


def _first_line(exc: Exception) -> str:
    """Return the first line of an exception message; Playwright's run long."""
    return str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
