"""The one validation path: a batch's rows checked a column at a time, by the models' own rules.

Every record kind, and every correction's replacement, is parsed here. A batch's values
repeat down each column (the same premises, days, counts and units again and again), so each
distinct value of a field is validated once per batch by that field's own type — the same
annotated type the record's model declares, so the same parsers from `pigdata.domain.codes`
and the same limits — and its JSON value is made once. A row is then put together from the
values its cells gave, the model's defaults filling the rest; the model's own cross-field
validators run on it as plain functions; and its canonical bytes are the JSON of the
model's serialised fields. Nothing here restates a rule.

This path only ever accepts. A row it cannot vouch for — a value its field's type refuses,
a field the model does not have, a missing one, a cross-field rule broken, a value of an
unhashable type — is left to the model itself (`None`), which accepts or rejects it and
names the field and rule. Hypothesis tests compare the two on random rows of every kind,
broken ones included, and check that valid rows are taken here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from operator import is_
from typing import Annotated, Any, cast

from pydantic import ConfigDict, PlainSerializer, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from pigdata.domain.records import RECORD_TYPES, AnyRecord, Correction
from pigdata.ingest.readers import RowLayout, SourceRow
from pigdata.ingest.vouching import SIGNATURE_FIELD
from pigdata.ledger.entry import canonical_json, digest_prefix, record_digest

Body = dict[str, Any]
# The field's value as the model holds it, and as its JSON body gives it.
Checked = tuple[Any, Any]
_REFUSED = None  # a value its field's type refuses: the model names the rule
_UNSEEN = object()
_MANY = 32  # new values of a column from which one validator call checks them all
# Values whose JSON form is themselves (not bool's subclasses: enums are looked at apart).
_JSON_AS_IS = frozenset({str, int, bool, type(None)})
_FIELD_CONFIG = ConfigDict(str_strip_whitespace=True)  # as the records' own model_config
_new = object.__new__
_set = object.__setattr__


@dataclass(slots=True)
class Parsed:
    """A row the columnar path took: its record, JSON body, canonical bytes and digest."""

    record: AnyRecord
    body: Body
    canonical: bytes
    digest: bytes
    prefix: int
    signature: Any = None  # a premises' vouch sent beside the record (pigdata.ingest.vouching)


class _Field:
    """One field of a kind: its type's validator and its values seen in this batch."""

    __slots__ = ("adapter", "many", "name", "seen", "serialiser")

    def __init__(self, name: str, info: FieldInfo) -> None:
        self.name = name
        annotated: Any = info.annotation
        if info.metadata:
            annotated = Annotated[annotated, *info.metadata]
        self.adapter: TypeAdapter[Any] = TypeAdapter(annotated, config=_FIELD_CONFIG)
        self.many: TypeAdapter[list[Any]] = TypeAdapter(list[annotated], config=_FIELD_CONFIG)
        # The field's own serialiser, called directly (the adapter's dump costs ten times as
        # much); the adapter's dump for anything else.
        serialisers = [m for m in info.metadata if isinstance(m, PlainSerializer)]
        self.serialiser: Callable[[Any], Any] | None = (
            cast(Callable[[Any], Any], serialisers[0].func) if serialisers else None
        )
        self.seen: dict[Any, Checked | None] = {}

    def check(self, value: Any) -> Checked | None:
        """Give the value as the model would hold and serialise it, or None if refused."""
        # Text is the common case (every cell of a file); other values are keyed by type
        # too, since 1, 1.0 and True are equal keys of a dict but not equal inputs.
        # The empty text is never kept: in a table's column it means the field is absent.
        if type(value) is str:
            if not value:
                return self._validate(value)
            key: Any = value
        else:
            key = (type(value), value)
        try:
            found = self.seen.get(key, _UNSEEN)
        except TypeError:  # an unhashable value (a list of tags, from JSON): not kept
            return self._validate(value)
        if found is _UNSEEN:
            found = self.seen[key] = self._validate(value)
        return found  # type: ignore[return-value]

    def learn(self, texts: list[str]) -> None:
        """Check new distinct texts of a column: all in one call of the field's validator.

        One call for the lot costs a fraction of one call each; if any is refused, each is
        checked alone, so that the refused ones are known.
        """
        if len(texts) < _MANY:
            for text in texts:
                self.check(text)
            return
        try:
            held = self.many.validate_python(texts)
        except (ValidationError, PydanticCustomError):
            for text in texts:
                self.check(text)
            return
        json = self._json
        self.seen.update(zip(texts, [(value, json(value)) for value in held], strict=True))

    def _validate(self, value: Any) -> Checked | None:
        try:
            held = self.adapter.validate_python(value)
        except (ValidationError, PydanticCustomError):
            return _REFUSED
        return held, self._json(held)

    def _json(self, held: Any) -> Any:
        kind = type(held)
        if kind in _JSON_AS_IS:
            return held
        if kind is list and all(type(item) is str for item in held):
            return list(held)
        if self.serialiser is not None and held is not None:
            return self.serialiser(held)
        return self.adapter.dump_python(held, mode="json")


class KindParser:
    """The columnar parser of one record kind, derived from its model."""

    def __init__(self, model: type[AnyRecord]) -> None:
        self.model = model
        self.kind: str = model.model_fields["kind"].default
        fields = model.model_fields
        self.required = frozenset(name for name, info in fields.items() if info.is_required())
        self.nested = "replacement" if model is Correction else None
        self.fields = {
            name: _Field(name, info) for name, info in fields.items() if name != self.nested
        }
        # Defaults as the model sets them, and their JSON values (None ones are left out).
        self.defaults: dict[str, Any] = {}
        self.default_body: Body = {}
        for name, info in fields.items():
            if info.is_required():
                continue
            default = info.get_default(call_default_factory=True)
            self.defaults[name] = default
            if default is not None:
                adapter = self.fields[name].adapter
                self.default_body[name] = adapter.dump_python(default, mode="json")
        decorators = model.__pydantic_decorators__.model_validators.values()
        self.after: tuple[Callable[[Any], Any], ...] = tuple(
            cast(Callable[[Any], Any], d.func) for d in decorators if d.info.mode == "after"
        )
        assert all(d.info.mode == "after" for d in decorators), "only after-validators"

    def forget(self) -> None:
        """Drop the values seen, at the end of a batch."""
        for item in self.fields.values():
            item.seen.clear()

    def parse(self, values: dict[str, Any]) -> tuple[AnyRecord, Body] | None:
        """Give the record and its JSON body, or None when the model must decide."""
        if not self.required <= values.keys():
            return None
        held = dict(self.defaults)
        body = dict(self.default_body)
        fields = self.fields
        for name, value in values.items():
            item = fields.get(name)
            if item is None:
                if name != self.nested or not self._nest(value, held, body):
                    return None  # a field the model does not have, or a broken replacement
                continue
            # A cell's text seen before is looked up here, the rest asked of the field.
            checked: Any = item.seen.get(value, _UNSEEN) if type(value) is str else _UNSEEN
            if checked is _UNSEEN:
                checked = item.check(value)
            if checked is None:
                return None
            held[name], json_value = checked
            if json_value is None:
                body.pop(name, None)
            else:
                body[name] = json_value
        return self.finish(held, body, set(values))

    def finish(
        self, held: dict[str, Any], body: Body, given: set[str]
    ) -> tuple[AnyRecord, Body] | None:
        """Give the record of checked values once its model's cross-field rules hold."""
        record = self._construct(held, given)
        try:
            for validator in self.after:
                validator(record)
        except (PydanticCustomError, ValueError):
            return None
        return record, body

    def _nest(self, value: Any, held: dict[str, Any], body: Body) -> bool:
        # A correction's replacement: a record of its own kind, by that kind's parser.
        if value is None:
            return True
        if type(value) is not dict:
            return False
        parser = _parser_of(value.get("kind"))
        parsed = parser.parse(value) if parser is not None and parser.nested is None else None
        if parsed is None:
            return False
        held["replacement"], body["replacement"] = parsed
        return True

    def _construct(self, held: dict[str, Any], given: set[str]) -> AnyRecord:
        # What BaseModel.model_construct does without its per-field loop: every value is
        # validated already. A test checks the result equals the model's, fields set too.
        record = _new(self.model)
        _set(record, "__dict__", held)
        _set(record, "__pydantic_fields_set__", given)
        _set(record, "__pydantic_extra__", None)
        _set(record, "__pydantic_private__", None)
        return record


@cache
def _parser_of(kind: Any) -> KindParser | None:
    model = RECORD_TYPES.get(kind) if type(kind) is str else None
    return KindParser(model) if model is not None else None  # type: ignore[arg-type]


def parser_of(kind: str) -> KindParser | None:
    """Give the columnar parser of a record kind (None for an unknown kind)."""
    return _parser_of(kind)


def parse_batch(rows: Sequence[SourceRow]) -> list[Parsed | None]:
    """Give each row as the columnar path parsed it, or None where the model must decide.

    The rows of a table (a file's rows, sharing its columns) are taken a column at a time,
    kind by kind; rows sent as mappings one by one, through the same fields' checks.
    """
    parsed: list[Parsed | None] = [None] * len(rows)
    used: set[KindParser] = set()
    tables: dict[tuple[RowLayout, KindParser], list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        layout = row.layout
        parser = None
        if layout is not None and row.unreadable is None:
            parser = _parser_of(layout.kind_of(row.cells))
        if parser is not None and layout is not None and _columns_of(layout, parser):
            tables[(layout, parser)].append(i)
        else:
            parsed[i] = _parse_row(row, used)
    for (layout, parser), indexes in tables.items():
        used.add(parser)
        found = _parse_table(parser, _columns_of(layout, parser), [rows[i] for i in indexes])
        for i, one in zip(indexes, found, strict=True):
            parsed[i] = one if one is not None else _parse_row(rows[i], used)
    for parser in used:
        parser.forget()
    return parsed


@cache
def _columns_of(layout: RowLayout, parser: KindParser) -> tuple[tuple[int, _Field], ...]:
    """Give the (cell position, field) of a table's columns; empty if it is not a plain table.

    Plain: every named column is a field of the kind, once (else the last non-empty of two
    cells would be the value, or the model would refuse a field: the rows go one by one).
    """
    named = [(i, name) for i, name in enumerate(layout.fields) if name and name != "kind"]
    names = [name for _, name in named]
    if len(set(names)) != len(names) or not all(name in parser.fields for name in names):
        return ()
    return tuple((i, parser.fields[name]) for i, name in named)


def _parse_table(
    parser: KindParser, columns: tuple[tuple[int, _Field], ...], rows: list[SourceRow]
) -> list[Parsed | None]:
    """Parse rows of one kind from one table, column by column; None for rows to go singly."""
    cells = [row.cells for row in rows]
    names = tuple(item.name for _, item in columns)
    if parser.required - {"kind", *names} or any(len(c) <= columns[-1][0] for c in cells):
        return [None] * len(rows)  # a field missing, or a short row: the model says which
    table = _Table(len(rows))
    held_columns, json_columns, kept = [], [], []
    for position, item in columns:
        column = [c[position] for c in cells]
        if not any(column):
            continue  # a column empty all the way down: the field is absent from every row
        held, json_values = table.column(item, column)
        held_columns.append(held)
        json_columns.append(json_values)
        kept.append(item.name)
    names = tuple(kept)
    if not names:
        return [None] * len(rows)
    found: list[Parsed | None] = []
    rows_held = zip(*held_columns, strict=True)
    rows_json = zip(*json_columns, strict=True)
    for at, (held_row, json_row) in enumerate(zip(rows_held, rows_json, strict=True)):
        if at in table.refused:
            found.append(None)  # a value refused: the model names the rule
        elif at in table.uneven:
            found.append(_uneven_row(parser, names, held_row, json_row))
        else:
            found.append(_plain_row(parser, names, held_row, json_row))
    return found


class _Table:
    """What the columns of a table say about its rows: refused values, uneven rows."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.refused: set[int] = set()
        self.uneven: set[int] = set()  # an empty cell (the field absent), or a None value

    def column(self, item: _Field, cells: list[Any]) -> tuple[list[Any], list[Any]]:
        """Give a column's values as held and as JSON: each new distinct value checked once."""
        seen = item.seen
        item.learn([cell for cell in set(cells).difference(seen) if cell])
        pairs: list[Any] = list(map(seen.get, cells))
        if None in pairs:  # refused values, or empty cells (never kept in `seen`)
            for at, pair in enumerate(pairs):
                if pair is None:
                    (self.refused if cells[at] else self.uneven).add(at)
                    pairs[at] = _EMPTY_PAIR
        held = [pair[0] for pair in pairs]
        json_values = [pair[1] for pair in pairs]
        if any(map(is_, json_values, repeat(None))):  # a value the body leaves out
            self.uneven.update(at for at, value in enumerate(json_values) if value is None)
        return held, json_values


def _plain_row(
    parser: KindParser, names: tuple[str, ...], held_row: tuple[Any, ...], json_row: tuple[Any, ...]
) -> Parsed | None:
    held = dict(parser.defaults)
    held.update(zip(names, held_row, strict=True))
    body = dict(parser.default_body)
    body.update(zip(names, json_row, strict=True))
    done = parser.finish(held, body, {"kind", *names})
    return None if done is None else _sealed_form(*done)


def _uneven_row(
    parser: KindParser, names: tuple[str, ...], held_row: tuple[Any, ...], json_row: tuple[Any, ...]
) -> Parsed | None:
    # Empty cells are absent fields (the defaults stand, not in the fields set); a None
    # value is held but left out of the body, as the model's dump leaves it out.
    present = [
        (name, held, value)
        for name, held, value in zip(names, held_row, json_row, strict=True)
        if held is not _EMPTY
    ]
    given = {"kind", *(name for name, _, _ in present)}
    if not parser.required <= given:
        return None
    held_values = dict(parser.defaults)
    body = dict(parser.default_body)
    for name, held, value in present:
        held_values[name] = held
        if value is None:
            body.pop(name, None)
        else:
            body[name] = value
    done = parser.finish(held_values, body, given)
    return None if done is None else _sealed_form(*done)


_EMPTY = object()  # in a column: no value (an empty cell, or one refused)
_EMPTY_PAIR = (_EMPTY, _EMPTY)


def _sealed_form(record: AnyRecord, body: Body) -> Parsed:
    canonical = canonical_json(body)
    digest = record_digest(canonical)
    return Parsed(record, body, canonical, digest, digest_prefix(digest))


def _parse_row(row: SourceRow, used: set[KindParser]) -> Parsed | None:
    if row.unreadable is not None:
        return None
    values = row.values
    signature = values.get(SIGNATURE_FIELD)
    if SIGNATURE_FIELD in values:  # the premises' vouch: checked by the pipeline, not a field
        values = {k: v for k, v in values.items() if k != SIGNATURE_FIELD}
    parser = _parser_of(values.get("kind"))
    if parser is None:
        return None
    used.add(parser)
    found = parser.parse(values)
    if found is None:
        return None
    parsed = _sealed_form(*found)
    parsed.signature = signature
    return parsed
