"""The workspace: dashboard, planning, reports, attachments and updates of a trajectory."""

from django.urls import path

from coach import views

T = "trajecten/<slug:slug>"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(f"{T}/", views.traject_detail, name="traject"),
    path(f"{T}/bijlagen/<int:bijlage_pk>/", views.bijlage_download, name="bijlage"),
    path(f"{T}/bijlagen/<int:bijlage_pk>/bewerken/", views.bijlage_edit, name="bijlage_edit"),
    path(
        f"{T}/bijlagen/<int:bijlage_pk>/verwijderen/", views.bijlage_delete, name="bijlage_delete"
    ),
    path(f"{T}/updates/nieuw/", views.update_create, name="update_create"),
    path(f"{T}/updates/<int:update_pk>/", views.update_edit, name="update_edit"),
    path(f"{T}/updates/<int:update_pk>/verwijderen/", views.update_delete, name="update_delete"),
]

# Workshops and coaching moments share their views; the kind travels as a default argument.
for soort, folder in (("workshop", "workshops"), ("coachingsmoment", "coachingsmomenten")):
    base = f"{T}/{folder}/<int:{soort}_pk>"
    kind = {"soort": soort}
    urlpatterns += [
        path(f"{T}/{folder}/nieuw/", views.moment_create, kind, name=f"{soort}_create"),
        path(f"{base}/", views.moment_plan, kind, name=f"{soort}_plan"),
        path(f"{base}/verslag/", views.moment_verslag, kind, name=f"{soort}_verslag"),
        path(f"{base}/publiceren/", views.moment_publish, kind, name=f"{soort}_publish"),
        path(f"{base}/depubliceren/", views.moment_unpublish, kind, name=f"{soort}_unpublish"),
        path(f"{base}/verwijderen/", views.moment_delete, kind, name=f"{soort}_delete"),
        path(f"{base}/geschiedenis/", views.moment_history, kind, name=f"{soort}_history"),
    ]
