"""The homepage page in headless Chromium: disclosure, search, filters, copy, a11y, layout.

Debian's Chromium through Playwright, as in tests/test_browser.py: the page is opened from a
file and every other request is refused and recorded. axe-core (axe-playwright-python, which
bundles it) checks accessibility in light and dark mode.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, sync_playwright

from publist.output.export import export
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG
from tests.test_browser import CHROMIUM, LAUNCH_ARGS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium not found on PATH (Debian: apt-get install chromium; .ci/run does)",
    ),
]

ABSTRACT = "We prove that learning to optimize provably improves Schrödinger's descent."


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    """The bundled bib with an abstract and two selected papers, as a standalone page."""
    bib = tmp_path / "publications.bib"
    text = BUNDLED_BIB.read_text(encoding="utf-8")
    text = text.replace(
        "@misc{song2025learning,\n",
        f"@misc{{song2025learning,\n  abstract = {{{ABSTRACT}}},\n  selected = {{true}},\n",
    ).replace(
        "@inproceedings{song2024towards,\n",
        "@inproceedings{song2024towards,\n  selected = {true},\n",
    )
    bib.write_text(text, encoding="utf-8")
    out = tmp_path / "publications.html"
    export(bib, fmt="html", config_path=BUNDLED_CONFIG, output=out, standalone=True)
    return out


class Opened:
    """A page with what it tried to fetch and what it logged as errors."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.refused: list[str] = []
        self.errors: list[str] = []
        page.route("**/*", self._route)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.goto(url)
        page.wait_for_load_state("load")

    def _route(self, route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def visible_labels(self) -> list[str]:
        """The labels of the entries a reader sees."""
        labels: list[str] = self.page.evaluate(
            "[...document.querySelectorAll('li.publist-entry')]"
            ".filter(li => li.offsetParent !== null).map(li => li.dataset.label)"
        )
        return labels


def _open(browser: Browser, page_file: Path, *, hash_: str = "", **context: Any) -> Opened:
    new = browser.new_context(**context)
    return Opened(new.new_page(), page_file.as_uri() + hash_)


ALL = ["A2", "A1", "C7", "C6", "C5", "C4", "C3", "C2", "C1", "W2", "W1"]


def test_abstract_and_bibtex_open_by_mouse_and_by_keyboard(
    browser: Browser, page_file: Path
) -> None:
    opened = _open(browser, page_file)
    page = opened.page
    abstract = page.locator("#song2025learning details.publist-abstract")
    assert not abstract.evaluate("d => d.open")
    abstract.locator("summary").click()
    assert abstract.evaluate("d => d.open")
    assert ABSTRACT in abstract.inner_text()
    bibtex = page.locator("#song2024towards details.publist-bibtex")
    bibtex.locator("summary").focus()
    page.keyboard.press("Enter")
    assert bibtex.evaluate("d => d.open")
    code = bibtex.locator("code").inner_text()
    assert code.startswith("@inproceedings{song2024towards,")
    assert "selected" not in code and "keywords" not in code  # private fields stay private
    page.keyboard.press("Space")
    assert not bibtex.evaluate("d => d.open")
    assert opened.errors == [] and opened.refused == []


def test_search_narrows_as_one_types_ignoring_case_and_accents(
    browser: Browser, page_file: Path
) -> None:
    opened = _open(browser, page_file)
    page = opened.page
    assert opened.visible_labels() == ALL
    page.fill("#publist-search", "cvpr")
    assert opened.visible_labels() == ["C6"]
    assert page.inner_text(".publist-count") == "1 of 11 publications"
    page.fill("#publist-search", "SONG 2020")
    assert opened.visible_labels() == ["C3", "C2"]
    # Lists without a match are hidden with their heading.
    assert page.evaluate("document.querySelector('#publist-workshop').hidden")
    page.fill("#publist-search", "icml")
    assert opened.visible_labels() == ["W2"]
    page.fill("#publist-search", "")
    assert opened.visible_labels() == ALL
    assert page.inner_text(".publist-count") == "11 publications"
    assert opened.errors == [] and opened.refused == []


def test_filters_live_in_the_url_and_survive_a_reload(browser: Browser, page_file: Path) -> None:
    opened = _open(browser, page_file)
    page = opened.page
    page.click(".publist-chips button[data-list='workshop']")
    assert opened.visible_labels() == ["W2", "W1"]
    page.click(".publist-chips button[data-selected]")
    assert opened.visible_labels() == []
    page.click(".publist-chips button[data-list='workshop']")
    assert opened.visible_labels() == ["A2", "C6"]  # the selected papers, with their labels
    page.fill("#publist-search", "robust")
    assert page.evaluate("location.hash") == "#q=robust&selected=1"
    page.reload()
    page.wait_for_load_state("load")
    assert opened.visible_labels() == ["C6"]
    assert page.input_value("#publist-search") == "robust"
    pressed = page.get_attribute(".publist-chips button[data-selected]", "aria-pressed")
    assert pressed == "true"
    linked = _open(browser, page_file, hash_="#list=submission")
    assert linked.visible_labels() == ["A2", "A1"]


def test_the_copy_button_puts_the_bibtex_on_the_clipboard(
    browser: Browser, page_file: Path
) -> None:
    opened = _open(browser, page_file, permissions=["clipboard-read", "clipboard-write"])
    page = opened.page
    entry = page.locator("#song2023towards")
    entry.locator("details.publist-bibtex summary").click()
    entry.locator("button.publist-copy").click()
    page.wait_for_function(
        "document.querySelector('#song2023towards .publist-copy').textContent === 'Copied'"
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == entry.locator("code").inner_text()
    assert copied.startswith("@inproceedings{song2023towards,")


def test_without_javascript_everything_shows_and_no_control(
    browser: Browser, page_file: Path
) -> None:
    opened = _open(browser, page_file, java_script_enabled=False)
    assert opened.visible_labels() == ALL
    assert not opened.page.is_visible(".publist-controls")
    assert opened.page.locator("button.publist-copy").count() == 0
    # The disclosures still work: <details> needs no script.
    opened.page.click("#song2025learning details.publist-abstract summary")
    assert opened.page.is_visible("#song2025learning details.publist-abstract p")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation(browser: Browser, page_file: Path, scheme: str) -> None:
    opened = _open(browser, page_file, color_scheme=scheme)
    opened.page.click("#song2025learning details.publist-abstract summary")
    results = Axe().run(opened.page)
    violations = [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert violations == []


def test_no_horizontal_scroll_on_a_phone(browser: Browser, page_file: Path) -> None:
    opened = _open(browser, page_file, viewport={"width": 360, "height": 740})
    page = opened.page
    page.click("#song2024towards details.publist-bibtex summary")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
