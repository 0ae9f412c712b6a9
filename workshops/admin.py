from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from trajecten.admin import TrajectAdmin
from trajecten.models import Traject
from workshops.models import Bijlage, Coachingsmoment, SjabloonWorkshop, Workshop
from workshops.services import plan_workshops_from_template


@admin.register(SjabloonWorkshop)
class SjabloonWorkshopAdmin(admin.ModelAdmin):
    list_display = ["soort", "volgnummer", "titel"]
    list_filter = ["soort"]
    ordering = ["soort", "volgnummer"]


class WorkshopInline(admin.StackedInline):
    model = Workshop
    extra = 0
    fields = [("volgnummer", "titel"), ("gepland_op", "plaats", "status"), "thema", "gepubliceerd"]
    show_change_link = True


class CoachingsmomentInline(admin.TabularInline):
    model = Coachingsmoment
    extra = 0
    fields = ["gepland_op", "vorm", "onderwerp", "status", "gepubliceerd"]
    show_change_link = True


# The trajectory admin gains its workshops here: trajecten itself does not know workshops.
admin.site.unregister(Traject)


@admin.register(Traject)
class TrajectMetWorkshopsAdmin(TrajectAdmin):
    inlines = [*TrajectAdmin.inlines, WorkshopInline, CoachingsmomentInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            plan_workshops_from_template(traject=form.instance)


class BijlageInline(admin.TabularInline):
    model = Bijlage
    extra = 0
    fields = ["titel", "bestand", "is_publiek", "mime_type", "grootte"]
    readonly_fields = ["mime_type", "grootte"]


class MomentAdmin(SimpleHistoryAdmin):
    list_filter = ["status", "gepubliceerd", "is_demo", "traject__soort"]
    list_select_related = ["traject"]
    autocomplete_fields = ["traject"]
    date_hierarchy = "gepland_op"
    inlines = [BijlageInline]
    readonly_fields = ["gepubliceerd_op", "versie", "bijgewerkt_op"]


@admin.register(Workshop)
class WorkshopAdmin(MomentAdmin):
    list_display = ["__str__", "traject", "gepland_op", "status", "gepubliceerd", "is_demo"]
    search_fields = ["titel", "thema", "traject__titel"]
    fieldsets = [
        (None, {"fields": ["traject", "volgnummer", "titel", "thema"]}),
        ("Planning", {"fields": ["gepland_op", "plaats", "status"]}),
        (
            "Verslag",
            {
                "fields": [
                    "verslag",
                    "aanwezigen",
                    "aantal_aanwezigen",
                    "beslissingen",
                    "volgende_stappen",
                    "interne_notities",
                ]
            },
        ),
        ("Publicatie", {"fields": ["gepubliceerd", "gepubliceerd_op", "is_demo", "versie"]}),
    ]


@admin.register(Coachingsmoment)
class CoachingsmomentAdmin(MomentAdmin):
    list_display = ["onderwerp", "traject", "gepland_op", "vorm", "status", "gepubliceerd"]
    search_fields = ["onderwerp", "traject__titel"]
    list_filter = ["vorm", *MomentAdmin.list_filter]


@admin.register(Bijlage)
class BijlageAdmin(SimpleHistoryAdmin):
    list_display = ["titel", "moment", "is_publiek", "mime_type", "grootte", "aangemaakt_op"]
    list_filter = ["is_publiek", "is_afbeelding"]
    search_fields = ["titel", "bestandsnaam"]
    list_select_related = ["workshop__traject", "coachingsmoment__traject"]
    autocomplete_fields = ["workshop", "coachingsmoment"]
    readonly_fields = ["bestandsnaam", "mime_type", "grootte", "is_afbeelding", "geupload_door"]
