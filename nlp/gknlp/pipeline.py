"""The stages in order: read → normalise → sections → facts → themes → report.

``extract_file`` / ``extract_bytes`` / ``extract_text`` are the library's entry
points; the CLI and batch runs call nothing else. Heavy resources (jieba, the
spaCy pipeline, the theme model) are loaded lazily, once per process, by the
stages that need them.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from gknlp import checks, reader, region, sections, tables
from gknlp.facts import points, quantities, regulations, trainings
from gknlp.model import Report, Source
from gknlp.reader import Document

log = logging.getLogger(__name__)


def extract_file(path: str | Path, *, themes: bool = True) -> Report:
    """Extract one report file (``.txt``, ``.html``, ``.docx``, ``.pdf``); raises :class:`~gknlp.errors.InputError`."""
    document = reader.read_file(path)
    return extract_document(document, path=str(path), themes=themes)


def extract_bytes(data: bytes, *, name: str = "-", themes: bool = True) -> Report:
    """Extract a report given as bytes; ``name`` (a file name) tells the format by its suffix."""
    return extract_document(reader.read_bytes(data, name=name), path=name, themes=themes)


def extract_text(text: str, *, name: str = "-", themes: bool = True) -> Report:
    """Extract a report given as an already decoded string (normalised first)."""
    return extract_document(reader.read_text(text, name=name), path=name, themes=themes)


def extract_document(document: Document, *, path: str = "-", themes: bool = True) -> Report:
    """Run every stage after reading on one normalised document."""
    text = document.text
    warnings: list[str] = list(document.warnings)

    found = sections.find_sections(text)
    warnings.extend(found.warnings)
    section_list = found.items

    meta, meta_warnings = sections.find_meta(text, section_list)
    warnings.extend(meta_warnings)
    place = region.find_region(meta.issuer, meta.title, text)
    meta = replace(
        meta,
        province=place.province,
        city=place.city,
        county=place.county,
        level=place.level,
        body_type=place.body_type,
        division_code=place.division_code,
    )
    warnings.extend(place.warnings)

    found_quantities = quantities.extract_quantities(text, section_list)
    found_trainings = trainings.extract_trainings(text, section_list)
    found_regulations = regulations.extract_regulations(text, section_list)
    found_points = points.extract_points(text, section_list)
    for extraction_warnings in (
        found_quantities.warnings,
        found_trainings.warnings,
        found_regulations.warnings,
        found_points.warnings,
    ):
        warnings.extend(extraction_warnings)

    found_tables = tables.extract_tables(text, section_list)
    warnings.extend(found_tables.warnings)
    findings = checks.check_report(text, section_list, found_tables)

    problems, measures = found_points.problems, found_points.measures
    if themes and (problems or measures):
        from gknlp import themes as theme_stage  # the model loads only when there are points

        # one call for both kinds: the model's per-call cost is paid once
        tagged = theme_stage.tag_points((*problems, *measures))
        problems, measures = tagged[: len(problems)], tagged[len(problems) :]

    return Report(
        text=text,
        source=Source(
            path=path,
            format=document.format,
            encoding=document.encoding,
            sha256=document.sha256,
        ),
        meta=meta,
        sections=tuple(section_list),
        quantities=tuple(found_quantities.items),
        trainings=tuple(found_trainings.items),
        regulations=tuple(found_regulations.items),
        problems=tuple(problems),
        measures=tuple(measures),
        tables=found_tables,
        findings=tuple(findings),
        warnings=tuple(_unique(warnings)),
    )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
