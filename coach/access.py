"""Who may work on which trajectory. Every coach view fetches its objects through here."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from trajecten.models import Traject

COACH_GROUP = "Coaches"


def is_coach_or_manager(user) -> bool:
    return user.is_active and (user.is_staff or user.groups.filter(name=COACH_GROUP).exists())


def coach_required(view):
    """Anonymous visitors go to the login page; other logged-in users get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_coach_or_manager(request.user):
            raise PermissionDenied("Deze pagina is enkel voor coaches en programmabeheerders.")
        return view(request, *args, **kwargs)

    return wrapper


def manager_required(view):
    """Programme managers (staff) only: anonymous visitors go to the login page, others get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied("Deze pagina is enkel voor programmabeheerders.")
        return view(request, *args, **kwargs)

    return wrapper


def trajecten_for(user, queryset: QuerySet[Traject] | None = None) -> QuerySet[Traject]:
    """Managers (staff) see every trajectory; a coach only those assigned to them."""
    queryset = Traject.objects.all() if queryset is None else queryset
    if user.is_staff:
        return queryset
    return queryset.filter(coaches=user)


def traject_for_coach(request, slug: str, queryset: QuerySet[Traject] | None = None) -> Traject:
    """The trajectory, or 404 for anyone who may not work on it.

    `queryset` may add prefetching; the permission filter is applied on top of it.
    """
    return get_object_or_404(trajecten_for(request.user, queryset), slug=slug)
