from datetime import datetime
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, When
from django.urls import reverse
from simple_history.models import HistoricalRecords

from trajecten import voortgang
from trajecten.publicatie import Publiceerbaar
from trajecten.versioning import Versioned


class Referentie(models.Model):
    """A term from one of the programme's reference lists, editable in admin."""

    naam = models.CharField(max_length=120, unique=True)
    naam_en = models.CharField("naam (Engels)", max_length=120, blank=True)
    slug = models.SlugField(max_length=120, unique=True)
    omschrijving = models.TextField(blank=True)
    volgorde = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["volgorde", "naam"]

    def __str__(self):
        return self.naam


class Actiedomein(Referentie):
    class Meta(Referentie.Meta):
        verbose_name = "actiedomein"
        verbose_name_plural = "actiedomeinen"


class Beleidsinstrument(Referentie):
    class Meta(Referentie.Meta):
        verbose_name = "beleidsinstrument"
        verbose_name_plural = "beleidsinstrumenten"


class Ondersteuningsmodule(Referentie):
    """One item of the pilot track's menu of support modules."""

    class Meta(Referentie.Meta):
        verbose_name = "ondersteuningsmodule"
        verbose_name_plural = "ondersteuningsmodules"


class KpiDefinitie(Referentie):
    """An entry of the KPI catalogue that pilot projects can pick from."""

    eenheid = models.CharField(max_length=80)
    referentiewaarde = models.CharField(max_length=300, blank=True)

    class Meta(Referentie.Meta):
        verbose_name = "KPI uit de catalogus"
        verbose_name_plural = "KPI-catalogus"


class Ronde(models.Model):
    """One round of the programme; later rounds fit without code changes."""

    naam = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    start = models.DateField()
    einde = models.DateField()
    extra_besturen = models.ManyToManyField(
        "besturen.Bestuur",
        blank=True,
        related_name="genoemd_in_rondes",
        verbose_name="ook genoemde besturen",
        help_text="Besturen die als deelnemer van deze ronde genoemd worden, "
        "zonder dat hun traject gekend is.",
    )
    afgesloten_op = models.DateField(
        "afgesloten op",
        null=True,
        blank=True,
        help_text="Vul in om de ronde uitdrukkelijk af te sluiten. Zonder datum volgt de "
        "stand uit de start- en einddatum (komend, lopend of voorbij).",
    )
    goedkeuring_vereist = models.BooleanField(
        "goedkeuring door de deelnemer vereist",
        default=False,
        help_text="Aangevinkt: een verslag wordt pas gepubliceerd nadat de contactpersoon van "
        "het deelnemende bestuur het via een link in een e-mail goedkeurde.",
    )

    class Meta:
        verbose_name = "ronde"
        verbose_name_plural = "rondes"
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(einde__gte=F("start")), name="trajecten_ronde_einde_na_start"
            )
        ]

    def __str__(self):
        return self.naam

    def get_absolute_url(self):
        return reverse("portaal:ronde", args=[self.slug])

    @property
    def fase(self) -> voortgang.RondeFase:
        return voortgang.ronde_fase(self)

    @property
    def fase_zin(self) -> str:
        return voortgang.ronde_zin(self, self.fase)

    @property
    def is_ended(self) -> bool:
        return self.fase in voortgang.ENDED


COACHING_ORGANISATIE = "Möbius"


class CoachProfiel(models.Model):
    """A coach's choice whether the public pages show their name; by default they do not."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coachprofiel",
        verbose_name="gebruiker",
    )
    naam_tonen = models.BooleanField(
        "naam publiek tonen",
        default=False,
        help_text="Alleen aangevinkt staat de naam van deze coach op de publieke pagina's en in "
        "de open data, naast Möbius. Een gebruikersnaam verschijnt nooit.",
    )
    publieke_naam = models.CharField(
        "publieke naam",
        max_length=120,
        blank=True,
        help_text="Leeg: de voornaam en familienaam van het account.",
    )

    class Meta:
        verbose_name = "coachprofiel"
        verbose_name_plural = "coachprofielen"

    def __str__(self):
        return f"Profiel van {self.user}"

    @property
    def public_name(self) -> str:
        """The name the public may read; empty unless the coach opted in."""
        if not self.naam_tonen:
            return ""
        return self.publieke_naam.strip() or self.user.get_full_name().strip()


class TrajectQuerySet(models.QuerySet):
    def openbaar(self) -> Self:
        """Trajectories with at least one public report or update.

        Their structured results become public with that first publication, so a coach's
        half-filled forms never show before. Each part is the model's own `openbaar()`.
        """
        condition = Q(Exists(Update.objects.openbaar().filter(traject=OuterRef("pk"))))
        for name in ("workshops", "coachingsmomenten"):
            # The moments' models live in `workshops`, which this module cannot import.
            related = Traject._meta.get_field(name).related_model
            moments = related.objects.openbaar()  # type: ignore[union-attr]
            condition |= Q(Exists(moments.filter(traject=OuterRef("pk"))))
        return self.filter(condition)

    def with_coaches(self):
        """The coaches with their profile, for `Traject.coaching_tekst`."""
        from django.contrib.auth import get_user_model

        users = get_user_model().objects.select_related("coachprofiel").order_by("last_name")
        return self.prefetch_related(Prefetch("coaches", queryset=users))

    def with_progress(self):
        """Everything the progress and freshness of a trajectory are derived from."""
        return self.select_related("ronde").prefetch_related(
            Prefetch("deelnames", queryset=Deelname.objects.lead_first()),
            "workshops",
            "coachingsmomenten",
            Prefetch("updates", queryset=Update.objects.openbaar(), to_attr="publieke_updates"),
        )


class Traject(Versioned, models.Model):
    class Soort(models.TextChoices):
        STRATEGIE = "strategie", "Circulaire strategie"
        PILOOTPROJECT = "pilootproject", "Circulair pilootproject"

    ronde = models.ForeignKey(Ronde, on_delete=models.PROTECT, related_name="trajecten")
    soort = models.CharField(max_length=20, choices=Soort.choices)
    titel = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    samenvatting = models.TextField(blank=True, help_text="Publieke samenvatting, enkele zinnen.")
    ambitie = models.TextField(blank=True)
    open_plaats = models.CharField(
        "open plaats",
        max_length=300,
        blank=True,
        help_text="Voor een plaats waarvan het bestuur nog niet gekend is: wat er wel geweten is.",
    )
    besturen = models.ManyToManyField(
        "besturen.Bestuur", through="Deelname", related_name="trajecten", blank=True
    )
    coaches = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="trajecten_als_coach", blank=True
    )
    gepland_start = models.DateField("geplande start")
    gepland_einde = models.DateField("gepland einde")
    gestopt = models.BooleanField(
        default=False,
        help_text="Vink aan als het traject voortijdig stopte. Alle andere stappen van de "
        "voortgang (niet gestart, onderweg, afgerond) volgen vanzelf uit de workshops.",
    )
    prioritaire_actiedomeinen = models.ManyToManyField(
        Actiedomein, blank=True, related_name="trajecten"
    )
    beleidsinstrumenten = models.ManyToManyField(
        Beleidsinstrument, blank=True, related_name="trajecten"
    )
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    bijgewerkt_op = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[prioritaire_actiedomeinen, beleidsinstrumenten])

    objects = TrajectQuerySet.as_manager()

    class Meta:
        verbose_name = "traject"
        verbose_name_plural = "trajecten"
        ordering = ["soort", "titel"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gepland_einde__gte=F("gepland_start")),
                name="trajecten_traject_einde_na_start",
            )
        ]

    def __str__(self):
        return self.titel

    def get_absolute_url(self) -> str:
        return reverse("trajecten:detail", args=[self.slug])

    # Derived progress: `voortgang` is the one reading (see trajecten/voortgang.py); the
    # other properties are short names for parts of it.

    @property
    def deelnemers(self):
        return [deelname.bestuur for deelname in self.deelnames.all()]

    @property
    def is_open(self) -> bool:
        """A place in the programme whose bestuur is not yet known."""
        return not self.deelnames.all()

    @property
    def momenten(self) -> list:
        """Workshops and coaching moments in the order they happen."""
        workshops, coaching = self.workshops.all(), self.coachingsmomenten.all()
        # A prefetched relation answers the same evaluated queryset at every access, so the
        # moments are sorted once per prefetch: the progress, the next step and the freshness
        # all walk them. Without a prefetch each access is a new queryset and a new query.
        memo = getattr(self, "_momenten_memo", None)
        if memo is None or memo[0] is not workshops or memo[1] is not coaching:
            memo = self._momenten_memo = (
                workshops,
                coaching,
                self._sorted_momenten(workshops, coaching),
            )
        return memo[2]

    @staticmethod
    def _sorted_momenten(workshops, coaching) -> list:
        return sorted([*workshops, *coaching], key=lambda item: item.sort_key())

    @property
    def public_updates(self) -> list["Update"]:
        if hasattr(self, "publieke_updates"):  # prefetched by with_progress()
            return self.publieke_updates
        return list(self.updates.openbaar())

    def progress_at(self, now: datetime | None = None) -> voortgang.TrajectVoortgang:
        return voortgang.traject_voortgang(
            self, momenten=self.momenten, updates=self.public_updates, now=now
        )

    @property
    def voortgang(self) -> voortgang.TrajectVoortgang:
        """The progress now; computed once per loaded set of moments."""
        momenten, updates = self.momenten, self.public_updates
        memo = getattr(self, "_voortgang_memo", None)
        if memo is None or memo[0] is not momenten or memo[1] is not updates:
            memo = self._voortgang_memo = (momenten, updates, self.progress_at())
        return memo[2]

    @property
    def publieke_coaches(self) -> list[str]:
        """Names of the coaches who opted in to be named in public (see CoachProfiel)."""
        names = []
        for user in self.coaches.all():
            profiel = getattr(user, "coachprofiel", None)
            if profiel is not None and profiel.public_name:
                names.append(profiel.public_name)
        return names

    @property
    def coaching_tekst(self) -> str:
        """Who coaches, as pages, feeds and open data say it: Möbius, with opted-in names."""
        names = self.publieke_coaches
        return f"{COACHING_ORGANISATIE}: {', '.join(names)}" if names else COACHING_ORGANISATIE

    @property
    def is_openbaar(self) -> bool:
        """The instance twin of `Traject.objects.openbaar()`: something of it is public."""
        return any(m.is_public for m in self.momenten) or bool(self.public_updates)

    @property
    def current_status_label(self) -> str:
        return self.voortgang.label

    @property
    def behind_plan(self) -> bool:
        return self.voortgang.achter_op_planning

    def is_behind_plan(self, now: datetime | None = None) -> bool:
        return self.progress_at(now).achter_op_planning

    @property
    def next_step(self):
        return self.voortgang.volgende_stap

    @property
    def last_updated(self) -> datetime | None:
        """When something about this trajectory was last published; None if nothing yet."""
        return self.voortgang.laatst_bijgewerkt


class DeelnameQuerySet(models.QuerySet):
    def lead_first(self):
        """Leads before partners, then by name, with the bestuur fetched along."""
        lead = Case(When(rol=Deelname.Rol.TREKKER, then=0), default=1)
        return self.select_related("bestuur").order_by(lead, "bestuur__naam")


class Deelname(models.Model):
    class Rol(models.TextChoices):
        TREKKER = "trekker", "Trekker"
        PARTNER = "partner", "Partner"

    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="deelnames")
    bestuur = models.ForeignKey(
        "besturen.Bestuur", on_delete=models.PROTECT, related_name="deelnames"
    )
    rol = models.CharField(max_length=20, choices=Rol.choices, default=Rol.TREKKER)
    toelichting = models.CharField(max_length=300, blank=True)
    contact_naam = models.CharField(
        "contactpersoon",
        max_length=200,
        blank=True,
        help_text="Wie namens dit bestuur verslagen goedkeurt (als de ronde dat vereist).",
    )
    contact_email = models.EmailField(
        "e-mailadres contactpersoon",
        blank=True,
        help_text="Krijgt de link om een verslag goed te keuren; nooit publiek.",
    )

    objects = DeelnameQuerySet.as_manager()

    class Meta:
        verbose_name = "deelname"
        verbose_name_plural = "deelnames"
        ordering = ["traject", "bestuur__naam"]
        constraints = [
            models.UniqueConstraint(fields=["traject", "bestuur"], name="trajecten_deelname_uniek")
        ]

    def __str__(self):
        return f"{self.bestuur} ({self.get_rol_display().lower()}) in {self.traject}"


class UpdateQuerySet(models.QuerySet):
    def openbaar(self) -> Self:
        """The public-content rule for updates: published by a coach."""
        return self.filter(gepubliceerd=True)


class Update(Publiceerbaar, Versioned, models.Model):
    """A dated public news item on a trajectory's timeline."""

    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="updates")
    datum = models.DateField()
    titel = models.CharField(max_length=200)
    tekst = models.TextField(max_length=10000, help_text="Markdown.")
    tekst_html = models.TextField(editable=False, blank=True)
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField(default=False, help_text="Illustratieve inhoud, geen feit.")
    bijgewerkt_op = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = UpdateQuerySet.as_manager()

    class Meta:
        verbose_name = "update"
        verbose_name_plural = "updates"
        ordering = ["-datum", "-id"]

    def __str__(self):
        return self.titel

    @property
    def is_public(self) -> bool:
        """The instance twin of `Update.objects.openbaar()`."""
        return self.gepubliceerd


# Structured results. Each is a draft until a coach publishes it (alone, or with the report of
# the workshop that produced it); the public sees a published result of a trajectory that has
# public content, and nothing else.


class ResultaatQuerySet(models.QuerySet):
    def openbaar(self) -> Self:
        """The public-content rule for structured results."""
        return self.filter(gepubliceerd=True, traject__in=Traject.objects.openbaar())


class MetingQuerySet(models.QuerySet):
    def openbaar(self) -> Self:
        """A published measurement of a public KPI."""
        return self.filter(gepubliceerd=True, kpi__in=Kpi.objects.openbaar())


# Structured results of a strategy trajectory.


class LopendInitiatief(Publiceerbaar, Versioned, models.Model):
    class Status(models.TextChoices):
        IDEE = "idee", "Idee"
        LOPEND = "lopend", "Lopend"
        AFGEROND = "afgerond", "Afgerond"

    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="initiatieven")
    naam = models.CharField(max_length=200)
    actiedomein = models.ForeignKey(
        Actiedomein, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    eigenaar = models.CharField(max_length=200, blank=True, help_text="Wie trekt het initiatief?")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.LOPEND)
    history = HistoricalRecords()

    objects = ResultaatQuerySet.as_manager()

    class Meta:
        verbose_name = "lopend initiatief"
        verbose_name_plural = "lopende initiatieven"
        ordering = ["naam"]

    def __str__(self):
        return self.naam


class Beleidsactie(Publiceerbaar, Versioned, models.Model):
    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="beleidsacties")
    titel = models.CharField(max_length=200)
    # Free texts of a result: the database takes any length; forms refuse more than a page.
    omschrijving = models.TextField(max_length=5000, blank=True)
    actiedomein = models.ForeignKey(
        Actiedomein, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    beleidsinstrument = models.ForeignKey(
        Beleidsinstrument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = ResultaatQuerySet.as_manager()

    class Meta:
        verbose_name = "verkende beleidsactie"
        verbose_name_plural = "verkende beleidsacties"
        ordering = ["titel"]

    def __str__(self):
        return self.titel


class Pilotkandidaat(Publiceerbaar, Versioned, models.Model):
    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="pilotkandidaten")
    naam = models.CharField(max_length=200)
    omschrijving = models.TextField(max_length=5000, blank=True)
    stakeholders = models.TextField(
        max_length=5000, blank=True, help_text="Met wie werd de kandidaat bepaald?"
    )
    vervolgtraject = models.ForeignKey(
        Traject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="voortgekomen_uit",
        help_text="Het pilootprojecttraject dat hieruit volgde, als dat er is.",
    )
    history = HistoricalRecords()

    objects = ResultaatQuerySet.as_manager()

    class Meta:
        verbose_name = "kandidaat-pilootproject"
        verbose_name_plural = "kandidaat-pilootprojecten"
        ordering = ["naam"]

    def __str__(self):
        return self.naam


# Structured results of a pilot trajectory.


class GekozenModule(Publiceerbaar, Versioned, models.Model):
    class Status(models.TextChoices):
        GEKOZEN = "gekozen", "Gekozen"
        BEZIG = "bezig", "Bezig"
        AFGEROND = "afgerond", "Afgerond"

    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="modules")
    module = models.ForeignKey(Ondersteuningsmodule, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.GEKOZEN)
    resultaat = models.TextField(max_length=5000, blank=True)
    is_demo = models.BooleanField(default=False, help_text="Illustratieve inhoud, geen feit.")
    history = HistoricalRecords()

    objects = ResultaatQuerySet.as_manager()

    class Meta:
        verbose_name = "gekozen module"
        verbose_name_plural = "gekozen modules"
        ordering = ["module__volgorde"]
        constraints = [
            models.UniqueConstraint(
                fields=["traject", "module"], name="trajecten_gekozenmodule_uniek"
            )
        ]

    def __str__(self):
        return f"{self.module} ({self.traject})"


class Partner(Publiceerbaar, Versioned, models.Model):
    class Status(models.TextChoices):
        GEZOCHT = "gezocht", "Gezocht"
        IN_GESPREK = "in_gesprek", "In gesprek"
        AAN_BOORD = "aan_boord", "Aan boord"

    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="partners")
    naam = models.CharField(max_length=200)
    rol = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.GEZOCHT)
    history = HistoricalRecords()

    objects = ResultaatQuerySet.as_manager()

    class Meta:
        verbose_name = "partner"
        verbose_name_plural = "partners"
        ordering = ["naam"]

    def __str__(self):
        return self.naam


class Kpi(Publiceerbaar, Versioned, models.Model):
    traject = models.ForeignKey(Traject, on_delete=models.CASCADE, related_name="kpis")
    definitie = models.ForeignKey(
        KpiDefinitie,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leeg voor een eigen KPI.",
    )
    naam = models.CharField(max_length=200)
    eenheid = models.CharField(max_length=80)
    nulwaarde = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    streefwaarde = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    objects = ResultaatQuerySet.as_manager()

    class Meta:
        verbose_name = "KPI"
        verbose_name_plural = "KPI's"
        ordering = ["naam"]

    def __str__(self):
        return f"{self.naam} ({self.eenheid})"


class Meting(Publiceerbaar, Versioned, models.Model):
    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="metingen")
    datum = models.DateField()
    waarde = models.DecimalField(max_digits=14, decimal_places=2)
    toelichting = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    objects = MetingQuerySet.as_manager()

    class Meta:
        verbose_name = "meting"
        verbose_name_plural = "metingen"
        ordering = ["datum"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "datum"], name="trajecten_meting_uniek_per_dag")
        ]

    def __str__(self):
        return f"{self.kpi.naam} op {self.datum}: {self.waarde}"
