"""What every coach view shares: the allowed methods, the status of a form page, the refusal of
a stale save.

Every form view has one shape:

    form = XForm(request.POST or None, ...)
    if request.method == "POST" and form.is_valid():
        conflict = save_or_conflict(lambda: services.x_save(..., base_versie=form.base_versie))
        if conflict is None:
            return redirect(...)
        form = form.rebound_on(conflict)
    return render(..., status=form_status(request, conflict))
"""

from collections.abc import Callable

from django.http import HttpRequest
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from trajecten.models import Traject
from trajecten.versioning import StaleEdit

# Form views show a form on GET (and HEAD) and take it back on POST; nothing else.
require_form_methods = require_http_methods(["GET", "HEAD", "POST"])


def save_or_conflict(save: Callable[[], object]) -> StaleEdit | None:
    """Run a versioned write; the refusal of a stale one, or None when it was saved."""
    try:
        save()
    except StaleEdit as stale:
        return stale
    return None


def form_status(request: HttpRequest, conflict: StaleEdit | None = None) -> int:
    """409 for a stale save, 400 for any other refused POST, 200 for a form just opened."""
    if conflict is not None:
        return 409
    return 400 if request.method == "POST" else 200


def traject_url(traject: Traject) -> str:
    return reverse("coach:traject", args=[traject.slug])


def moment_url(name: str, moment) -> str:
    return reverse(
        f"coach:{moment.kind}_{name}",
        kwargs={"slug": moment.traject.slug, f"{moment.kind}_pk": moment.pk},
    )
