"""The record types of the whole pig chain, each with a stable `kind` name.

Values are kept to strings, integers and booleans (decimals and dates travel as strings) so
that a record's canonical JSON is the same bytes in every implementation (RFC 8785).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    TypeAdapter,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pigdata.domain import codes
from pigdata.domain.issues import rule_error
from pigdata.domain.signing_keys import Algorithm, KeyFormatError, VerifierKey

# --- value types -------------------------------------------------------------------------

Day = date  # for classes whose own field is named `date`


def _decimal_text(value: Decimal) -> str:
    # One spelling per number, so that 12.50 and 12.5 give the same canonical bytes.
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


_LIST_SEPARATORS = re.compile(r"[;,，；\s|]+")


def _split_list(value: Any) -> Any:
    # A spreadsheet cell holds a list as text: "tag1;tag2" or "tag1, tag2" or "tag1 tag2".
    if isinstance(value, str):
        return [part for part in _LIST_SEPARATORS.split(value) if part]
    return value


EarTag = Annotated[str, AfterValidator(codes.parse_ear_tag)]
PremisesCode = Annotated[str, AfterValidator(codes.parse_registration_code)]
TownshipCode = Annotated[str, AfterValidator(codes.parse_township)]
DivisionCode = Annotated[str, AfterValidator(codes.parse_division)]
CertificateNumber = Annotated[str, AfterValidator(codes.parse_certificate_number)]
VehiclePlate = Annotated[str, AfterValidator(codes.parse_vehicle_plate)]
Text = Annotated[str, Field(min_length=1, max_length=200)]
Count = Annotated[int, Field(ge=0, le=100_000_000)]
HeadCount = Annotated[int, Field(ge=1, le=100_000)]
Amount = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=4, allow_inf_nan=False),
    PlainSerializer(_decimal_text, return_type=str),
]
Latitude = Annotated[
    Decimal,
    Field(ge=3, le=54, max_digits=10, decimal_places=7),
    PlainSerializer(_decimal_text, return_type=str),
]
Longitude = Annotated[
    Decimal,
    Field(ge=73, le=136, max_digits=10, decimal_places=7),
    PlainSerializer(_decimal_text, return_type=str),
]


def _verifier_key(text: str) -> str:
    try:
        key = VerifierKey.parse(text)
    except KeyFormatError as error:
        raise rule_error(
            "signing_key.format",
            "签名公钥格式不正确（应为 名称+密钥ID+base64）",
            "signing key is not a C2SP verifier key (name+keyid+base64)",
        ) from error
    if key.algorithm is not Algorithm.ED25519:
        raise rule_error("signing_key.algorithm", "签名公钥应为 Ed25519", "the key must be Ed25519")
    return key.to_text()


SigningKey = Annotated[str, AfterValidator(_verifier_key)]

# Every date a record or a query carries lies in this range (rule `date.range`). The pig
# herdbooks and the statistics the platform takes start in the 20th century, so an earlier
# date is a typing error (0024 for 2024); and a bound on both sides keeps the services'
# date arithmetic (windows of days or months back from a day) inside the calendar.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)

# The largest ledger index a record may name: 2⁵³ − 1, which the store (BIGINT) and every
# JSON reader (JavaScript's Number.MAX_SAFE_INTEGER) hold exactly (pigdata.api.bounds).
LEDGER_INDEX_MAX = 2**53 - 1


def _date_range_error(value: object) -> PydanticCustomError:
    return rule_error(
        "date.range",
        f"日期 {value} 不在 {EARLIEST_DAY} 至 {LATEST_DAY} 之间",
        f"date {value} is not between {EARLIEST_DAY} and {LATEST_DAY}",
    )


def _day_in_range(value: date) -> date:
    if not EARLIEST_DAY <= value <= LATEST_DAY:
        raise _date_range_error(value)
    return value


def _month_in_range(value: str) -> str:
    if not EARLIEST_DAY.year <= int(value[:4]) <= LATEST_DAY.year:
        raise _date_range_error(value)
    return value


def _year_in_range(value: int) -> int:
    if not EARLIEST_DAY.year <= value <= LATEST_DAY.year:
        raise _date_range_error(value)
    return value


BoundedDay = Annotated[date, AfterValidator(_day_in_range)]
# The schema's pattern names the years in range too (1900 to 2999), so that a client reading
# it knows what is taken; the check after it gives the rule `date.range`.
Month = Annotated[
    str,
    Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        json_schema_extra={"pattern": r"^(19\d\d|2\d\d\d)-(0[1-9]|1[0-2])$"},
    ),
    AfterValidator(_month_in_range),
]
Year = Annotated[
    int,
    AfterValidator(_year_in_range),
    Field(json_schema_extra={"minimum": EARLIEST_DAY.year, "maximum": LATEST_DAY.year}),
]
EarTags = Annotated[list[EarTag], BeforeValidator(_split_list), Field(max_length=10_000)]


# The counts of a monthly herd report: inventory by category, then the month's flows.
HERD_COUNTS: tuple[str, ...] = (
    "breeding_sows",
    "replacement_gilts",
    "boars",
    "piglets",
    "finishers",
    "matings",
    "farrowings",
    "born_alive",
    "weaned",
    "deaths",
    "sold_for_slaughter",
    "moved_in",
    "moved_out",
)


class PremisesType(StrEnum):
    farm = "farm"
    market = "market"
    slaughterhouse = "slaughterhouse"
    checkpoint = "checkpoint"
    quarantine_station = "quarantine_station"
    gene_bank = "gene_bank"


class Sex(StrEnum):
    male = "male"
    female = "female"
    castrated = "castrated"


class Purpose(StrEnum):
    slaughter = "slaughter"
    breeding = "breeding"
    piglet_rearing = "piglet_rearing"
    fattening = "fattening"
    other = "other"


class CertificateType(StrEnum):
    A = "A"
    B = "B"


class PriceItem(StrEnum):
    live_hog = "live_hog"
    piglet = "piglet"
    pork_carcass = "pork_carcass"
    lean_pork_retail = "lean_pork_retail"
    corn = "corn"
    soybean_meal = "soybean_meal"


class PriceUnit(StrEnum):
    yuan_per_kg = "yuan/kg"
    yuan_per_tonne = "yuan/tonne"
    yuan_per_head = "yuan/head"


class Disease(StrEnum):
    african_swine_fever = "african_swine_fever"
    classical_swine_fever = "classical_swine_fever"
    foot_and_mouth = "foot_and_mouth"
    prrs = "prrs"
    porcine_epidemic_diarrhoea = "porcine_epidemic_diarrhoea"
    other = "other"


class OutbreakStatus(StrEnum):
    suspected = "suspected"
    confirmed = "confirmed"
    resolved = "resolved"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        """Give (field, premises code) for every premises this record names, the owner first."""
        return ()

    def premises_refs(self) -> tuple[str, ...]:
        """Give every premises code this record names, the owner first."""
        return tuple(code for _, code in self.premises_fields())

    def dates(self) -> tuple[tuple[str, Day], ...]:
        """Give (field, date) pairs that must not lie in the future."""
        return ()


# --- the records ---------------------------------------------------------------------------


class Premises(_Record):
    """A registered place: farm, market, slaughterhouse, checkpoint, station or gene bank."""

    kind: Literal["premises"] = "premises"
    code: PremisesCode
    premises_type: PremisesType
    name: Text
    township: TownshipCode
    latitude: Latitude
    longitude: Longitude
    capacity_sows: Count = 0
    capacity_finishing: Count = 0
    owner: Text
    opened: BoundedDay | None = None
    closed: BoundedDay | None = None
    signing_key: SigningKey | None = Field(
        default=None,
        description="the premises' Ed25519 verifier key (C2SP note format), for records it signs",
    )

    @model_validator(mode="after")
    def _township_in_county(self) -> Premises:
        if not self.township.startswith(self.code[:6]):
            raise rule_error(
                "premises.township_county",
                f"乡镇代码 {self.township} 不在备案编码的县 {self.code[:6]} 内",
                f"township {self.township} is not in the county {self.code[:6]} of the code",
                field="township",
            )
        if self.opened and self.closed and self.closed < self.opened:
            raise rule_error(
                "premises.closed_before_opened",
                "关闭日期早于开办日期",
                "closed date is before the opened date",
                field="closed",
            )
        return self

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        return (("code", self.code),)

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return tuple((n, d) for n, d in (("opened", self.opened), ("closed", self.closed)) if d)


class Animal(_Record):
    """One tagged animal: its ear tag, breed, sex, birth and parents."""

    kind: Literal["animal"] = "animal"
    ear_tag: EarTag
    species: codes.Species = codes.Species.pig
    breed: Text
    sex: Sex
    birth_date: BoundedDay
    birth_premises: PremisesCode
    sire: EarTag | None = None
    dam: EarTag | None = None

    @model_validator(mode="after")
    def _species_matches_tag(self) -> Animal:
        if codes.ear_tag_species(self.ear_tag) != self.species:
            raise rule_error(
                "ear_tag.species",
                f"耳标号的畜种码与畜种 {self.species} 不符",
                f"the ear tag's species digit does not match species {self.species}",
                field="species",
            )
        if self.ear_tag in (self.sire, self.dam):
            raise rule_error(
                "animal.own_parent",
                "动物不能是自己的亲本",
                "an animal cannot be its own parent",
                field="sire",
            )
        return self

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        return (("birth_premises", self.birth_premises),)

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return (("birth_date", self.birth_date),)


class HerdReport(_Record):
    """A farm's monthly report: inventory by category and the month's flows."""

    kind: Literal["herd_report"] = "herd_report"
    premises: PremisesCode
    month: Month
    breeding_sows: Count
    replacement_gilts: Count = 0
    boars: Count = 0
    piglets: Count = 0
    finishers: Count = 0
    matings: Count = 0
    farrowings: Count = 0
    born_alive: Count = 0
    weaned: Count = 0
    deaths: Count = 0
    sold_for_slaughter: Count = 0
    moved_in: Count = 0
    moved_out: Count = 0
    feed_used_kg: Amount | None = None

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        return (("premises", self.premises),)

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return (("month", date.fromisoformat(self.month + "-01")),)


class Movement(_Record):
    """Pigs moved under an animal quarantine certificate (动物检疫合格证明)."""

    kind: Literal["movement"] = "movement"
    certificate_no: CertificateNumber
    certificate_type: CertificateType
    issue_date: BoundedDay
    origin: PremisesCode
    destination: PremisesCode
    head_count: HeadCount
    ear_tags: EarTags = Field(default_factory=list)
    purpose: Purpose
    vehicle_plate: VehiclePlate
    carrier: Text
    override_reason: Text | None = Field(
        default=None,
        description="why an official lets this movement through movement control "
        "(honoured for a government token of the origin's region only)",
    )

    @model_validator(mode="after")
    def _route(self) -> Movement:
        if self.origin == self.destination:
            raise rule_error(
                "movement.same_premises",
                "起运地与目的地相同",
                "origin and destination are the same premises",
                field="destination",
            )
        if len(self.ear_tags) > self.head_count:
            raise rule_error(
                "movement.ear_tag_count",
                f"耳标数 {len(self.ear_tags)} 多于头数 {self.head_count}",
                f"{len(self.ear_tags)} ear tags listed for {self.head_count} head",
                field="ear_tags",
            )
        if len(set(self.ear_tags)) != len(self.ear_tags):
            raise rule_error(
                "movement.ear_tag_repeated",
                "耳标号重复",
                "an ear tag is listed twice",
                field="ear_tags",
            )
        inter_provincial = self.origin[:2] != self.destination[:2]
        expected = CertificateType.A if inter_provincial else CertificateType.B
        if self.certificate_type != expected:
            raise rule_error(
                "certificate.type_route",
                f"{'跨省' if inter_provincial else '省内'}调运应使用动物{expected.value}证",
                f"{'inter' if inter_provincial else 'intra'}-provincial moves use type {expected}",
                field="certificate_type",
            )
        return self

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        return (("origin", self.origin), ("destination", self.destination))

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return (("issue_date", self.issue_date),)


class Trade(_Record):
    """A lot of live pigs traded at a market."""

    kind: Literal["trade"] = "trade"
    market: PremisesCode
    date: BoundedDay
    head_count: HeadCount
    avg_weight_kg: Amount
    avg_price: Amount = Field(description="yuan per kg live weight")
    seller: PremisesCode | None = None
    buyer: PremisesCode | None = None

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        named = (("market", self.market), ("seller", self.seller), ("buyer", self.buyer))
        return tuple((n, p) for n, p in named if p)

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return (("date", self.date),)


class Slaughter(_Record):
    """Pigs slaughtered at a slaughterhouse on a day, with their recovered ear tags."""

    kind: Literal["slaughter"] = "slaughter"
    slaughterhouse: PremisesCode
    date: BoundedDay
    head_count: HeadCount
    ear_tags: EarTags = Field(default_factory=list)
    carcass_weight_kg: Amount

    @model_validator(mode="after")
    def _tags(self) -> Slaughter:
        if len(self.ear_tags) > self.head_count:
            raise rule_error(
                "slaughter.ear_tag_count",
                f"耳标数 {len(self.ear_tags)} 多于头数 {self.head_count}",
                f"{len(self.ear_tags)} ear tags listed for {self.head_count} head",
                field="ear_tags",
            )
        if len(set(self.ear_tags)) != len(self.ear_tags):
            raise rule_error(
                "slaughter.ear_tag_repeated",
                "耳标号重复",
                "an ear tag is listed twice",
                field="ear_tags",
            )
        return self

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        return (("slaughterhouse", self.slaughterhouse),)

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return (("date", self.date),)


class PriceQuote(_Record):
    """A price seen at a place (a division or a premises) on a day."""

    kind: Literal["price_quote"] = "price_quote"
    location: Annotated[str, Field(pattern=r"^\d{6}(\d{3}|\d{4})?$")]
    date: BoundedDay
    item: PriceItem
    price: Amount
    unit: PriceUnit

    @model_validator(mode="after")
    def _location_exists(self) -> PriceQuote:
        if len(self.location) == 10:
            codes.parse_registration_code(self.location)
        else:
            codes.parse_division(self.location)
        return self

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        return (("location", self.location),) if len(self.location) == 10 else ()

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return (("date", self.date),)


class OutbreakReport(_Record):
    """A report on a disease outbreak at a premises; later reports update its status."""

    kind: Literal["outbreak_report"] = "outbreak_report"
    outbreak_id: Annotated[str, Field(pattern=r"^[0-9A-Za-z\-_]{3,40}$")]
    premises: PremisesCode
    disease: Disease
    status: OutbreakStatus
    report_date: BoundedDay
    onset_date: BoundedDay | None = None
    confirmed_date: BoundedDay | None = None
    last_culling_date: BoundedDay | None = None
    resolved_date: BoundedDay | None = None
    culled: Count = 0

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        return (("premises", self.premises),)

    def dates(self) -> tuple[tuple[str, Day], ...]:
        named = (
            ("report_date", self.report_date),
            ("onset_date", self.onset_date),
            ("confirmed_date", self.confirmed_date),
            ("last_culling_date", self.last_culling_date),
            ("resolved_date", self.resolved_date),
        )
        return tuple((n, d) for n, d in named if d)


# --- herdbook pedigrees and performance records ---------------------------------------------

# Parents a herdbook does not know are written 0, ".", "NA" or left empty.
_UNKNOWN_PARENT = frozenset({"", "0", ".", "-", "na", "nan", "none", "null"})


def _registry_text(value: Any) -> Any:
    # Herdbook numbers arrive as integers from JSON and spreadsheets; they are text here.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _parent_or_none(value: Any) -> Any:
    value = _registry_text(value)
    if value is None or (isinstance(value, str) and value.strip().lower() in _UNKNOWN_PARENT):
        return None
    return value


RegistryId = Annotated[
    str, BeforeValidator(_registry_text), Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z_\-./]{0,39}$")
]
ParentId = Annotated[RegistryId | None, BeforeValidator(_parent_or_none)]
HerdbookCode = Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z_\-]{0,39}$")]
TraitName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_]{0,39}$")]
Measurement = Annotated[
    Decimal,
    Field(max_digits=20, decimal_places=10, allow_inf_nan=False),
    PlainSerializer(_decimal_text, return_type=str),
]


class PedigreeAnimal(_Record):
    """An animal of a herdbook (良种登记) with its sire and dam, by the herdbook's own IDs."""

    kind: Literal["pedigree"] = "pedigree"
    herdbook: HerdbookCode | None = Field(
        default=None, description="the herdbook the IDs belong to (none: the node's own)"
    )
    registry_id: RegistryId
    sire: ParentId = None
    dam: ParentId = None
    sex: Sex | None = None
    birth_date: BoundedDay | None = None
    birth_year: Annotated[int, Field(ge=1900, le=2200)] | None = None
    breed: Text | None = None
    herd: PremisesCode | None = None

    @model_validator(mode="after")
    def _parents(self) -> PedigreeAnimal:
        if self.registry_id in (self.sire, self.dam):
            raise rule_error(
                "pedigree.own_parent",
                "个体不能是自己的亲本",
                "an animal cannot be its own parent",
                field="sire" if self.registry_id == self.sire else "dam",
            )
        if self.sire is not None and self.sire == self.dam:
            raise rule_error(
                "pedigree.sire_as_dam",
                "父本与母本是同一个体",
                "the sire and the dam are the same animal",
                field="dam",
            )
        if self.birth_date and self.birth_year and self.birth_date.year != self.birth_year:
            raise rule_error(
                "pedigree.birth_year",
                "出生年份与出生日期不符",
                "the birth year does not match the birth date",
                field="birth_year",
            )
        return self

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        return (("herd", self.herd),) if self.herd else ()

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return (("birth_date", self.birth_date),) if self.birth_date else ()


class Phenotype(_Record):
    """One performance record (性能测定): an animal's value of a trait in its contemporary group."""

    kind: Literal["phenotype"] = "phenotype"
    herdbook: HerdbookCode | None = None
    registry_id: RegistryId
    trait: TraitName
    value: Measurement
    group: Annotated[str, Field(min_length=1, max_length=60)] | None = Field(
        default=None, description="contemporary group, e.g. herd-year-season"
    )
    date: BoundedDay | None = None

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return (("date", self.date),) if self.date else ()


# --- import breeding-pig quarantine station (进境种猪隔离检疫场) ------------------------------


class QuarantineDisease(StrEnum):
    african_swine_fever = "african_swine_fever"
    classical_swine_fever = "classical_swine_fever"
    prrs = "prrs"
    porcine_epidemic_diarrhoea = "porcine_epidemic_diarrhoea"
    pseudorabies = "pseudorabies"
    transmissible_gastroenteritis = "transmissible_gastroenteritis"
    brucellosis = "brucellosis"
    foot_and_mouth = "foot_and_mouth"
    other = "other"


class SampleResult(StrEnum):
    positive = "positive"
    negative = "negative"


class QuarantineOutcome(StrEnum):
    release = "release"
    destroy = "destroy"  # rejected: the batch is destroyed (or returned) under supervision


BatchId = Annotated[str, Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z\-_]{2,39}$")]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")]
ForeignIds = Annotated[
    list[RegistryId], BeforeValidator(_split_list), Field(min_length=1, max_length=10_000)
]


def _repeated(values: list[str]) -> str | None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None


class ImportBatch(_Record):
    """Breeding pigs imported from abroad, arrived at a quarantine station for isolation."""

    kind: Literal["import_batch"] = "import_batch"
    batch_id: BatchId
    station: PremisesCode
    origin_country: CountryCode
    origin_farm: Text
    breed: Text
    herdbook: HerdbookCode = Field(description="the herdbook the foreign IDs belong to")
    head_count: HeadCount
    foreign_ids: ForeignIds = Field(description="one ID per animal, as the exporting herdbook")
    import_permit: Annotated[str, Field(pattern=r"^[0-9A-Za-z\-]{6,40}$")]
    arrival_date: BoundedDay
    pens: Annotated[list[Text], BeforeValidator(_split_list), Field(min_length=1, max_length=200)]

    @model_validator(mode="after")
    def _ids(self) -> ImportBatch:
        if len(self.foreign_ids) != self.head_count:
            raise rule_error(
                "import_batch.foreign_id_count",
                f"境外个体号 {len(self.foreign_ids)} 个，与头数 {self.head_count} 不符",
                f"{len(self.foreign_ids)} foreign IDs listed for {self.head_count} head",
                field="foreign_ids",
            )
        if (twice := _repeated(self.foreign_ids)) is not None:
            raise rule_error(
                "import_batch.foreign_id_repeated",
                f"境外个体号 {twice} 重复",
                f"foreign ID {twice} is listed twice",
                field="foreign_ids",
            )
        return self

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        return (("station", self.station),)

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return (("arrival_date", self.arrival_date),)


class QuarantineTest(_Record):
    """A sample of an import batch taken on a day of isolation, and its test result."""

    kind: Literal["quarantine_test"] = "quarantine_test"
    batch_id: BatchId
    station: PremisesCode
    sample_date: BoundedDay
    disease: QuarantineDisease
    method: Text
    result: SampleResult
    samples: HeadCount = 1

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        return (("station", self.station),)

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return (("sample_date", self.sample_date),)


class Release(BaseModel):
    """The animals of a batch released to one destination farm, under one certificate."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    destination: PremisesCode
    head_count: HeadCount
    foreign_ids: ForeignIds
    certificate_no: CertificateNumber


class QuarantineDecision(_Record):
    """The end of a batch's isolation: release to named farms, or rejection and destruction."""

    kind: Literal["quarantine_decision"] = "quarantine_decision"
    batch_id: BatchId
    station: PremisesCode
    date: BoundedDay
    outcome: QuarantineOutcome
    releases: list[Release] = Field(default_factory=list, max_length=1000)
    herdbook: HerdbookCode | None = Field(
        default=None, description="release: the herdbook the animals are registered in"
    )
    breed: Text | None = Field(default=None, description="release: the breed they are under")
    reason: Text | None = None

    @model_validator(mode="after")
    def _outcome(self) -> QuarantineDecision:
        if self.outcome is QuarantineOutcome.destroy:
            if self.releases or self.reason is None:
                raise rule_error(
                    "quarantine_decision.destroy",
                    "销毁决定须写明原因，且不能有放行",
                    "a destruction names its reason and releases nothing",
                    field="reason" if self.reason is None else "releases",
                )
            return self
        if not self.releases or self.herdbook is None or self.breed is None:
            raise rule_error(
                "quarantine_decision.release",
                "放行决定须列出目的场、登记簿和品种",
                "a release lists its destination farms, the herdbook and the breed",
                field="releases" if not self.releases else "herdbook",
            )
        for release in self.releases:
            if len(release.foreign_ids) != release.head_count:
                raise rule_error(
                    "import_batch.foreign_id_count",
                    f"放行至 {release.destination} 的个体号数与头数 {release.head_count} 不符",
                    f"the release to {release.destination} lists {len(release.foreign_ids)} "
                    f"IDs for {release.head_count} head",
                    field="releases",
                )
        ids = [i for release in self.releases for i in release.foreign_ids]
        certificates = [release.certificate_no for release in self.releases]
        if (twice := _repeated(ids) or _repeated(certificates)) is not None:
            raise rule_error(
                "quarantine_decision.repeated",
                f"{twice} 在放行中出现两次",
                f"{twice} appears twice in the releases",
                field="releases",
            )
        return self

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        destinations = tuple(
            (f"releases.{n}.destination", r.destination) for n, r in enumerate(self.releases)
        )
        return (("station", self.station), *destinations)

    def dates(self) -> tuple[tuple[str, Day], ...]:
        return (("date", self.date),)


# The record kinds other than corrections: the one list, from which the unions, the
# discriminated union of the API and RECORD_TYPES are derived (pigdata.projections.kinds
# says what else each kind has).
PlainRecord = (
    Premises
    | Animal
    | HerdReport
    | Movement
    | Trade
    | Slaughter
    | PriceQuote
    | OutbreakReport
    | PedigreeAnimal
    | Phenotype
    | ImportBatch
    | QuarantineTest
    | QuarantineDecision
)


class Correction(_Record):
    """Supersedes an earlier ledger entry, optionally with a replacement record."""

    kind: Literal["correction"] = "correction"
    supersedes: Annotated[int, Field(ge=0, le=LEDGER_INDEX_MAX)]
    reason: Text
    replacement: PlainRecord | None = Field(default=None, discriminator="kind")

    def premises_fields(self) -> tuple[tuple[str, str], ...]:
        if self.replacement is None:
            return ()
        return tuple((f"replacement.{n}", p) for n, p in self.replacement.premises_fields())

    def dates(self) -> tuple[tuple[str, Day], ...]:
        if self.replacement is None:
            return ()
        return tuple((f"replacement.{n}", d) for n, d in self.replacement.dates())


AnyRecord = PlainRecord | Correction
Record = Annotated[AnyRecord, Field(discriminator="kind")]

RECORD_TYPES: dict[str, type[_Record]] = {
    model.model_fields["kind"].default: model for model in get_args(AnyRecord)
}
KINDS: tuple[str, ...] = tuple(RECORD_TYPES)
record_adapter: TypeAdapter[Record] = TypeAdapter(Record)
