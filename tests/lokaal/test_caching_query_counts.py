"""Without the page cache, every public page still issues a fixed number of queries.

Walks every public HTML page (tests/url_catalogue.py) and compares its query count with
the programme as loaded and with every trajectory copied three times (programma.bulk). Both are
counted on a second request, once fragments kept under generations of the data
(lokaal/fragmenten.py) are in place; tests/portaal/test_render_bounds.py and
test_public_pages.py compare the first requests too.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programma.bulk import load_bulk
from tests import url_catalogue as catalogue

PAGES = [r for r in catalogue.routes_in(catalogue.PUBLIC) if r.name not in catalogue.NOT_HTML]


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("route", PAGES, ids=lambda r: r.name)
def test_query_count_does_not_grow_with_the_data(client, coach, route, settings):
    world = catalogue.build_world(coach)
    path = catalogue.first_path(route, world, lambda p: client.get(p).status_code == 200)
    before = _queries(client, path)  # first_path requested it: anything kept is kept
    load_bulk(scale=3)
    client.get(path)  # what is kept under a digest of the data is worked out afresh once
    after = _queries(client, path)
    assert after == before, f"{path}: {before} queries with the programme, {after} with 3x"
