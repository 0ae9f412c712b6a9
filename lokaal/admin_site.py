"""Django admin with its index grouped by what a programme manager does, not by app."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig

# (group name, [app_label.ModelName, ...]) in the order the index shows them.
GROUPS: list[tuple[str, list[str]]] = [
    (
        "Programma",
        [
            "trajecten.Ronde",
            "trajecten.Traject",
            "besturen.Bestuur",
            "besturen.Lidmaatschap",
            "workshops.Workshop",
            "workshops.Coachingsmoment",
            "workshops.Bijlage",
            "workshops.Goedkeuringsverzoek",
            "trajecten.Update",
        ],
    ),
    (
        "Resultaten",
        [
            "trajecten.LopendInitiatief",
            "trajecten.Beleidsactie",
            "trajecten.Pilotkandidaat",
            "trajecten.GekozenModule",
            "trajecten.Partner",
            "trajecten.Kpi",
            "trajecten.Meting",
        ],
    ),
    (
        "Referentielijsten",
        [
            "trajecten.Actiedomein",
            "trajecten.Beleidsinstrument",
            "trajecten.Ondersteuningsmodule",
            "trajecten.KpiDefinitie",
            "workshops.SjabloonWorkshop",
        ],
    ),
    # The mail tasks (confirmations, digests, reminders) sit with the followers they mostly serve.
    ("Volgen", ["volgen.Volger", "django_tasks_database.*"]),
    ("Toegang", ["auth.User", "trajecten.CoachProfiel", "auth.Group", "axes.*"]),
]
OTHER = "Overige"


def _group_of(app_label: str, object_name: str) -> int:
    for index, (_, members) in enumerate(GROUPS):
        if f"{app_label}.{object_name}" in members or f"{app_label}.*" in members:
            return index
    return len(GROUPS)


def _position(app_label: str, object_name: str) -> int:
    """Where a model stands in its group: as listed, else after the listed ones."""
    key = f"{app_label}.{object_name}"
    for _, members in GROUPS:
        if key in members:
            return members.index(key)
    return len(GROUPS)


class ProgrammaAdminSite(AdminSite):
    site_header = "Lokaal Circulair – programmabeheer"
    site_title = "Lokaal Circulair"
    index_title = "Programmabeheer"

    def login(self, request, extra_context=None):
        from lokaal.accounts import with_lockout  # it imports models: not while the apps load

        return with_lockout(request, super().login(request, extra_context))

    def get_app_list(self, request, app_label=None):
        apps = super().get_app_list(request, app_label)
        if app_label is not None:  # an app's own page keeps the app's models
            return apps
        grouped: dict[int, dict] = {}
        for app in apps:
            for model in app["models"]:
                index = _group_of(app["app_label"], model["object_name"])
                name = GROUPS[index][0] if index < len(GROUPS) else OTHER
                group = grouped.setdefault(
                    index,
                    {
                        "name": name,
                        "app_label": app["app_label"],
                        "app_url": app["app_url"],
                        "has_module_perms": app["has_module_perms"],
                        "models": [],
                    },
                )
                group["models"].append(model)
        for group in grouped.values():
            group["models"].sort(
                key=lambda m: (_position(m["model"]._meta.app_label, m["object_name"]), m["name"])
            )
        return [grouped[index] for index in sorted(grouped)]


class ProgrammaAdminConfig(AdminConfig):
    default_site = "lokaal.admin_site.ProgrammaAdminSite"
