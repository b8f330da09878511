"""The review app end to end: the real server (`python -m pipeline review`) in a subprocess,
driven in Debian's Chromium through playwright; the catalogs are read back with Babel.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from pipeline.catalogs import read_catalog
from pipeline.checks.html import AXE_RUN, AXE_TAGS
from pipeline.checks.tools import CHROMIUM_ARGS, axe_script, chromium
from pipeline.review import segment_id, status

from .conftest import REPO, copy_project

DOCS_IMAGES = REPO / "docs" / "images"


def _screenshot(page: Page, name: str) -> None:
    """Take the screenshot docs/reviewing.md shows; write it there only when asked to.

    `PIPELINE_SCREENSHOTS=1 make test` renews docs/images/; otherwise a test run leaves the
    repository as it was.
    """
    image = page.screenshot(full_page=True)
    if os.environ.get("PIPELINE_SCREENSHOTS") == "1":
        (DOCS_IMAGES / name).write_bytes(image)


HEADING = "Was ist ein Integrationskonzept?"  # the first heading of the source
PARAGRAPH = "Dazu hält es zunächst Grundsätzliches fest:"


@dataclass
class App:
    """A running review app."""

    process: subprocess.Popen[str]
    url: str  # with the token
    project: Path

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 0)

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=20)


def start_app(project: Path) -> App:
    """Start `python -m pipeline review` on a random port and read its address."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "review", "--project", str(project), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", line)
    assert match, f"no address in {line!r}: {process.stderr.read() if process.stderr else ''}"
    return App(process, match.group(1), project)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=list(CHROMIUM_ARGS))
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    project = copy_project(tmp_path_factory.mktemp("review") / "project")
    running = start_app(project)
    yield running
    running.stop()


def open_as(
    browser: Browser, app: App, name: str, width: int = 1280, bypass_csp: bool = False
) -> Page:
    """Open the app with its token in a new browser context and give a reviewer's name."""
    # bypass_csp only for axe: the app's policy rightly refuses any injected script.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=bypass_csp)
    page = context.new_page()
    page.goto(app.url)
    page.get_by_label(re.compile("Your name|Ihr Name")).fill(name)
    page.get_by_role("button", name=re.compile("Start reviewing|Mit dem Prüfen beginnen")).click()
    expect(page.locator(".who")).to_contain_text(name)
    return page


def catalog(app: App, edition: str):
    return read_catalog(app.project / "translations" / f"{edition}.po", edition)


def entry_blocks(path: Path) -> dict[str, str]:
    """Return each entry's lines of a PO file, keyed by its msgctxt and msgid lines."""
    blocks = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        keys = [line for line in block.splitlines() if line.startswith(("msgctxt ", "msgid "))]
        blocks["\n".join(keys)] = block
    return blocks


def changed_entries(before: dict[str, str], path: Path) -> set[str]:
    after = entry_blocks(path)
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def segment_url(app: App, edition: str, msgid: str, context: str | None = None) -> str:
    message = catalog(app, edition).get(msgid, context=context)
    return f"{app.base}/e/{edition}/s/{segment_id(message)}"


SAVED = re.compile("Saved|Gespeichert")


def announced(page: Page, what: re.Pattern[str] = SAVED) -> str:
    """Wait until the live region announces `what`; return its text."""
    live = page.locator("#live")
    expect(live).to_contain_text(what)
    return live.inner_text()


def test_without_the_token_or_from_another_origin_the_app_refuses(app: App):
    def request(method: str, path: str, headers: dict[str, str]) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
        connection.request(method, path, body="action=approve", headers=headers)
        return connection.getresponse().status

    host = {"Host": f"127.0.0.1:{app.port}"}
    cookie = {"Cookie": f"review_token_{app.port}={app.token}"}
    assert request("GET", "/", host) == 403
    assert request("GET", "/", {**host, "Cookie": f"review_token_{app.port}=wrong"}) == 403
    assert request("GET", "/", {**host, **cookie}) == 200
    assert request("GET", "/", {"Host": f"evil.example:{app.port}", **cookie}) == 403
    form = {"Content-Type": "application/x-www-form-urlencoded", **host, **cookie}
    assert request("POST", "/e/tr/s/x", {**form, "Origin": "http://evil.example"}) == 403
    assert request("POST", "/e/tr/s/x", form) == 403  # no Origin: not from the app's page


def test_approve_by_keyboard_changes_only_that_entry(browser: Browser, app: App):
    page = open_as(browser, app, "Ayşe Yılmaz")
    path = app.project / "translations" / "tr.po"
    before = entry_blocks(path)
    page.goto(segment_url(app, "tr", HEADING))
    expect(page.locator("#text")).to_have_attribute("lang", "tr")
    page.locator("#text").focus()
    page.keyboard.press("Control+Enter")
    announced(page)
    expect(page.locator("#text")).to_be_focused()  # on the next segment
    message = catalog(app, "tr")[HEADING]
    assert status(message) == "approved"
    assert any(c.startswith("approved: Ayşe Yılmaz, ") for c in message.user_comments)
    assert changed_entries(before, path) == {f'msgid "{HEADING}"'}
    log = (app.project / "translations" / "history" / "tr.log").read_text(encoding="utf-8")
    assert f"\tapproved\t{segment_id(message)}\tAyşe Yılmaz\t" in log
    _screenshot(page, "review-app-segment.png")
    page.context.close()


def test_edit_and_approve(browser: Browser, app: App):
    page = open_as(browser, app, "Jan Kowalski")
    page.goto(segment_url(app, "pl", PARAGRAPH))
    page.locator("#text").fill("Dlatego najpierw ustala kilka zasad:")
    page.get_by_role("button", name=re.compile("Edit and approve|Bearbeiten und freigeben")).click()
    announced(page)
    message = catalog(app, "pl")[PARAGRAPH]
    assert message.string == "Dlatego najpierw ustala kilka zasad:"
    assert status(message) == "approved"
    assert any(c.startswith("drafted: Jan Kowalski, ") for c in message.user_comments)
    page.context.close()


def test_a_stale_entry_shows_the_diff_and_keeps_its_approval_with_a_reason(
    browser: Browser, app: App
):
    old = "Das Integrationskonzept wurde im Laufe der Zeit"
    source = app.project / "source" / "integrationskonzept.md"
    german = next(m.id for m in catalog(app, "ru") if m.id and str(m.id).startswith(old))
    args = ["--project", str(app.project), "--lang", "ru", "--reviewer", "Olga"]
    segment = segment_id(catalog(app, "ru")[german])
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pipeline",
            "approve",
            *args,
            "--segment",
            segment,
            "--override",
            "ok",
        ],
        check=True,
        cwd=REPO,
        capture_output=True,
    )
    text = source.read_text(encoding="utf-8")
    edited = str(german).replace("Integrationskonzeptes", "Integrationskonzepts", 1)
    phrase = "aktuelle Fortschreibung des Integrationskonzeptes"
    assert phrase in text
    source.write_text(text.replace(phrase, phrase[:-2] + "s", 1), encoding="utf-8")
    # `status` sees the edit at once, without `catalogs`.
    shown = subprocess.run(
        [sys.executable, "-m", "pipeline", "status", "--project", str(app.project), "--json"],
        check=True,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert '"stale": 1' in shown.stdout.split('"ru"')[1].split("}")[0]

    page = open_as(browser, app, "Irina")
    page.goto(f"{app.base}/e/ru")
    page.get_by_role("link", name=re.compile("stale|veraltet")).first.click()
    expect(page.locator(".diff del")).to_contain_text("Integrationskonzeptes")
    expect(page.locator(".diff ins")).to_contain_text("Integrationskonzepts")
    _screenshot(page, "review-app-stale.png")
    page.get_by_role("button", name=re.compile("Keep the approval|Freigabe behalten")).click()
    expect(page.locator("#flash.error")).to_be_visible()  # a reason is required
    page.locator("#comment").fill("Nur die Schreibweise des Genitivs")
    page.get_by_role("button", name=re.compile("Keep the approval|Freigabe behalten")).click()
    announced(page)
    message = catalog(app, "ru")[edited]
    assert status(message) == "approved"
    assert any(c.startswith("approved: Olga, ") for c in message.user_comments)
    assert any(
        c.startswith("kept: Irina, ") and c.endswith("Nur die Schreibweise des Genitivs")
        for c in message.user_comments
    )
    page.context.close()


def test_two_reviewers_on_one_segment_the_second_save_is_refused(browser: Browser, app: App):
    first, second = open_as(browser, app, "Anna"), open_as(browser, app, "Bogdan")
    url = segment_url(app, "uk", PARAGRAPH)
    first.goto(url)
    second.goto(url)
    first.locator("#text").fill("Перша версія:")
    first.get_by_role("button", name=re.compile("Save as draft|Als Entwurf speichern")).click()
    announced(first)
    second.locator("#text").fill("Друга версія:")
    second.get_by_role("button", name=re.compile("Save as draft|Als Entwurf speichern")).click()
    conflict = second.locator("#conflict")
    expect(conflict).to_contain_text("Друга версія:")  # the reviewer's own text, kept
    expect(conflict).to_contain_text("Перша версія:")  # and what is in the catalog now
    expect(second.locator("#conflict-title")).to_be_focused()
    announced(second, re.compile("changed|geändert"))
    assert catalog(app, "uk")[PARAGRAPH].string == "Перша версія:"
    _screenshot(second, "review-app-conflict.png")
    first.context.close()
    second.context.close()


def test_send_back_with_a_comment(browser: Browser, app: App):
    page = open_as(browser, app, "Mehmet")
    page.goto(segment_url(app, "tr", PARAGRAPH))
    page.locator("#comment").fill("Bitte kürzer; das Verb fehlt")
    page.get_by_role("button", name=re.compile("Send back|Zurückgeben")).click()
    announced(page)
    message = catalog(app, "tr")[PARAGRAPH]
    assert message.fuzzy
    back = [c for c in message.user_comments if c.startswith("sent back: Mehmet, ")]
    assert back and back[0].endswith(": Bitte kürzer; das Verb fehlt")
    page.context.close()


def test_arabic_fields_are_right_to_left(browser: Browser, app: App):
    page = open_as(browser, app, "Layla", width=390)
    page.goto(segment_url(app, "ar", HEADING))
    field = page.locator("#text")
    expect(field).to_have_attribute("dir", "rtl")
    expect(field).to_have_attribute("lang", "ar")
    page.get_by_role("button", name=re.compile("direction|Schreibrichtung")).click()
    expect(field).to_have_attribute("dir", "ltr")  # for a run of Latin text
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _screenshot(page, "review-app-phone.png")
    page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_every_page_has_no_axe_violations(browser: Browser, app: App, width: int):
    page = open_as(browser, app, "Prüferin", width=width, bypass_csp=True)
    urls = [
        f"{app.base}/",
        f"{app.base}/e/ar",
        f"{app.base}/e/tr?status=draft&q=Integration",
        segment_url(app, "ar", HEADING),
        segment_url(app, "pl", "Das Integrationskonzept", context="title"),
    ]
    violations = {}
    for url in urls:
        page.goto(url)
        page.add_script_tag(path=str(axe_script()))
        found = page.evaluate(AXE_RUN, AXE_TAGS)["violations"]
        if found:
            violations[url] = [(v["id"], [n["target"] for n in v["nodes"]]) for v in found]
        if width == 1280 and url.endswith(("/", "/e/ar")):
            name = "start" if url.endswith("/") else "queue"
            _screenshot(page, f"review-app-{name}.png")
    assert violations == {}
    page.context.close()


def test_kill_9_during_saves_leaves_a_whole_catalog(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    running = start_app(project)
    path = project / "translations" / "en-GB.po"
    messages = [m for m in read_catalog(path, "en-GB") if m.id]
    try:
        for message in messages[:8]:
            _post_approve(running, "en-GB", message)
        running.process.send_signal(signal.SIGKILL)  # while the last save may be running
        running.process.wait(timeout=10)
    finally:
        running.stop()
    read_catalog(path, "en-GB")
    checked = subprocess.run(["msgfmt", "--check-format", "-o", os.devnull, str(path)])
    assert checked.returncode == 0
    assert not list(path.parent.glob(".en-GB.po.*.tmp"))


def _post_approve(app: App, edition: str, message) -> None:
    """Send an approval without waiting for the answer, as a fast double click would."""
    from pipeline.actions import version

    connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=10)
    body = f"action=approve&version={version(message)}"
    connection.request(
        "POST",
        f"/e/{edition}/s/{segment_id(message)}",
        body=body,
        headers={
            "Host": f"127.0.0.1:{app.port}",
            "Origin": app.base,
            "Cookie": f"review_token_{app.port}={app.token}; review_name_{app.port}=Kim",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    time.sleep(0.01)


def test_the_german_interface_catalog_has_every_string():
    from babel.messages.extract import extract_from_dir

    from pipeline.i18n import translations
    from pipeline.review_app.render import LOCALE

    app_dir = REPO / "pipeline" / "review_app"
    found = {
        message
        for _, _, message, _, _ in extract_from_dir(
            app_dir, method_map=[("templates/**.html", "jinja2"), ("**.py", "python")]
        )
        if isinstance(message, str)
    }
    german = translations("de", LOCALE)
    untranslated = sorted(m for m in found if german.gettext(m) == m and m != "Status")
    assert len(found) > 90 and untranslated == []


def test_the_app_makes_a_pack_and_imports_its_review_file_with_conflicts_side_by_side(
    browser: Browser, app: App, tmp_path: Path
):
    import json

    from pipeline.review_pack import records
    from pipeline.review_pack.reviewfile import FORMAT, checksum

    page = open_as(browser, app, "Büro", bypass_csp=True)
    with page.expect_download() as download:
        page.get_by_role(
            "button", name=re.compile("Make a pack .*en-GB|Paket machen .*en-GB")
        ).click()
    pack_file = tmp_path / "pack.html"
    download.value.save_as(pack_file)
    assert "pipeline-review" in pack_file.read_text(encoding="utf-8")
    pack_id = re.search(r"-([0-9a-f]{32})\.html$", download.value.suggested_filename).group(1)
    record = records.read(app.project, pack_id)
    assert record is not None and record.edition == "en-GB"
    first, second = [s for s, seen in record.segments.items() if seen.status == "draft"][:2]
    # The German of the second segment changes before the file comes back: a conflict.
    path = app.project / "translations" / "en-GB.po"
    catalog_now = read_catalog(path, "en-GB")
    changed = next(m for m in catalog_now if m.id and segment_id(m) == second)
    changed.string = "Changed by Poedit meanwhile"
    from pipeline.catalogs import write_catalog

    write_catalog(catalog_now, path)
    payload = {
        "format": FORMAT,
        "pack": pack_id,
        "publication": {"slug": record.publication, "title": "x"},
        "edition": "en-GB",
        "reviewer": "Lena",
        "created": "2026-12-03T12:00:00+00:00",
        "decisions": [
            {"segment": s, "version": record.segments[s].version, "action": "approve"}
            | {"text": "", "comment": ""}
            for s in (first, second)
        ],
    }
    payload["checksum"] = checksum(payload)
    review = tmp_path / "review.json"
    review.write_text(json.dumps(payload), encoding="utf-8")
    page.goto(f"{app.base}/import")
    page.locator("#files").set_input_files(str(review))
    page.get_by_role("button", name=re.compile("^(Import|Importieren)$")).click()
    expect(page.locator("#summary-title")).to_be_visible()
    conflict = page.locator("section.conflict")
    expect(conflict).to_contain_text("Changed by Poedit meanwhile")  # the current version
    expect(conflict).to_contain_text("Lena")  # beside the reviewer's decision
    page.add_script_tag(path=str(axe_script()))
    assert page.evaluate(AXE_RUN, AXE_TAGS)["violations"] == []
    after = {segment_id(m): m for m in read_catalog(path, "en-GB") if m.id}
    assert status(after[first]) == "approved" and status(after[second]) == "draft"
    _screenshot(page, "review-app-import.png")
    page.context.close()
