"""The treaty file format (YAML), validated with pydantic. Cross-references are checked in ``_load.py``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from moratorium import dates
from moratorium._yamlfile import date_text

__all__ = ["TreatyFile"]

_ID = r"^[a-z0-9][a-z0-9-]*$"
_PARTY = r"^[A-Z][A-Z0-9-]*$"
_ISO3 = r"^[A-Z]{3}$"
_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


# Bounds on numbers (issue 14): nothing in an arms-control treaty is NaN, infinite, negative or absurd.
_MAX_RANGE_KM = 40_075.0  # the equator: no range band is longer
_MAX_HOURS = 24 * 366 * 10  # notice, duration and deadline: at most ten years
_MAX_COUNT = 10**7  # ceilings, quotas, team sizes
_MAX_TREATY_YEAR = 1000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class SourceModel(_Strict):
    id: str
    title: str
    url: str | None = None
    accessed: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")
    confidence: Literal["low", "medium", "high"] | None = None

    _accessed = field_validator("accessed", mode="before")(date_text)


class AccessionModel(_Strict):
    """A bloc member's accession: ``country`` (ISO 3166-1 alpha-3) joined on ``date`` (data for a dated
    membership; ``members`` lists the membership at the treaty's date)."""

    country: str = Field(pattern=r"^[A-Z]{3}$")
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")

    _d = field_validator("date", mode="before")(date_text)


class PartyModel(_Strict):
    id: str = Field(pattern=_PARTY)
    name: str
    kind: Literal["state", "bloc"] = "state"
    countries: list[str] = []
    members: list[str] = []
    accessions: list[AccessionModel] = []

    @field_validator("countries", "members")
    @classmethod
    def _iso3(cls, value: list[str]) -> list[str]:
        for code in value:
            if not isinstance(code, str) or len(code) != 3 or not code.isupper():
                raise ValueError(f"not an ISO 3166-1 alpha-3 code: {code!r}")
        return value

    @model_validator(mode="after")
    def _territory(self) -> PartyModel:
        if self.kind == "bloc" and not self.members:
            raise ValueError("a bloc needs its members")
        if self.kind == "state" and not self.countries:
            raise ValueError("a state party needs its country code(s)")
        return self


class RangeModel(_Strict):
    min: float = Field(ge=0, le=_MAX_RANGE_KM)
    max: float = Field(gt=0, le=_MAX_RANGE_KM)
    min_inclusive: bool = True
    max_inclusive: bool = True

    @model_validator(mode="after")
    def _order(self) -> RangeModel:
        if self.max < self.min or (self.max == self.min and not (self.min_inclusive and self.max_inclusive)):
            raise ValueError(f"inverted or empty range band: min {self.min:g} km, max {self.max:g} km")
        return self


class ItemClassModel(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    types: list[Literal["ballistic", "cruise", "glide"]] = Field(min_length=1)
    basing: list[Literal["ground", "sea", "air"]] = Field(min_length=1)
    range_km: RangeModel


class LauncherClassModel(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    fires: list[str] = Field(min_length=1)
    launchers: list[str] = []
    status_depends_on_payload: bool = False


class ZoneModel(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    description: str | None = None
    countries: list[str] = []
    subjects: list[str] = []
    russia: Literal["european", "asian", "far-east", "all"] | None = None
    sites: list[str] = []
    everywhere: bool = False
    exclude_countries: list[str] = []

    @model_validator(mode="after")
    def _not_empty(self) -> ZoneModel:
        if not (self.countries or self.subjects or self.russia or self.sites or self.everywhere):
            raise ValueError("a zone needs countries, subjects, russia, sites or everywhere: true")
        return self


class PeriodModel(_Strict):
    start: str | None = Field(default=None, alias="from", pattern=_DATE)
    until: str | None = Field(default=None, pattern=_DATE)

    _d = field_validator("start", "until", mode="before")(date_text)

    @model_validator(mode="after")
    def _order(self) -> PeriodModel:
        if self.start and self.until and dates.earlier(dates.period(self.until), dates.period(self.start)):
            raise ValueError(f"period ends ({self.until}) before it starts ({self.start})")
        return self


class ObligationModel(_Strict):
    id: str = Field(pattern=_ID)
    party: str
    kind: Literal["ban", "ceiling", "freeze", "reach-ban"]
    activity: Literal["deploy", "possess", "produce", "flight-test"] = "deploy"
    zone: str
    description: str
    item_classes: list[str] = []
    launcher_classes: list[str] = []
    systems: list[str] = []
    period: PeriodModel = PeriodModel()
    category: str | None = None
    limit: int | None = Field(default=None, ge=0, le=_MAX_COUNT)
    freeze_date: str | None = Field(default=None, pattern=_DATE)
    reach_of: str | None = None
    conditional_on: list[str] = []

    _d = field_validator("freeze_date", mode="before")(date_text)

    @model_validator(mode="after")
    def _kind_fields(self) -> ObligationModel:
        if self.kind in ("ban", "reach-ban") and not (self.item_classes or self.systems or self.launcher_classes):
            raise ValueError(f"a {self.kind} needs item_classes, launcher_classes or systems")
        if self.kind == "ceiling" and (self.limit is None or self.category is None):
            raise ValueError("a ceiling needs a category and a limit")
        if self.kind == "freeze" and (self.freeze_date is None or self.category is None):
            raise ValueError("a freeze needs a category and a freeze_date")
        if self.kind == "reach-ban" and self.reach_of is None:
            raise ValueError("a reach-ban needs reach_of: the party whose territory must be out of reach")
        return self


class ReciprocityModel(_Strict):
    id: str = Field(pattern=_ID)
    suspends: list[str] = Field(min_length=1)
    party: str
    zone: str
    description: str
    item_classes: list[str] = []
    launcher_classes: list[str] = []
    manufacturer: str | None = Field(default=None, pattern=_ISO3)

    @model_validator(mode="after")
    def _classes(self) -> ReciprocityModel:
        if not (self.item_classes or self.launcher_classes):
            raise ValueError("a reciprocity condition needs item_classes or launcher_classes")
        return self


class QuotaModel(_Strict):
    years: str = Field(pattern=r"^\d{1,4}(-\d{0,4})?$", description="treaty years, e.g. '1-3', '9-13' or '4-'")
    per_year: int = Field(ge=0, le=_MAX_COUNT)

    @field_validator("years", mode="before")
    @classmethod
    def _years_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value


class InspectionModel(_Strict):
    type: str = Field(pattern=_ID)
    description: str
    quota: list[QuotaModel] = []
    notice_h: float | None = Field(default=None, gt=0, le=_MAX_HOURS)
    duration_h: float | None = Field(default=None, gt=0, le=_MAX_HOURS)
    extension_h: float | None = Field(default=None, ge=0, le=_MAX_HOURS)
    team_size: int | None = Field(default=None, gt=0, le=_MAX_COUNT)
    inspecting: list[str] = []
    inspected: list[str] = []
    sites: list[str] = []
    site_types: list[str] = []
    assumption: str | None = None


class VerificationModel(_Strict):
    inspections: list[InspectionModel] = []


class NotificationModel(_Strict):
    event: str = Field(pattern=_ID)
    deadline_h: float = Field(ge=-_MAX_HOURS, le=_MAX_HOURS, description="hours after the event (negative: before)")
    description: str
    parties: list[str] = []


class ReadingModel(_Strict):
    default: str
    admits: list[str] = Field(min_length=1)
    description: str | None = None

    @field_validator("default", "admits", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        # YAML reads `false` and `true` as booleans; readings are named values
        if isinstance(value, bool):
            return str(value).lower()
        if isinstance(value, list):
            return [str(v).lower() if isinstance(v, bool) else v for v in value]
        return value


class TreatyFile(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    summary: str
    date: str = Field(pattern=_DATE)
    in_force_from: str | None = Field(default=None, pattern=_DATE)
    sources: list[SourceModel] = Field(min_length=1)
    european_russia: Literal["federal-districts", "urals-line", "attu", "continental"] = "federal-districts"
    territorial_view: Literal["de-jure", "de-facto"] = "de-jure"
    parties: list[PartyModel] = Field(min_length=1)
    categories: list[str] = []
    item_classes: list[ItemClassModel] = []
    launcher_classes: list[LauncherClassModel] = []
    zones: list[ZoneModel] = []
    obligations: list[ObligationModel] = []
    reciprocity: list[ReciprocityModel] = []
    verification: VerificationModel = VerificationModel()
    notifications: list[NotificationModel] = []
    readings: dict[str, ReadingModel] = {}

    _d = field_validator("date", "in_force_from", mode="before")(date_text)
