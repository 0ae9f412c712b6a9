from django.db import models
from django.db.models import Q
from django.urls import reverse


class Provincie(models.TextChoices):
    ANTWERPEN = "antwerpen", "Antwerpen"
    LIMBURG = "limburg", "Limburg"
    OOST_VLAANDEREN = "oost-vlaanderen", "Oost-Vlaanderen"
    VLAAMS_BRABANT = "vlaams-brabant", "Vlaams-Brabant"
    WEST_VLAANDEREN = "west-vlaanderen", "West-Vlaanderen"
    BRUSSEL = "brussel", "Brussels Hoofdstedelijk Gewest"


class BestuurQuerySet(models.QuerySet):
    def deelnemers(self):
        """Besturen that take part in at least one trajectory."""
        return self.filter(deelnames__isnull=False).distinct()


class Bestuur(models.Model):
    class Soort(models.TextChoices):
        STAD = "stad", "Stad"
        GEMEENTE = "gemeente", "Gemeente"
        INTERCOMMUNALE = "intercommunale", "Intercommunale"
        ANDERE = "andere", "Ander publiek orgaan"

    naam = models.CharField(max_length=200, unique=True)
    korte_naam = models.CharField(
        max_length=80, help_text="Naam in lijsten en kaarten, bv. 'Halle' voor 'Stad Halle'."
    )
    slug = models.SlugField(max_length=100, unique=True)
    soort = models.CharField(max_length=20, choices=Soort.choices)
    provincie = models.CharField(max_length=20, choices=Provincie.choices, blank=True)
    nis_code = models.CharField(
        "NIS-code",
        max_length=5,
        blank=True,
        help_text="Vijf cijfers (Statbel), enkel voor gemeenten.",
    )
    website = models.URLField(blank=True)
    beschrijving = models.TextField(blank=True)
    logo = models.ImageField(upload_to="besturen/logo/", blank=True)
    breedtegraad = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    lengtegraad = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    leden = models.ManyToManyField(
        "self",
        through="Lidmaatschap",
        symmetrical=False,
        related_name="intercommunales",
        blank=True,
        help_text="De gemeenten die lid zijn van deze intercommunale.",
    )
    bijgewerkt_op = models.DateTimeField(auto_now=True)

    objects = BestuurQuerySet.as_manager()

    class Meta:
        verbose_name = "bestuur"
        verbose_name_plural = "besturen"
        ordering = ["korte_naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["nis_code"],
                condition=~Q(nis_code=""),
                name="besturen_bestuur_unieke_nis_code",
            ),
            models.CheckConstraint(
                condition=Q(nis_code="") | Q(nis_code__regex=r"^[0-9]{5}$"),
                name="besturen_bestuur_nis_code_vijf_cijfers",
            ),
            models.CheckConstraint(
                condition=Q(breedtegraad__isnull=True)
                | Q(breedtegraad__gte=-90, breedtegraad__lte=90),
                name="besturen_bestuur_geldige_breedtegraad",
            ),
            models.CheckConstraint(
                condition=Q(lengtegraad__isnull=True)
                | Q(lengtegraad__gte=-180, lengtegraad__lte=180),
                name="besturen_bestuur_geldige_lengtegraad",
            ),
        ]

    def __str__(self):
        return self.naam

    def get_absolute_url(self):
        return reverse("besturen:detail", args=[self.slug])

    @property
    def is_intercommunale(self) -> bool:
        return self.soort == self.Soort.INTERCOMMUNALE

    @property
    def has_location(self) -> bool:
        return self.point is not None

    @property
    def point(self) -> tuple[float, float] | None:
        """(latitude, longitude) on the map, or None without a location."""
        if self.breedtegraad is None or self.lengtegraad is None:
            return None
        return float(self.breedtegraad), float(self.lengtegraad)


class Lidmaatschap(models.Model):
    """A municipality's membership of an intercommunale, with how sure we are of it."""

    intercommunale = models.ForeignKey(
        Bestuur, on_delete=models.CASCADE, related_name="lidmaatschappen"
    )
    lid = models.ForeignKey(Bestuur, on_delete=models.CASCADE, related_name="lid_van")
    geverifieerd = models.BooleanField(
        default=True,
        help_text="Aangevinkt als bevestigd is dat het lidmaatschap vandaag nog geldt.",
    )
    toelichting = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "lidmaatschap"
        verbose_name_plural = "lidmaatschappen"
        ordering = ["lid__korte_naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["intercommunale", "lid"], name="besturen_lidmaatschap_uniek"
            ),
            models.CheckConstraint(
                condition=~Q(intercommunale=models.F("lid")),
                name="besturen_lidmaatschap_niet_van_zichzelf",
            ),
        ]

    def __str__(self):
        return f"{self.lid} in {self.intercommunale}"
