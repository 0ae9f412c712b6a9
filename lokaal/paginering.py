"""Pages of a list that grows with the data: `?pagina=N`, and one Dutch pager for all of them.

A missing `pagina` is the first page. A number past the last page is a 404 (the page does not
exist); anything but a whole number is a 400 with a Dutch sentence, before anything renders.
"""

from django.core.paginator import Page, Paginator
from django.http import Http404

PAGE_PARAM = "pagina"


class InvalidPageNumber(ValueError):
    """`?pagina=` is not a whole number."""

    def __init__(self, raw: str):
        self.raw = raw[:20]
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return (
            f"‘{self.raw}’ is geen paginanummer. Gebruik een geheel getal vanaf 1, of laat "
            "?pagina= weg voor de eerste pagina."
        )


def page_number(request) -> int:
    """The page asked for; raises InvalidPageNumber for anything but digits."""
    raw = request.GET.get(PAGE_PARAM)
    if raw is None:
        return 1
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise InvalidPageNumber(raw)
    return int(raw)


def page_of(items, per_page: int, number: int) -> Page:
    """One page of `items` (a queryset is sliced in the database); 404 when out of range."""
    paginator = Paginator(items, per_page)
    if number < 1 or number > paginator.num_pages:
        raise Http404("Deze pagina bestaat niet.")
    return paginator.page(number)
