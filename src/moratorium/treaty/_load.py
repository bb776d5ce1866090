"""Load treaty files: YAML → pydantic validation → cross-reference checks → frozen ``Treaty``.

Every error is one ``InputError`` naming ``FILE:LINE: field: message``.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from moratorium._yamlfile import LineMap, load_yaml, locate, validate
from moratorium.errors import InputError, NotFoundError
from moratorium.treaty._index import shipped_treaty_ids
from moratorium.treaty._model import (
    InspectionRight,
    ItemClass,
    LauncherClass,
    NotificationDuty,
    Obligation,
    Party,
    QuotaStep,
    RangeBand,
    Reciprocity,
    Source,
    Treaty,
    Verification,
    Zone,
)
from moratorium.treaty._schema import QuotaModel, TreatyFile
from moratorium.treaty.readings import KNOWN, Reading

__all__ = ["canonical_sha256", "load_treaty", "load_treaty_text"]


def load_treaty(id_or_path: str | Path) -> Treaty:
    """A shipped treaty by id (``ru-2020-offer``) or a treaty file by path."""
    key = str(id_or_path)
    if key in shipped_treaty_ids():
        ref = resources.files("moratorium.treaty") / "data" / f"{key}.yaml"
        return load_treaty_text(ref.read_text(encoding="utf-8"), label=f"treaty/data/{key}.yaml")
    path = Path(key)
    if path.suffix in (".yaml", ".yml") or path.exists():
        data_text = _read(path)
        return load_treaty_text(data_text, label=str(path))
    raise NotFoundError(f"unknown treaty {key!r}; shipped: {', '.join(shipped_treaty_ids())} (or give a file path)",
                        field="treaty")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", file=str(path)) from exc


def load_treaty_text(text: str, *, label: str) -> Treaty:
    """Parse and validate treaty YAML ``text``; ``label`` names it in errors."""
    data, lines = load_yaml(label, text=text)
    doc = validate(TreatyFile, data, file=label, lines=lines)
    return _Builder(doc, label, lines).build()


def canonical_sha256(doc: TreatyFile) -> str:
    """SHA-256 (hex) of the RFC 8785 canonical JSON of a validated treaty file.

    The validated model is hashed, not the file's bytes: comments, key order, quoting and YAML style do not change
    it; defaults are filled in, so leaving out a default and writing it out hash alike.
    """
    import hashlib

    import rfc8785

    return hashlib.sha256(rfc8785.dumps(doc.model_dump(mode="json", by_alias=True))).hexdigest()


class _Builder:
    def __init__(self, doc: TreatyFile, label: str, lines: LineMap) -> None:
        self.doc = doc
        self.label = label
        self.lines = lines

    def fail(self, message: str, path: Sequence[str | int]) -> InputError:
        field = ""
        for part in path:
            field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
        return InputError(message, file=self.label, line=locate(self.lines, path), field=field or None)

    def unique(self, section: str, ids: Sequence[str]) -> set[str]:
        seen: set[str] = set()
        for i, ident in enumerate(ids):
            if ident in seen:
                raise self.fail(f"duplicate id {ident!r}", (section, i, "id"))
            seen.add(ident)
        return seen

    def refs(self, values: Sequence[str] | str, known: set[str], what: str, path: tuple[str | int, ...]) -> None:
        """Every value must be a known id; a single value (not a list) is reported at ``path`` itself."""
        single = isinstance(values, str)
        for j, value in enumerate([values] if isinstance(values, str) else values):
            if value not in known:
                hint = f"; known: {', '.join(sorted(known))}" if known else ""
                raise self.fail(f"unknown {what} {value!r}{hint}", path if single else (*path, j))

    def build(self) -> Treaty:
        from moratorium.catalog import load_catalog
        from moratorium.catalog.regions import RUSSIAN_SUBJECTS

        doc = self.doc
        catalog = load_catalog()
        parties = self.unique("parties", [p.id for p in doc.parties])
        classes = self.unique("item_classes", [c.id for c in doc.item_classes])
        lclasses = self.unique("launcher_classes", [c.id for c in doc.launcher_classes])
        zones = self.unique("zones", [z.id for z in doc.zones])
        obligations = self.unique("obligations", [o.id for o in doc.obligations])
        self.unique("reciprocity", [r.id for r in doc.reciprocity])
        categories = set(doc.categories)

        for i, a in enumerate(doc.item_classes):
            for j in range(i):
                b = doc.item_classes[j]
                if set(a.types) & set(b.types) and set(a.basing) & set(b.basing) and _band(a.range_km).overlaps(
                        _band(b.range_km)):
                    raise self.fail(f"range band {_band(a.range_km).label} overlaps item class {b.id!r} "
                                    f"({_band(b.range_km).label}) for the same type and basing",
                                    ("item_classes", i, "range_km"))
        for i, lc in enumerate(doc.launcher_classes):
            self.refs(lc.fires, classes, "item class", ("launcher_classes", i, "fires"))
            self.refs(lc.launchers, set(catalog.launchers), "launcher", ("launcher_classes", i, "launchers"))
        for i, z in enumerate(doc.zones):
            self.refs(z.sites, set(catalog.sites), "site", ("zones", i, "sites"))
            self.refs(z.subjects, set(RUSSIAN_SUBJECTS), "Russian federal subject", ("zones", i, "subjects"))
        for i, o in enumerate(doc.obligations):
            path: tuple[str | int, ...] = ("obligations", i)
            self.refs(o.party, parties, "party", (*path, "party"))
            self.refs(o.zone, zones, "zone", (*path, "zone"))
            self.refs(o.item_classes, classes, "item class", (*path, "item_classes"))
            self.refs(o.launcher_classes, lclasses, "launcher class", (*path, "launcher_classes"))
            self.refs(o.systems, set(catalog.systems), "system", (*path, "systems"))
            if o.category is not None:
                self.refs(o.category, categories, "category", (*path, "category"))
            if o.reach_of is not None:
                self.refs(o.reach_of, parties, "party", (*path, "reach_of"))
            self.refs(o.conditional_on, obligations, "obligation", (*path, "conditional_on"))
            for j, other in enumerate(o.conditional_on):
                if next(x for x in doc.obligations if x.id == other).party == o.party:
                    raise self.fail(f"{o.id} cannot be conditional on {other!r}, an obligation of the same party",
                                    (*path, "conditional_on", j))
        readings = self.readings()
        for i, r in enumerate(doc.reciprocity):
            path = ("reciprocity", i)
            self.refs(r.suspends, obligations, "obligation", (*path, "suspends"))
            self.refs(r.party, parties, "party", (*path, "party"))
            self.refs(r.zone, zones, "zone", (*path, "zone"))
            self.refs(r.item_classes, classes, "item class", (*path, "item_classes"))
            self.refs(r.launcher_classes, lclasses, "launcher class", (*path, "launcher_classes"))
        rights = []
        for i, ins in enumerate(doc.verification.inspections):
            path = ("verification", "inspections", i)
            self.refs(ins.inspecting, parties, "party", (*path, "inspecting"))
            self.refs(ins.inspected, parties, "party", (*path, "inspected"))
            self.refs(ins.sites, set(catalog.sites), "site", (*path, "sites"))
            rights.append(InspectionRight(
                type=ins.type, description=ins.description, quota=self.quota(ins.quota, (*path, "quota")),
                notice_h=ins.notice_h, duration_h=ins.duration_h, extension_h=ins.extension_h,
                team_size=ins.team_size, inspecting=tuple(ins.inspecting), inspected=tuple(ins.inspected),
                sites=tuple(ins.sites), site_types=tuple(ins.site_types), assumption=ins.assumption))
        for i, n in enumerate(doc.notifications):
            self.refs(n.parties, parties, "party", ("notifications", i, "parties"))

        return Treaty(
            id=doc.id, name=doc.name, summary=doc.summary, date=doc.date, in_force_from=doc.in_force_from,
            sources=tuple(Source(id=s.id, title=s.title, url=s.url) for s in doc.sources),
            parties=tuple(Party(id=p.id, name=p.name, kind=p.kind, countries=tuple(p.countries),
                                members=tuple(p.members)) for p in doc.parties),
            item_classes=tuple(ItemClass(id=c.id, name=c.name, types=tuple(c.types), basing=tuple(c.basing),
                                         band=_band(c.range_km)) for c in doc.item_classes),
            launcher_classes=tuple(LauncherClass(id=c.id, name=c.name, fires=tuple(c.fires),
                                                 launchers=tuple(c.launchers),
                                                 status_depends_on_payload=c.status_depends_on_payload)
                                   for c in doc.launcher_classes),
            zones=tuple(Zone(id=z.id, name=z.name, countries=tuple(z.countries), subjects=tuple(z.subjects),
                             russia=z.russia, sites=tuple(z.sites), everywhere=z.everywhere,
                             exclude_countries=tuple(z.exclude_countries), description=z.description)
                        for z in doc.zones),
            obligations=tuple(Obligation(
                id=o.id, party=o.party, kind=o.kind, activity=o.activity, zone=o.zone, description=o.description,
                item_classes=tuple(o.item_classes), launcher_classes=tuple(o.launcher_classes),
                systems=tuple(o.systems), period_from=o.period.start, period_until=o.period.until,
                category=o.category, limit=o.limit, freeze_date=o.freeze_date, reach_of=o.reach_of,
                conditional_on=tuple(o.conditional_on))
                for o in doc.obligations),
            reciprocity=tuple(Reciprocity(
                id=r.id, suspends=tuple(r.suspends), party=r.party, zone=r.zone, description=r.description,
                item_classes=tuple(r.item_classes), launcher_classes=tuple(r.launcher_classes),
                manufacturer=r.manufacturer) for r in doc.reciprocity),
            verification=Verification(inspections=tuple(rights)),
            notifications=tuple(NotificationDuty(event=n.event, deadline_h=n.deadline_h,
                                                 description=n.description, parties=tuple(n.parties))
                                for n in doc.notifications),
            categories=tuple(doc.categories), european_russia=doc.european_russia,
            territorial_view=doc.territorial_view, path=self.label, readings=readings,
            sha256=canonical_sha256(doc),
        )

    def readings(self) -> tuple[Reading, ...]:
        out = []
        for key, r in self.doc.readings.items():
            path: tuple[str | int, ...] = ("readings", key)
            if key not in KNOWN:
                raise self.fail(f"unknown reading {key!r}; known: {', '.join(KNOWN)}", path)
            for j, value in enumerate(r.admits):
                if value not in KNOWN[key]:
                    raise self.fail(f"reading {key} has no value {value!r}; the engine knows: "
                                    f"{', '.join(KNOWN[key])}", (*path, "admits", j))
            if r.default not in r.admits:
                raise self.fail(f"default {r.default!r} is not among the admitted values "
                                f"({', '.join(r.admits)})", (*path, "default"))
            admits = (r.default, *(v for v in r.admits if v != r.default))
            out.append(Reading(key=key, default=r.default, admits=admits, description=r.description))
        return tuple(out)

    def quota(self, steps: Sequence[QuotaModel], path: tuple[str | int, ...]) -> tuple[QuotaStep, ...]:
        out: list[QuotaStep] = []
        for j, step in enumerate(steps):
            first_text, _, last_text = step.years.partition("-")
            first = int(first_text)
            last = None if step.years.endswith("-") else int(last_text or first_text)
            if first < 1 or (last is not None and last < first):
                raise self.fail(f"bad treaty-year range {step.years!r}", (*path, j, "years"))
            prev = out[-1] if out else None
            if prev is not None and (prev.last_year is None or first <= prev.last_year):
                raise self.fail(f"treaty years {step.years!r} overlap or precede the previous step",
                                (*path, j, "years"))
            out.append(QuotaStep(first_year=first, last_year=last, per_year=step.per_year))
        return tuple(out)


def _band(model: object) -> RangeBand:
    from moratorium.treaty._schema import RangeModel

    assert isinstance(model, RangeModel)
    return RangeBand(min_km=model.min, max_km=model.max, min_inclusive=model.min_inclusive,
                     max_inclusive=model.max_inclusive)
