"""The structured-results URLs in the global permission matrix (tests/coach/test_permissions.py).

Each results URL gets a profile, and its kwargs come from `resultaten_kwargs`, which makes the
result the URL is about on the coach's own strategy or pilot trajectory.
"""

from tests.coach.resultaten_urls import RESULTATEN_URLS, resultaten_kwargs
from tests.coach.test_permissions import ACTION, CONFIRM, FORM, PAGE


def _profile(name: str) -> dict:
    if name == "resultaten":
        return PAGE
    if name.endswith("_verwijderen"):
        return CONFIRM
    if name.endswith("_publicatie"):
        return ACTION
    return FORM


MATRIX_EXPECTED = {name: _profile(name) for name in RESULTATEN_URLS}
MATRIX_URL_KWARGS = {
    name: (
        lambda world, name=name: resultaten_kwargs(
            name, strategie=world.traject, pilot=world.pilot_traject
        )
    )
    for name in RESULTATEN_URLS
}


def test_every_results_url_is_in_the_matrix():
    assert set(MATRIX_EXPECTED) == set(RESULTATEN_URLS)
