"""Tables that read at every width, and screenshots to look at.

Every public page of the URL catalogue is measured at 360, 768 and 1280 px: no word in a table
cell is split over two lines, and no table runs out of view unless its box scrolls it.
"""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests import url_catalogue as catalogue

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [360, 768, 1280]
PUBLIC_PAGES = [
    r for r in catalogue.routes_in(catalogue.PUBLIC) if r.name not in catalogue.NOT_HTML
]

# For each table: words split over lines inside a cell, and whether the table is cut off.
MEASURE = """
() => {
  const problems = [];
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  for (const table of document.querySelectorAll("main table")) {
    if (!table.getClientRects().length) continue;  // hidden (a closed <details>)
    for (const cell of table.querySelectorAll("th, td")) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (parent.closest(".visually-hidden")) continue;
        // A break after a hyphen ("Kandidaat-|pilootprojecten") is where Dutch breaks too.
        for (const match of node.textContent.matchAll(/[^\\s-]+-?/g)) {
          const range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
            .map(r => Math.round(r.top)));
          if (tops.size > 1) problems.push(`word split: "${match[0]}"`);
        }
      }
    }
    let box = table.parentElement;
    while (box && box !== document.body && !scrolls(box)) box = box.parentElement;
    const right = table.getBoundingClientRect().right;
    const limit = box && box !== document.body
      ? box.getBoundingClientRect().right + box.scrollWidth - box.clientWidth
      : document.documentElement.clientWidth;
    if (right > limit + 1) problems.push(`table cut off at ${Math.round(right)}px > ${limit}px`);
    if (box === document.body || !box) {
      if (right > document.documentElement.clientWidth + 1) problems.push("table wider than page");
    }
  }
  return problems;
}
"""


@pytest.fixture
def world(coach):
    return catalogue.build_world(coach)


def _public_path(route, world) -> str:
    client = Client()
    path = catalogue.first_path(route, world, lambda p: client.get(p).status_code == 200)
    assert path, f"No sample arguments give 200 for {route.name}."
    return path


@pytest.mark.parametrize("route", PUBLIC_PAGES, ids=lambda r: r.name)
def test_tables_read_at_every_width(live_server, page, world, route):
    paths = [_public_path(route, world)]
    if route.name == "trajecten:detail":  # the pilot has the widest tables: modules and KPIs
        paths.append(world.pilot.get_absolute_url())
    found = {}
    for path in paths:
        page.goto(live_server.url + path)
        for width in WIDTHS:  # the page reflows to each width without loading again
            page.set_viewport_size({"width": width, "height": 900})
            problems = page.evaluate(MEASURE)
            if problems:
                found[(path, width)] = sorted(set(problems))
    assert found == {}


def _login(context, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    host = re.sub(r"^https?://|:\d+$", "", live_server.url)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value}
    context.add_cookies([{**cookie, "domain": host, "path": "/"}])


def test_screenshots_of_the_main_pages(live_server, browser, world, screenshot_dir):
    admin = User.objects.create_superuser("schermafdruk", "s@example.org", "x")
    pages = {
        "home": "/",
        "traject": world.pilot.get_absolute_url(),
        "vergelijk": "/vergelijk/",
        "kaart": "/kaart/",
        "zoeken": "/zoeken/?q=circulair",
        "admin": "/admin/",
    }
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-BE")
        _login(context, live_server, admin)
        page = context.new_page()
        for name, path in pages.items():
            response = page.goto(live_server.url + path)
            assert response.status == 200, path
            page.screenshot(path=screenshot_dir / f"{name}-{width}.png", full_page=True)
        context.close()
    assert len(list(screenshot_dir.glob("*-390.png"))) >= len(pages)
