"""An animal's life as `GET /api/v1/trace/{ear_tag}` gives it, with its proof bundle
(docs/trace.md): the facts of `services.trace` and the bundle of `ledger.bundle`."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from pigdata.services.trace import Birth, Move, Place, TradeLot


# The services' MarketVisit and Slaughtered have a field named `date`, which pydantic cannot
# read the type of from a dataclass with slots: these two follow them field by field.
class MarketVisit(BaseModel):
    """The animal was moved to a market: which, on what day, by which movement, and the lots
    sold there that day by the premises it came from (linked by market, day and seller)."""

    market: Place
    date: date
    movement_seq: int
    lots: list[TradeLot]


class Slaughtered(BaseModel):
    seq: int
    slaughterhouse: Place
    date: date


class BundleEntry(BaseModel):
    index: int = Field(description="the entry's ledger index")
    entry: str = Field(description="the entry bytes, standard base64")
    proof: list[str] = Field(description="RFC 9162 inclusion proof, leaf first, base64")


class Disclosure(BaseModel):
    """A personal value of an entry, checkable against its commitment at `path`."""

    index: int
    path: str
    salt: str = Field(description="standard base64")
    value: str


class ProofBundle(BaseModel):
    """The entries behind the facts, each with its inclusion proof in the checkpoint."""

    origin: str
    log_key: str
    checkpoint: str = Field(description="the signed note with its witnesses' cosignatures")
    size: int
    entries: list[BundleEntry]
    disclosures: list[Disclosure] = Field(
        default=[], description="only for a token entitled to the entries' personal values"
    )


class AnimalTrace(BaseModel):
    """Everything the ledger says about one ear tag, and the proof of it (or why none)."""

    ear_tag: str
    birth: Birth | None
    movements: list[Move]
    markets: list[MarketVisit]
    slaughter: Slaughtered | None
    seqs: list[int] = Field(description="the ledger entries behind the facts")
    bundle: ProofBundle | None
    bundle_error: str | None
