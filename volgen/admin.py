from django.contrib import admin

from volgen.models import Volger


@admin.register(Volger)
class VolgerAdmin(admin.ModelAdmin):
    """Read-only: addresses come and go only through the confirmation and unsubscribe links."""

    list_display = ["email", "bevestigd_op", "laatste_digest_op"]
    list_filter = [("bevestigd_op", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    readonly_fields = [
        "email",
        "besturen",
        "trajecten",
        "aangemaakt_op",
        "bevestigd_op",
        "bevestigingsmail_op",
        "laatste_digest_op",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
