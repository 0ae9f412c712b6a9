from django.contrib import admin
from django.db.models import Count

from besturen.models import Bestuur, Lidmaatschap


class LidmaatschapInline(admin.TabularInline):
    model = Lidmaatschap
    fk_name = "intercommunale"
    autocomplete_fields = ["lid"]
    extra = 0
    verbose_name = "gemeentevennoot"
    verbose_name_plural = "gemeentevennoten"


@admin.register(Bestuur)
class BestuurAdmin(admin.ModelAdmin):
    list_display = ["naam", "soort", "provincie", "nis_code", "aantal_leden", "bijgewerkt_op"]
    list_filter = ["soort", "provincie"]
    # `fold`: case, accents and hyphens do not matter ("sint niklaas" finds Sint-Niklaas).
    search_fields = ["naam__fold", "korte_naam__fold", "nis_code"]
    prepopulated_fields = {"slug": ["korte_naam"]}
    inlines = [LidmaatschapInline]
    fieldsets = [
        (None, {"fields": ["naam", "korte_naam", "slug", "soort", "provincie", "nis_code"]}),
        ("Voorstelling", {"fields": ["website", "beschrijving", "logo"]}),
        ("Ligging", {"fields": ["breedtegraad", "lengtegraad"]}),
    ]

    def get_queryset(self, request):

        return super().get_queryset(request).annotate(_aantal_leden=Count("lidmaatschappen"))

    @admin.display(description="leden", ordering="_aantal_leden")
    def aantal_leden(self, obj):
        return obj._aantal_leden or "–"


@admin.register(Lidmaatschap)
class LidmaatschapAdmin(admin.ModelAdmin):
    list_display = ["lid", "intercommunale", "geverifieerd", "toelichting"]
    list_filter = ["intercommunale", "geverifieerd"]
    search_fields = ["lid__naam__fold", "intercommunale__naam__fold"]
    autocomplete_fields = ["lid", "intercommunale"]
    list_select_related = ["lid", "intercommunale"]
