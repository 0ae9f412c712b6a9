from django.db import models
from django.db.models.functions import Lower


class Volger(models.Model):
    """An e-mail address that follows besturen or trajectories, without an account.

    Only the address, what it follows and a few timestamps are kept: nothing else is needed to
    send the daily digest, and nothing else is asked.
    """

    email = models.EmailField("e-mailadres", max_length=254)
    besturen = models.ManyToManyField("besturen.Bestuur", blank=True, related_name="volgers")
    trajecten = models.ManyToManyField("trajecten.Traject", blank=True, related_name="volgers")
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    bevestigd_op = models.DateTimeField(
        null=True, blank=True, help_text="Wanneer het adres voor het eerst bevestigd werd."
    )
    bevestigingsmail_op = models.DateTimeField("laatste bevestigingsmail", null=True, blank=True)
    laatste_digest_op = models.DateTimeField("laatste overzicht", null=True, blank=True)

    class Meta:
        verbose_name = "volger"
        verbose_name_plural = "volgers"
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="volgen_volger_uniek_adres"),
        ]

    def __str__(self):
        return self.email

    @property
    def is_bevestigd(self) -> bool:
        return self.bevestigd_op is not None
