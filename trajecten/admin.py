from django.contrib import admin, messages
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from trajecten import services
from trajecten.filters import with_state
from trajecten.models import (
    Actiedomein,
    Beleidsactie,
    Beleidsinstrument,
    CoachProfiel,
    Deelname,
    GekozenModule,
    Kpi,
    KpiDefinitie,
    LopendInitiatief,
    Meting,
    Ondersteuningsmodule,
    Partner,
    Pilotkandidaat,
    Ronde,
    Traject,
    Update,
)
from trajecten.versioning import versioned_save
from trajecten.voortgang import RondeFase, TrajectStaat


class SavesUpdatesThroughServices:
    """Admin saves of updates render the text and date the publication, as the workspace does."""

    def save_update(self, request, update: Update) -> None:
        services.update_save(
            update=update, publish=update.gepubliceerd, base_versie=None, by=request.user
        )


@admin.register(Actiedomein, Beleidsinstrument, Ondersteuningsmodule)
class ReferentieAdmin(admin.ModelAdmin):
    list_display = ["naam", "naam_en", "volgorde"]
    list_editable = ["volgorde"]
    search_fields = ["naam", "naam_en"]
    prepopulated_fields = {"slug": ["naam"]}


@admin.register(KpiDefinitie)
class KpiDefinitieAdmin(ReferentieAdmin):
    list_display = ["naam", "eenheid", "referentiewaarde", "volgorde"]


@admin.register(CoachProfiel)
class CoachProfielAdmin(admin.ModelAdmin):
    list_display = ["user", "naam_tonen", "publieke_naam"]
    list_filter = ["naam_tonen"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "publieke_naam"]
    autocomplete_fields = ["user"]


@admin.register(Ronde)
class RondeAdmin(admin.ModelAdmin):
    list_display = ["naam", "start", "einde", "afgesloten_op", "goedkeuring_vereist", "fase"]
    prepopulated_fields = {"slug": ["naam"]}
    autocomplete_fields = ["extra_besturen"]
    actions = ["close_rounds"]

    class Media:
        js = ["js/admin-slug.js"]  # a dash between years stays in the slug

    @admin.display(description="stand")
    def fase(self, obj):
        return obj.fase.label

    @admin.action(description="Geselecteerde rondes vandaag afsluiten")
    def close_rounds(self, request, queryset):
        closed = services.ronde_close(rondes=queryset, on=timezone.localdate())
        messages.success(request, f"{closed} ronde(s) afgesloten.")


class VoortgangFilter(admin.SimpleListFilter):
    """The derived state, exactly as the public pages show it."""

    title = "voortgang"
    parameter_name = "voortgang"

    def lookups(self, request, model_admin):
        return TrajectStaat.choices

    def queryset(self, request, queryset):
        if self.value() in TrajectStaat.values:
            return with_state(queryset, self.value())
        return queryset


class RondeFaseFilter(admin.SimpleListFilter):
    title = "stand van de ronde"
    parameter_name = "rondefase"

    def lookups(self, request, model_admin):
        return RondeFase.choices

    def queryset(self, request, queryset):
        if self.value() not in RondeFase.values:
            return queryset
        pks = [r.pk for r in Ronde.objects.all() if r.fase == self.value()]
        return queryset.filter(ronde__in=pks)


class DeelnameInline(admin.TabularInline):
    model = Deelname
    autocomplete_fields = ["bestuur"]
    extra = 0


class UpdateInline(admin.StackedInline):
    model = Update
    extra = 0
    fields = ["datum", "titel", "tekst", "gepubliceerd", "is_demo"]
    show_change_link = True


@admin.register(Traject)
class TrajectAdmin(SavesUpdatesThroughServices, SimpleHistoryAdmin):
    list_display = ["titel", "soort", "voortgang", "deelnemers", "gepland_start", "gepland_einde"]
    list_filter = ["ronde", RondeFaseFilter, "soort", VoortgangFilter, "gestopt"]
    search_fields = ["titel__fold", "samenvatting__fold", "besturen__naam__fold"]
    prepopulated_fields = {"slug": ["titel"]}
    autocomplete_fields = ["coaches", "prioritaire_actiedomeinen", "beleidsinstrumenten"]
    inlines = [DeelnameInline, UpdateInline]
    date_hierarchy = "gepland_start"
    fieldsets = [
        (None, {"fields": ["ronde", "soort", "titel", "slug", "gestopt"]}),
        ("Publieke tekst", {"fields": ["samenvatting", "ambitie", "open_plaats"]}),
        ("Planning en coaching", {"fields": ["gepland_start", "gepland_einde", "coaches"]}),
        (
            "Strategische keuzes",
            {"fields": ["prioritaire_actiedomeinen", "beleidsinstrumenten"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress().prefetch_related("besturen")

    @admin.display(description="voortgang")
    def voortgang(self, obj):
        progress = obj.voortgang
        label = f"{progress.label}: {progress.samenvatting}"
        if progress.achter_op_planning:
            label += " (achter op planning)"
        return f"{label} [demo]" if progress.is_demo else label

    def save_model(self, request, obj, form, change):
        # The priorities are edited here too: a coach's form opened before this save is refused.
        versioned_save(obj=obj, base_versie=None, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Update:
            return super().save_formset(request, form, formset, change)
        for update in formset.save(commit=False):
            self.save_update(request, update)
        for update in formset.deleted_objects:
            services.update_delete(update=update, by=request.user)
        return None

    @admin.display(description="deelnemers")
    def deelnemers(self, obj):
        return ", ".join(b.korte_naam for b in obj.besturen.all()) or "open plaats"


@admin.register(Update)
class UpdateAdmin(SavesUpdatesThroughServices, SimpleHistoryAdmin):
    list_display = ["titel", "traject", "datum", "gepubliceerd", "is_demo"]
    list_filter = ["gepubliceerd", "is_demo", "traject__soort"]
    search_fields = ["titel__fold", "tekst__fold", "traject__titel__fold"]
    autocomplete_fields = ["traject", "auteur"]
    list_select_related = ["traject"]
    date_hierarchy = "datum"

    def save_model(self, request, obj, form, change):
        self.save_update(request, obj)


class SavesNewVersions:
    """A manager's save raises the version, so a coach's form opened before it is refused."""

    def save_model(self, request, obj, form, change):
        versioned_save(obj=obj, base_versie=None, by=request.user)

    def save_formset(self, request, form, formset, change):
        for item in formset.save(commit=False):
            versioned_save(obj=item, base_versie=None, by=request.user)
        for item in formset.deleted_objects:
            item._history_user = request.user
            item.delete()
        formset.save_m2m()


class TrajectResultAdmin(SavesNewVersions, SimpleHistoryAdmin):
    """Structured results: mostly edited by coaches, listed here for managers."""

    autocomplete_fields = ["traject"]
    list_select_related = ["traject"]
    list_filter = ["traject__soort", "gepubliceerd"]


@admin.register(LopendInitiatief)
class LopendInitiatiefAdmin(TrajectResultAdmin):
    list_display = ["naam", "traject", "actiedomein", "eigenaar", "status"]
    search_fields = ["naam__fold", "eigenaar__fold"]


@admin.register(Beleidsactie)
class BeleidsactieAdmin(TrajectResultAdmin):
    list_display = ["titel", "traject", "actiedomein", "beleidsinstrument"]
    search_fields = ["titel", "omschrijving"]


@admin.register(Pilotkandidaat)
class PilotkandidaatAdmin(TrajectResultAdmin):
    list_display = ["naam", "traject", "vervolgtraject"]
    search_fields = ["naam", "stakeholders"]
    autocomplete_fields = ["traject", "vervolgtraject"]


@admin.register(GekozenModule)
class GekozenModuleAdmin(TrajectResultAdmin):
    list_display = ["module", "traject", "status"]
    list_filter = ["status", "module"]
    search_fields = ["traject__titel", "resultaat"]


@admin.register(Partner)
class PartnerAdmin(TrajectResultAdmin):
    list_display = ["naam", "traject", "rol", "status"]
    list_filter = ["status"]
    search_fields = ["naam", "rol"]


class MetingInline(admin.TabularInline):
    model = Meting
    extra = 0


@admin.register(Kpi)
class KpiAdmin(TrajectResultAdmin):
    list_display = ["naam", "traject", "eenheid", "nulwaarde", "streefwaarde"]
    search_fields = ["naam"]
    inlines = [MetingInline]
