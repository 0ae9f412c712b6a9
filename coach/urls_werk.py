"""The workspace: dashboard, planning, reports, attachments and updates of a trajectory.

URL names are Dutch and follow the paths: `<noun>` for the object's own page, `<noun>_nieuw`,
`<noun>_bewerken`, `<noun>_verwijderen`, and the verb of the path for the rest.
"""

from django.urls import path
from django.views.generic import RedirectView

from coach.views import bijlagen, goedkeuring, momenten, opvolging, overzicht, uitkomst, updates

T = "trajecten/<slug:slug>"

urlpatterns = [
    path("", overzicht.dashboard, name="dashboard"),
    path("opvolging/", opvolging.follow_up, name="opvolging"),
    path(f"{T}/", overzicht.traject_detail, name="traject"),
    path(f"{T}/bijlagen/<int:bijlage_pk>/", bijlagen.bijlage_download, name="bijlage"),
    path(
        f"{T}/bijlagen/<int:bijlage_pk>/bewerken/",
        bijlagen.bijlage_edit,
        name="bijlage_bewerken",
    ),
    path(
        f"{T}/bijlagen/<int:bijlage_pk>/verwijderen/",
        bijlagen.bijlage_delete,
        name="bijlage_verwijderen",
    ),
    path(f"{T}/updates/nieuw/", updates.update_create, name="update_nieuw"),
    path(f"{T}/updates/<int:update_pk>/", updates.update_edit, name="update_bewerken"),
    path(
        f"{T}/updates/<int:update_pk>/verwijderen/",
        updates.update_delete,
        name="update_verwijderen",
    ),
]

# Workshops and coaching moments share their views; the kind travels as a default argument.
for soort, folder in (("workshop", "workshops"), ("coachingsmoment", "coachingsmomenten")):
    base = f"{T}/{folder}/<int:{soort}_pk>"
    kind = {"soort": soort}
    urlpatterns += [
        path(f"{T}/{folder}/nieuw/", momenten.moment_create, kind, name=f"{soort}_nieuw"),
        path(f"{base}/", momenten.moment_plan, kind, name=f"{soort}_bewerken"),
        # The one page per outcome: planning, report, attachments and results together.
        path(f"{base}/uitkomst/", uitkomst.moment_uitkomst, kind, name=f"{soort}_uitkomst"),
        path(
            f"{base}/uitkomst/voorbeeld/",
            uitkomst.moment_uitkomst_voorbeeld,
            kind,
            name=f"{soort}_uitkomst_voorbeeld",
        ),
        path(
            f"{base}/uitkomst/publicatie/",
            uitkomst.moment_uitkomst_publicatie,
            kind,
            name=f"{soort}_uitkomst_publicatie",
        ),
        path(f"{base}/verwijderen/", momenten.moment_delete, kind, name=f"{soort}_verwijderen"),
        path(f"{base}/voorleggen/", goedkeuring.moment_submit, kind, name=f"{soort}_voorleggen"),
        path(
            f"{base}/geschiedenis/",
            momenten.moment_history,
            kind,
            name=f"{soort}_geschiedenis",
        ),
    ]
    # The former separate report page and its publish buttons live on in bookmarks and mails:
    # a permanent redirect to the outcome page, which holds the report and its publication.
    outcome = RedirectView.as_view(pattern_name=f"coach:{soort}_uitkomst", permanent=True)
    urlpatterns += [
        path(f"{base}/{old}/", outcome, name=f"{soort}_{old}_oud")
        for old in ("verslag", "publiceren", "depubliceren")
    ]
