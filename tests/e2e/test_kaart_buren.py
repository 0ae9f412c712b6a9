"""The map keeps neighbours apart: no two participant markers overlap, at any zoom."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

OVERLAPS = """
() => {
  const boxes = [...document.querySelectorAll(".leaflet-marker-icon.kaart-marker")]
    .filter(el => !el.classList.contains("kaart-marker-lid"))
    .map(el => [el.getAttribute("title"), el.getBoundingClientRect()]);
  const overlaps = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, ra] = boxes[i], [b, rb] = boxes[j];
      const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
      const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
      if (w > 1 && h > 1) overlaps.push(`${a} / ${b}`);
    }
  }
  return {count: boxes.length, overlaps: overlaps};
}
"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="nl-BE")
    page = context.new_page()
    yield page
    context.close()


def test_participant_markers_never_overlap(live_server, programme, phone):
    phone.goto(live_server.url + "/kaart/")
    phone.wait_for_selector(".leaflet-marker-icon.kaart-marker")
    for step in ["start", "out", "out", "in", "in", "in"]:
        if step != "start":
            phone.click(f".leaflet-control-zoom-{step}")
            phone.wait_for_timeout(400)
        measured = phone.evaluate(OVERLAPS)
        assert measured["count"] >= 10
        assert measured["overlaps"] == [], step


def test_every_participant_marker_is_reachable_by_keyboard(live_server, programme, phone):
    phone.goto(live_server.url + "/kaart/")
    phone.wait_for_selector(".leaflet-marker-icon.kaart-marker")
    markers = phone.locator(".leaflet-marker-icon.kaart-marker:not(.kaart-marker-lid)")
    assert markers.count() >= 10
    for index in range(markers.count()):
        assert markers.nth(index).get_attribute("tabindex") == "0"
    markers.filter(has_text="").first.focus()
    phone.keyboard.press("Enter")
    assert phone.locator(".leaflet-popup-content a").count() >= 1
