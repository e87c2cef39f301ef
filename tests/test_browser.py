"""The standalone HTML page in headless Chromium: everything shows, nothing from the data runs.

Uses Debian's ``chromium`` through Playwright (never ``playwright install``). The page is opened
from a ``file://`` URL and every other request is refused and recorded, so a page that tried to
load anything (an injected ``<img>``, say) fails the test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, Route, sync_playwright

from publist.build.pipeline import LoadedBibliography, load_bibliography
from publist.output.export import export
from publist.output.html import SCRIPT
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, DATA

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium not found on PATH (Debian: apt-get install chromium; .ci/run does)",
    ),
]

LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE_BIB = DATA / "hostile.bib"
HOSTILE_CONFIG = DATA / "hostile.toml"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class OpenedPage:
    """A page opened from a file, with what it tried to fetch and any dialogs it raised."""

    def __init__(self, browser: Browser, html_file: Path) -> None:
        self.refused: list[str] = []
        self.dialogs: list[str] = []
        self.page: Page = browser.new_page()
        self.page.route("**/*", self._route)
        self.page.on("dialog", self._dialog)
        self.page.goto(html_file.as_uri())
        self.page.wait_for_load_state("load")

    def _route(self, route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(str(dialog.message))
        dialog.dismiss()

    def js(self, expression: str) -> Any:
        """Evaluate ``expression`` in the page."""
        return self.page.evaluate(expression)


def _open(browser: Browser, tmp_path: Path, bib: Path, config: Path) -> OpenedPage:
    page_file = tmp_path / "publications.html"
    export(bib, fmt="html", config_path=config, output=page_file, standalone=True)
    return OpenedPage(browser, page_file)


def _assert_everything_shows(opened: OpenedPage, loaded: LoadedBibliography) -> None:
    bibliography = loaded.bibliography
    assert opened.js("document.querySelector('h1').textContent") == loaded.config.html_title
    headings = opened.js("[...document.querySelectorAll('h2')].map(h => h.textContent)")
    assert headings == [section.heading for section in bibliography.sections]
    entries = opened.js(
        "[...document.querySelectorAll('li.publist-entry')]"
        ".map(li => [li.dataset.label, li.textContent])"
    )
    assert [label for label, _ in entries] == [item.label for item in bibliography.items]
    for (_, text), item in zip(entries, bibliography.items, strict=True):
        assert text.startswith(f"{item.label}. ")
        assert item.publication.title in text
        # Shown, not hidden by CSS.
    assert opened.js(
        "[...document.querySelectorAll('li.publist-entry')]"
        ".every(li => li.getBoundingClientRect().height > 0)"
    )


def _assert_owner_is_bold(opened: OpenedPage, owner: str, count: int) -> None:
    owners = opened.js(
        "[...document.querySelectorAll('strong.publist-owner')]"
        ".map(s => [s.textContent, Number(getComputedStyle(s).fontWeight)])"
    )
    assert len(owners) == count
    for text, weight in owners:
        assert text == owner
        assert weight >= 600


def _assert_links_are_safe(opened: OpenedPage) -> list[str]:
    """Every link is http, https or mailto, or relative (it takes the page's own scheme)."""
    page_protocol = opened.js("location.protocol")
    links: list[list[str]] = opened.js(
        "[...document.querySelectorAll('a')].map(a => [a.getAttribute('href'), a.protocol])"
    )
    for href, protocol in links:
        assert protocol in ("http:", "https:", "mailto:", page_protocol), href
    return [href for href, _ in links]


def _assert_nothing_ran(opened: OpenedPage) -> None:
    assert opened.js("typeof window.__pwned") == "undefined"
    # The one script is publist's own (search, filters, copy), at the end of the page: nothing
    # from the data became a script element.
    assert opened.js("document.scripts.length") == 1
    assert opened.js("document.scripts[0] === document.body.lastElementChild")
    assert opened.js("document.scripts[0].textContent").strip() == SCRIPT.strip()
    assert opened.js("document.querySelectorAll('img, svg, iframe, object, embed').length") == 0
    handlers = opened.js(
        "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".map(a => a.name).filter(n => n.startsWith('on'))"
    )
    assert handlers == []
    assert opened.dialogs == []
    assert opened.refused == []


def test_bundled_page_shows_every_entry_with_the_owner_bold(
    browser: Browser, tmp_path: Path
) -> None:
    loaded = load_bibliography(BUNDLED_BIB, config_path=BUNDLED_CONFIG)
    opened = _open(browser, tmp_path, BUNDLED_BIB, BUNDLED_CONFIG)
    _assert_everything_shows(opened, loaded)
    owned = sum(
        1 for item in loaded.bibliography.items if any(a.is_owner for a in item.publication.authors)
    )
    assert owned == len(loaded.bibliography.items)
    _assert_owner_is_bold(opened, "Qingyu Song", owned)
    hrefs = _assert_links_are_safe(opened)
    assert any(href.startswith("https://arxiv.org/abs/") for href in hrefs)
    _assert_nothing_ran(opened)


def test_hostile_page_shows_the_markup_as_text_and_runs_none_of_it(
    browser: Browser, tmp_path: Path
) -> None:
    loaded = load_bibliography(HOSTILE_BIB, config_path=HOSTILE_CONFIG)
    opened = _open(browser, tmp_path, HOSTILE_BIB, HOSTILE_CONFIG)
    _assert_everything_shows(opened, loaded)
    _assert_owner_is_bold(opened, "Qingyu Song", len(loaded.bibliography.items))
    text = opened.js("document.body.textContent")
    assert "<script>window.__pwned = 1</script>" in text
    assert '<img src=x onerror="window.__pwned=2">' in text
    assert "<b onmouseover=window.__pwned=10>CONF</b>" in text
    hrefs = _assert_links_are_safe(opened)
    assert hrefs == [
        'https://example.org/?a=1&b="><script>window.__pwned=8</script>',
        "//example.org/poster.pdf",
        "relative/supplement.pdf",
        "mailto:someone@example.org",
        "https://example.org/a%20b#frag",
    ]
    # The injected key is an id, not markup.
    assert opened.js("document.querySelector('li.publist-entry[data-label=\"C1\"]').id") == (
        "key</li><script>window.__pwned++</script>"
    )
    # Hovering what looks like an event handler runs nothing either.
    opened.page.hover("strong.publist-venue")
    _assert_nothing_ran(opened)
