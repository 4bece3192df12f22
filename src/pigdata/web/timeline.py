"""An animal's trace as a timeline of events with bilingual labels, ready for the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pigdata.services.trace import MarketVisit, Move, Place, Trace

# Code values the records use, in Chinese and English, for people rather than programs.
PREMISES_TYPES = {
    "farm": ("养殖场", "farm"),
    "market": ("活畜交易市场", "livestock market"),
    "slaughterhouse": ("屠宰场", "slaughterhouse"),
    "checkpoint": ("指定通道检查站", "checkpoint"),
    "quarantine_station": ("隔离场", "quarantine station"),
    "gene_bank": ("种质资源库", "gene bank"),
}
SEXES = {"male": ("公", "male"), "female": ("母", "female"), "castrated": ("去势", "castrated")}
PURPOSES = {
    "slaughter": ("屠宰", "slaughter"),
    "breeding": ("种用", "breeding"),
    "piglet_rearing": ("仔猪培育", "piglet rearing"),
    "fattening": ("育肥", "fattening"),
    "other": ("其他", "other"),
}
SPECIES = {"pig": ("猪", "pig"), "cattle": ("牛", "cattle"), "sheep": ("羊", "sheep")}


@dataclass(frozen=True, slots=True)
class Label:
    """A text in Chinese with its English alongside."""

    zh: str
    en: str


@dataclass(frozen=True, slots=True)
class Detail:
    """One labelled value of an event; `value` is shown as it is (names, codes, numbers)."""

    label: Label
    value: str
    value_en: str | None = None  # an English rendering where the value itself is Chinese


@dataclass(frozen=True, slots=True)
class Event:
    """One step of the animal's life and the ledger entries that record it."""

    day: date
    title: Label
    details: tuple[Detail, ...]
    seqs: tuple[int, ...]
    note: Label | None = None


def _coded(table: dict[str, tuple[str, str]], value: str) -> tuple[str, str]:
    return table.get(value, (value, value))


def _place(place: Place) -> tuple[str, str | None]:
    """Give a premises as 'name（type）, township' in Chinese, and its type in English."""
    if place.name is None:
        return (f"未登记场所 {place.code}", f"unregistered premises {place.code}")
    zh, en = _coded(PREMISES_TYPES, place.premises_type or "")
    where = f"，{place.township_name}" if place.township_name else ""
    return (f"{place.name}（{zh}）{where}", en)


def _at(label: Label, place: Place) -> Detail:
    zh, en = _place(place)
    return Detail(label, zh, en)


def _birth(trace: Trace) -> list[Event]:
    b = trace.birth
    if b is None:
        return []
    sex, species = _coded(SEXES, b.sex), _coded(SPECIES, b.species)
    details = [
        _at(Label("出生场所", "Born at"), b.premises),
        Detail(Label("畜种", "Species"), species[0], species[1]),
        Detail(Label("品种", "Breed"), b.breed),
        Detail(Label("性别", "Sex"), sex[0], sex[1]),
    ]
    if b.sire:
        details.append(Detail(Label("父本耳标", "Sire"), b.sire))
    if b.dam:
        details.append(Detail(Label("母本耳标", "Dam"), b.dam))
    return [Event(b.birth_date, Label("出生登记", "Born and registered"), tuple(details), (b.seq,))]


def _move(move: Move) -> Event:
    purpose = _coded(PURPOSES, move.purpose)
    details = (
        _at(Label("起运地", "From"), move.origin),
        _at(Label("到达地", "To"), move.destination),
        Detail(
            Label("检疫证明", "Quarantine certificate"),
            f"动物{move.certificate_type}证 {move.certificate_no}",
            f"type {move.certificate_type} no. {move.certificate_no}",
        ),
        Detail(Label("用途", "Purpose"), purpose[0], purpose[1]),
        Detail(Label("同批头数", "Head in the consignment"), str(move.head_count)),
    )
    return Event(move.issue_date, Label("调运", "Moved"), details, (move.seq,))


def _market(visit: MarketVisit) -> Event:
    details = [_at(Label("市场", "Market"), visit.market)]
    for lot in visit.lots:
        buyer = f"，买方 {_place(lot.buyer)[0]}" if lot.buyer else ""
        details.append(
            Detail(
                Label(f"当日成交批次 #{lot.seq}", f"Lot sold that day, entry #{lot.seq}"),
                f"{lot.head_count} 头，均重 {lot.avg_weight_kg:g} 千克，"
                f"均价 {lot.avg_price:g} 元/千克{buyer}",
                f"{lot.head_count} head, {lot.avg_weight_kg:g} kg, {lot.avg_price:g} yuan/kg",
            )
        )
    note = None
    if visit.lots:
        note = Label(
            "成交批次按市场、日期和卖方关联，并非按耳标",
            "lots are linked by market, day and seller, not by ear tag",
        )
    # The visit itself is the movement's fact; the lots are facts of their own entries.
    seqs = (visit.movement_seq, *(lot.seq for lot in visit.lots))
    return Event(visit.date, Label("进入市场", "At market"), tuple(details), seqs, note)


def events(trace: Trace) -> list[Event]:
    """Give the life as events by day: birth, moves, each market visit right after the move
    that brought the animal there, slaughter."""
    ordered: list[tuple[date, int, int, int, Event]] = [(e.day, 0, 0, 0, e) for e in _birth(trace)]
    position = {move.seq: i for i, move in enumerate(trace.movements)}
    for i, move in enumerate(trace.movements):
        ordered.append((move.issue_date, 1, i, 0, _move(move)))
    for visit in trace.markets:
        ordered.append((visit.date, 1, position[visit.movement_seq], 1, _market(visit)))
    if trace.slaughter is not None:
        s = trace.slaughter
        where = _at(Label("屠宰场", "Slaughterhouse"), s.slaughterhouse)
        done = Event(s.date, Label("屠宰", "Slaughtered"), (where,), (s.seq,))
        ordered.append((s.date, 2, 0, 0, done))
    ordered.sort(key=lambda item: item[:4])
    return [item[4] for item in ordered]
