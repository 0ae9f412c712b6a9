"""Error views that need neither the database nor the cache."""

from django.http import HttpResponseForbidden
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def csrf_failure(request, reason=""):
    """The refused form in Dutch (CSRF_FAILURE_VIEW): a page without database or session."""
    body = loader.get_template("403_csrf.html").render({})
    response = HttpResponseForbidden(body)
    response["Cache-Control"] = "no-store"
    return response
