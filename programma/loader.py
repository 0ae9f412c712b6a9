"""Load a round of the programme from its data file (see `programma/data/`)."""

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import models, transaction
from django.utils.text import slugify

from besturen.models import Bestuur, Lidmaatschap
from lokaal import fragmenten
from trajecten.models import (
    Actiedomein,
    Beleidsinstrument,
    Deelname,
    KpiDefinitie,
    Ondersteuningsmodule,
    Ronde,
    Traject,
)
from workshops.models import SjabloonWorkshop
from workshops.services import workshops_plan_from_template

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_DATA_FILE = DATA_DIR / "ronde-2022-2023.toml"


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def summary(self) -> str:
        if not self.changed:
            return "Niets gewijzigd: de gegevens waren al up-to-date."
        parts = [f"{n} {name} aangemaakt" for name, n in sorted(self.created.items())]
        parts += [f"{n} {name} bijgewerkt" for name, n in sorted(self.updated.items())]
        return "; ".join(parts) + "."


def _upsert[M: models.Model](report: LoadReport, model: type[M], lookup: dict, values: dict) -> M:
    """Create or update one row, saving only when a value differs (so history stays quiet)."""
    name = model._meta.verbose_name_plural
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model._default_manager.create(**lookup, **values)
        report.created[name] += 1
        return obj
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save()
        report.updated[name] += 1
    return obj


def _location(entry: dict) -> dict:
    lat, lon = entry.get("locatie", (None, None))
    return {
        "breedtegraad": None if lat is None else Decimal(str(lat)).quantize(Decimal("0.00001")),
        "lengtegraad": None if lon is None else Decimal(str(lon)).quantize(Decimal("0.00001")),
    }


def _load_besturen(report: LoadReport, data: dict) -> dict[str, Bestuur]:
    besturen = {}
    for entry in data["bestuur"]:
        besturen[entry["slug"]] = _upsert(
            report,
            Bestuur,
            {"slug": entry["slug"]},
            {
                "naam": entry["naam"],
                "korte_naam": entry["korte_naam"],
                "soort": entry["soort"],
                "provincie": entry.get("provincie", ""),
                "nis_code": entry.get("nis_code", ""),
                "beschrijving": entry.get("beschrijving", ""),
                **_location(entry),
            },
        )
    for entry in data["gemeente"]:
        besturen[entry["slug"]] = _upsert(
            report,
            Bestuur,
            {"slug": entry["slug"]},
            {
                "naam": entry["naam"],
                "korte_naam": entry["naam"],
                "soort": entry.get("soort", Bestuur.Soort.GEMEENTE),
                "provincie": entry["provincie"],
                "nis_code": entry["nis_code"],
                "beschrijving": entry.get("beschrijving", ""),
            },
        )
    for entry in data["bestuur"]:
        for lid in entry.get("leden", []):
            _upsert(
                report,
                Lidmaatschap,
                {"intercommunale": besturen[entry["slug"]], "lid": besturen[lid]},
                {
                    "geverifieerd": entry.get("leden_geverifieerd", True),
                    "toelichting": entry.get("leden_toelichting", ""),
                },
            )
    return besturen


def _load_reference_lists(report: LoadReport, data: dict) -> None:
    lists = data["referentielijsten"]
    reference_lists: list[tuple[type[Actiedomein | Beleidsinstrument | Ondersteuningsmodule], str]]
    reference_lists = [
        (Actiedomein, "actiedomeinen"),
        (Beleidsinstrument, "beleidsinstrumenten"),
        (Ondersteuningsmodule, "ondersteuningsmodules"),
    ]
    for model, key in reference_lists:
        for volgorde, (naam, naam_en) in enumerate(lists[key], start=1):
            _upsert(
                report,
                model,
                {"slug": slugify(naam)},
                {"naam": naam, "naam_en": naam_en, "volgorde": volgorde},
            )
    for volgorde, entry in enumerate(data["kpi"], start=1):
        _upsert(
            report,
            KpiDefinitie,
            {"slug": slugify(entry["naam"])},
            {
                "naam": entry["naam"],
                "naam_en": entry.get("naam_en", ""),
                "eenheid": entry["eenheid"],
                "referentiewaarde": entry.get("referentiewaarde", ""),
                "volgorde": volgorde,
            },
        )
    for entry in data["sjabloon"]:
        _upsert(
            report,
            SjabloonWorkshop,
            {"soort": entry["soort"], "volgnummer": entry["volgnummer"]},
            {"titel": entry["titel"], "thema": entry["thema"]},
        )


def _load_trajecten(report: LoadReport, data: dict, besturen: dict[str, Bestuur]) -> None:
    info = data["ronde"]
    ronde = _upsert(
        report,
        Ronde,
        {"slug": info["slug"]},
        {"naam": info["naam"], "start": info["start"], "einde": info["einde"]},
    )
    extra = {besturen[slug] for slug in info.get("extra_besturen", [])}
    if set(ronde.extra_besturen.all()) != extra:
        ronde.extra_besturen.set(extra)
        report.updated["rondes"] += 1
    for entry in data["traject"]:
        traject = _upsert(
            report,
            Traject,
            {"slug": entry["slug"]},
            {
                "ronde": ronde,
                "soort": entry["soort"],
                "titel": entry["titel"],
                "samenvatting": entry.get("samenvatting", ""),
                "open_plaats": entry.get("open_plaats", ""),
                "gepland_start": entry["start"],
                "gepland_einde": entry["einde"],
            },
        )
        for slug, rol in entry["besturen"]:
            _upsert(report, Deelname, {"traject": traject, "bestuur": besturen[slug]}, {"rol": rol})
        if planned := workshops_plan_from_template(traject=traject):
            report.created["workshops"] += len(planned)


@transaction.atomic
def load_programme(path: Path = DEFAULT_DATA_FILE) -> LoadReport:
    """Bring the database in line with the data file; running it again changes nothing."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    report = LoadReport()
    besturen = _load_besturen(report, data)
    _load_reference_lists(report, data)
    _load_trajecten(report, data, besturen)
    fragmenten.bump_all()  # one new site: every fragment afresh
    return report
