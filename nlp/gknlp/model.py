"""Result types: plain frozen dataclasses with offsets into the normalised text.

Every fact carries ``start``/``end`` (end exclusive) into ``Report.text`` and
``text == Report.text[start:end]`` where the fact has a ``text``. ``to_json``
gives the contract's JSON form (``../shared/spec/CONTRACT.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from gknlp.checks import Finding
    from gknlp.tables import TablesResult

SCHEMA_ID = "gknlp.report/1"

SectionId = Literal["overview", "proactive", "requests", "review_litigation", "problems", "other"]
SECTION_IDS: tuple[SectionId, ...] = (
    "overview",
    "proactive",
    "requests",
    "review_litigation",
    "problems",
    "other",
)
NarrativeSection = Literal["overview", "problems"]
NARRATIVE_SECTIONS: tuple[NarrativeSection, ...] = ("overview", "problems")
Approx = Literal["exact", "lower_bound", "upper_bound", "about"]
SourceFormat = Literal["txt", "html", "docx", "pdf"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    path: str
    format: SourceFormat
    encoding: str | None
    sha256: str


Level = Literal["国家级", "省级", "市级", "县级", "乡级"]
BodyType = Literal["government", "office", "department"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Meta:
    """What the report is: its title, who issued it, the year it covers, and where the issuer sits.

    ``level`` is the issuer's administrative level (国家级 for central bodies);
    ``body_type`` says whether it is a government, a government's office, or a
    department. Unknown values stay ``None`` (with a warning in the report).
    """

    title: str | None = None
    issuer: str | None = None
    year: int | None = None
    province: str | None = None
    city: str | None = None
    county: str | None = None
    level: Level | None = None
    body_type: BodyType | None = None
    division_code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Subsection:
    heading: str
    start: int
    end: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Section:
    """One of the six standard sections; ``start`` is where its heading begins.

    ``body_start`` is where the text after the heading begins, ``end`` is where
    the next section (or the report) ends.
    """

    id: SectionId
    heading: str
    start: int
    end: int
    body_start: int
    subsections: tuple[Subsection, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantity:
    text: str
    value: float
    value_max: float | None
    unit: str
    approx: Approx
    subject: str | None
    section: NarrativeSection
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Training:
    text: str
    sessions: float | None
    sessions_approx: Approx | None
    attendees: float | None
    attendees_approx: Approx | None
    topic: str | None
    section: NarrativeSection
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Regulation:
    title: str
    doc_number: str | None
    alias: str | None
    mentions: int
    start: int
    end: int
    rule: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Point:
    """A problem or a measure from the problems section."""

    text: str
    heading: str | None
    start: int
    end: int
    rule: str
    themes: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Extraction(Generic[T]):
    """What one extractor found, with the warnings it has for the reader."""

    items: tuple[T, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PointsExtraction:
    """The problem points and the measure points of the problems section."""

    problems: tuple[Point, ...]
    measures: tuple[Point, ...]
    warnings: tuple[str, ...] = ()


def narrative_spans(sections: tuple[Section, ...] | list[Section]) -> list[tuple[NarrativeSection, int, int]]:
    """(section id, body start, end) of the sections narrative facts come from.

    Facts are taken from the bodies of ``overview`` and ``problems`` only: the
    heading itself, the other sections and the tables are out of scope.
    """
    spans: list[tuple[NarrativeSection, int, int]] = []
    for s in sections:
        if s.id == "overview" or s.id == "problems":
            spans.append((s.id, s.body_start, s.end))
    return spans


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    text: str
    source: Source
    meta: Meta
    sections: tuple[Section, ...]
    quantities: tuple[Quantity, ...] = ()
    trainings: tuple[Training, ...] = ()
    regulations: tuple[Regulation, ...] = ()
    problems: tuple[Point, ...] = ()
    measures: tuple[Point, ...] = ()
    tables: TablesResult | None = None
    findings: tuple[Finding, ...] = ()
    warnings: tuple[str, ...] = ()

    def section(self, section_id: SectionId) -> Section | None:
        """The section with this id, or None."""
        return next((s for s in self.sections if s.id == section_id), None)

    def to_json(self) -> dict[str, Any]:
        """The contract's JSON object (``gknlp.report/1``), keys in a stable order."""
        return {
            "schema": SCHEMA_ID,
            "source": _fields(self.source),
            "meta": _fields(self.meta),
            "sections": [
                {
                    "id": s.id,
                    "heading": s.heading,
                    "start": s.start,
                    "end": s.end,
                    "body_start": s.body_start,
                    "subsections": [_fields(sub) for sub in s.subsections],
                }
                for s in self.sections
            ],
            "quantities": [_plain(q) for q in self.quantities],
            "trainings": [_plain(t) for t in self.trainings],
            "regulations": [_plain(r) for r in self.regulations],
            "problems": [_plain(p) for p in self.problems],
            "measures": [_plain(p) for p in self.measures],
            "tables": _tables_json(self.tables),
            "findings": [_plain(f) for f in self.findings],
            "warnings": list(self.warnings),
        }


def _plain_value(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain_value(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _tables_json(tables: TablesResult | None) -> dict[str, Any]:
    # the tables know their JSON form: model.py stays below tables.py in the layers
    return {} if tables is None else tables.to_json()


def _plain(item: Any) -> dict[str, Any]:
    """A fact as JSON: tuples become lists, whole floats ints (24万 → 240000), dicts are copied.

    What ``dataclasses.asdict`` and a pass over its result gave, without
    asdict's recursive deep copy (it cost more than some extraction stages):
    the result types are flat.
    """
    out = {}
    for name in _field_names(type(item)):
        value = getattr(item, name)
        if isinstance(value, tuple):
            value = [_plain_value(v) for v in value]
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, dict):
            value = dict(value)  # scores keep their floats
        out[name] = value
    return out


def _fields(item: Any) -> dict[str, Any]:
    """A flat dataclass of scalars as a dict (``asdict`` without the deep copy)."""
    return {name: getattr(item, name) for name in _field_names(type(item))}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names
