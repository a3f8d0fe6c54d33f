"""gknlp.facts.quantities: number + unit → Quantity, decoys dropped, subject read from the clause."""

from __future__ import annotations

import doctest
import unicodedata
from dataclasses import dataclass, field

import pytest

import gknlp.facts.quantities
from conftest import GOLD_SEEDS_DIR, SEED_NAMES, SEEDS_DIR, load_gold_seed, needs_shared
from gknlp.facts.quantities import extract_quantities, extract_quantities_in
from gknlp.model import Section

Expected = tuple[str, float, float | None, str, str]  # text, value, value_max, unit, approx


@dataclass(frozen=True)
class Case:
    text: str
    expected: list[Expected]
    subjects: list[str | None] = field(default_factory=list)  # when given: a word each subject must contain


CASES_BUGS = [  # one per bug fixed, never deleted
    # 单/另 block only 一 (单一, 另一): 十一 after them is a number
    Case("下发整改通知单十一份", [("十一份", 11, None, "份", "exact")], ["通知单"]),
    Case("另三件已转交相关部门", [("三件", 3, None, "件", "exact")], [None]),
    # 一百一十 is a numeral, not a 一X一Y set phrase (一事一议)
    Case("通过12345热线转办诉求一百一十二件", [("一百一十二件", 112, None, "件", "exact")], ["诉求"]),
    Case("可申请公开的事项达40余种", [("40余种", 40, None, "种", "lower_bound")], ["事项"]),
    Case("答复用时少于二十天", [("少于二十天", 20, None, "天", "upper_bound")], [None]),
    # 种/个 count the noun after them, even one that starts with a verb-like word
    Case("提供当面、信函、网络三种申请渠道", [("三种", 3, None, "种", "exact")], ["渠道"]),
]
CASES_SEEDS = [  # short fragments of the seed reports in ../shared/seeds
    Case("主动发布政府信息24万余条", [("24万余条", 240000, None, "条", "lower_bound")], ["政府信息"]),
    Case("收到信息公开申请276件", [("276件", 276, None, "件", "exact")], ["申请"]),
    Case("共计140余人参加", [("140余人", 140, None, "人", "lower_bound")], ["参加"]),
    Case("受理群众诉求共计22.55万件", [("22.55万件", 225500, None, "件", "exact")], ["诉求"]),
    Case("按期回复率98.86%", [("98.86%", 98.86, None, "%", "exact")], ["按期回复率"]),
    Case("分值占比不低于4%", [("不低于4%", 4, None, "%", "lower_bound")], ["分值"]),
    Case("按照权重大于4%的要求", [("大于4%", 4, None, "%", "lower_bound")], ["权重"]),
    Case("全市共组织开展20余次专题培训", [("20余次", 20, None, "次", "lower_bound")], ["培训"]),
    Case("明确了19个牵头单位、7个配合单位", [("19个", 19, None, "个", "exact"), ("7个", 7, None, "个", "exact")],
         ["牵头单位", "配合单位"]),
    Case("予以公开301件，占61.9%", [("301件", 301, None, "件", "exact"), ("61.9%", 61.9, None, "%", "exact")],
         ["予以公开", "予以公开"]),
    Case("项目历时1年全面竣工", [("1年", 1, None, "年", "exact")], ["项目"]),
    Case("对网站进行24小时不间断监控", [("24小时", 24, None, "小时", "exact")], ["监控"]),
    Case("另有11件申请按照《条例》顺延", [("11件", 11, None, "件", "exact")], ["申请"]),
    Case("主动公开信息52条(其中概况4条,文件24条", [("52条", 52, None, "条", "exact"), ("4条", 4, None, "条", "exact"),
         ("24条", 24, None, "条", "exact")], ["信息", "概况", "文件"]),
    Case("“三大攻坚战”5630条", [("5630条", 5630, None, "条", "exact")], ["攻坚战"]),
    Case("公共资源配置4516条", [("4516条", 4516, None, "条", "exact")], ["公共资源配置"]),
    Case("全市399个政务新媒体已注销下线296个", [("399个", 399, None, "个", "exact"), ("296个", 296, None, "个", "exact")],
         ["政务新媒体", "注销"]),
    Case("被行政诉讼24次，胜诉22起", [("24次", 24, None, "次", "exact"), ("22起", 22, None, "起", "exact")],
         ["行政诉讼", "胜诉"]),
]
CASES_FIELD_GUIDE = [  # variants listed in ../shared/spec/FIELD-GUIDE.md
    Case("30000余条", [("30000余条", 30000, None, "条", "lower_bound")]),
    Case("6万余条", [("6万余条", 60000, None, "条", "lower_bound")]),
    Case("52317余份", [("52317余份", 52317, None, "份", "lower_bound")]),
    Case("2.3万余人次", [("2.3万余人次", 23000, None, "人次", "lower_bound")]),
    Case("1.7万余人次", [("1.7万余人次", 17000, None, "人次", "lower_bound")]),
    Case("215.4417万次", [("215.4417万次", 2154417, None, "次", "exact")]),
    Case("3.2亿次", [("3.2亿次", 320000000, None, "次", "exact")]),
    Case("4.5亿次", [("4.5亿次", 450000000, None, "次", "exact")]),
    Case("1800多份", [("1800多份", 1800, None, "份", "lower_bound")]),
    Case("20余条", [("20余条", 20, None, "条", "lower_bound")]),
    Case("刊发约650篇次", [("约650篇次", 650, None, "篇次", "about")], ["刊发"]),
    Case("超过180条", [("超过180条", 180, None, "条", "lower_bound")]),
    Case("超过5123456人次", [("超过5123456人次", 5123456, None, "人次", "lower_bound")]),
    Case("增长2.5倍", [("2.5倍", 2.5, None, "倍", "exact")]),
    Case("1.5倍", [("1.5倍", 1.5, None, "倍", "exact")]),
    Case("占比37.14%", [("37.14%", 37.14, None, "%", "exact")]),
    Case("增长了64%", [("64%", 64, None, "%", "exact")]),
    Case("百分之九十八点五", [("百分之九十八点五", 98.5, None, "%", "exact")]),
    Case("回复率为98％", [("98％", 98, None, "%", "exact")]),
    Case("分为六个方面", [("六个", 6, None, "个", "exact")], ["方面"]),
    Case("配备两名工作人员", [("两名", 2, None, "名", "exact")], ["工作人员"]),
    Case("召开四次会议", [("四次", 4, None, "次", "exact")], ["会议"]),
    Case("培训一百三十余人次", [("一百三十余人次", 130, None, "人次", "lower_bound")]),
    Case("近百人参加", [("近百人", 100, None, "人", "upper_bound")], ["参加"]),
    Case("两千多份", [("两千多份", 2000, None, "份", "lower_bound")]),
    Case("收到意见1236 条", [("1236 条", 1236, None, "条", "exact")]),
    Case("受理0件", [("0件", 0, None, "件", "exact")]),
    Case("3至5个工作日", [("3至5个工作日", 3, 5, "个工作日", "exact")]),
    Case("3-5次", [("3-5次", 3, 5, "次", "exact")]),
    Case("3～5次", [("3～5次", 3, 5, "次", "exact")]),
    Case("约三成", [("约三成", 3, None, "成", "about")]),
    Case("七成以上", [("七成以上", 7, None, "成", "lower_bound")]),
    Case("339371.821万元", [("339371.821万元", 339371.821, None, "万元", "exact")]),
    Case("支出4.651万元", [("4.651万元", 4.651, None, "万元", "exact")]),
    Case("2.3亿元", [("2.3亿元", 2.3, None, "亿元", "exact")]),
    Case("提高3.5个百分点", [("3.5个百分点", 3.5, None, "个百分点", "exact")]),
    Case("参会200人左右", [("200人左右", 200, None, "人", "about")]),
    Case("不足10件", [("不足10件", 10, None, "件", "upper_bound")]),
    Case("近3年来", [("近3年", 3, None, "年", "upper_bound")]),
    Case("连续两年", [("两年", 2, None, "年", "exact")]),
    Case("逾千人", [("逾千人", 1000, None, "人", "lower_bound")]),
    Case("收到群众来信1,934封", [("1,934封", 1934, None, "封", "exact")], ["来信"]),
    Case("共收到１２件", [("１２件", 12, None, "件", "exact")]),
    Case("发布信息8.5 万条", [("8.5 万条", 85000, None, "条", "exact")]),
    Case("2010  年 12 月 31 日", []),
    Case("开展数十次检查", []),
    Case("压缩至法定时限的50%以内", [("50%以内", 50, None, "%", "upper_bound")]),
    # 百分之百, durations in 周, a trailing 内 on a duration
    Case("政务服务事项实现百分之百网上可办", [("百分之百", 100, None, "%", "exact")], ["政务服务事项"]),
    Case("依申请公开答复满意率达到百分之百", [("百分之百", 100, None, "%", "exact")], ["满意率"]),
    Case("群众诉求在两周内办结", [("两周内", 2, None, "周", "upper_bound")], ["诉求"]),
    Case("整改期限为3周", [("3周", 3, None, "周", "exact")], ["整改期限"]),
    Case("培训持续两个星期", [("两个星期", 2, None, "周", "exact")], ["培训"]),
    Case("办理时限压缩至10个工作日内", [("10个工作日内", 10, None, "个工作日", "upper_bound")], ["办理时限"]),
    Case("网站故障5小时内修复", [("5小时内", 5, None, "小时", "upper_bound")], ["网站故障"]),
    Case("三个月内完成整改", [("三个月内", 3, None, "个月", "upper_bound")]),
    Case("承诺3年内完成改造", [("3年内", 3, None, "年", "upper_bound")]),
    Case("清理3条内容重复的信息", [("3条", 3, None, "条", "exact")]),
    Case("设有5家内资企业服务专窗", [("5家", 5, None, "家", "exact")]),
    Case("建党100周年", []),
    Case("每两周通报一次", [("一次", 1, None, "次", "exact")]),
    # framing periods and parallel working rules are no counts
    Case("一年来，我局认真贯彻落实条例", []),
    Case("一年以来，全县政务公开工作稳步推进", []),
    Case("近一年来，各单位高度重视", []),
    Case("半年来，共发布信息300条", [("300条", 300, None, "条", "exact")], ["发布信息"]),
    Case("做到发布一条、登记一条，确保台账完整", []),
    Case("坚持成熟一个、公开一个", []),
    Case("审核一篇，发布一篇", []),
    Case("推行一窗受理、一次办结", []),
    Case("实行一个窗口对外、一条龙服务", []),
    Case("坚持一事一议", []),
    Case("发布信息一条、登记两条", [("一条", 1, None, "条", "exact"), ("两条", 2, None, "条", "exact")]),
    # subjects: the noun phrase after the number, or on both sides of it
    Case("废止了《关于加强农贸市场管理的通知》等5件不符合上位法规定的文件", [("5件", 5, None, "件", "exact")], ["文件"]),
    Case("清理了12件与上位法不一致的规范性文件", [("12件", 12, None, "件", "exact")], ["规范性文件"]),
    Case("全面清理了《松岭县农贸市场管理办法》等12件规范性文件", [("12件", 12, None, "件", "exact")], ["规范性文件"]),
    Case("意见建议共听取56条", [("56条", 56, None, "条", "exact")], ["意见建议"]),
    Case("收集意见建议32条涉及民生领域", [("32条", 32, None, "条", "exact")], ["意见建议"]),
    Case("组织开展政务公开日活动4场吸引群众参与", [("4场", 4, None, "场", "exact")], ["活动"]),
    Case("参加省级培训2次提升业务能力", [("2次", 2, None, "次", "exact")], ["培训"]),
    Case("清理了规范性文件等12件涉企文件", [("12件", 12, None, "件", "exact")], ["涉企文件"]),
    Case("政务公开专题培训共组织开展3次", [("3次", 3, None, "次", "exact")], ["培训"]),
    Case("组织全局干部职工120余人参加培训", [("120余人", 120, None, "人", "lower_bound")], ["干部职工"]),
    Case("邀请人大代表、政协委员15名参加座谈会", [("15名", 15, None, "名", "exact")], ["政协委员"]),
    Case("从申请内容看，涉及征地拆迁类信息(占46.8%)居多", [("46.8%", 46.8, None, "%", "exact")], ["征地拆迁"]),
    Case("申请人以自然人为主（占91.3%）", [("91.3%", 91.3, None, "%", "exact")], ["自然人"]),
    Case("政策文件类(占18.5%)、工作动态类(占52.1%)最多",
         [("18.5%", 18.5, None, "%", "exact"), ("52.1%", 52.1, None, "%", "exact")], ["政策文件", "工作动态"]),
    Case("全年答复申请47件，其中予以公开(占40.4%)",
         [("47件", 47, None, "件", "exact"), ("40.4%", 40.4, None, "%", "exact")], ["申请", "予以公开"]),
    Case("行政许可信息1274条(占33%)",
         [("1274条", 1274, None, "条", "exact"), ("33%", 33, None, "%", "exact")], ["行政许可信息", "行政许可信息"]),
]
CASES_NEGATIVE = [  # decoys: no quantity at all
    Case(text, [])
    for text in [
        "2020年", "二〇二四年", "3月31日", "2020年11月", "10月份", "2020年12月份", "4月15日前", "2020年 11月底",
        "市政府第172次常务会议", "国办第12期政务公开交流", "〔2019〕54号", "国务院令第711号", "第711号",
        "“六稳”“六保”", "“三大攻坚战”", "“五公开”", "“两化”", "十九届四中全会", "推行一件事一次办", "“三定”方案",
        "“三公”经费", "共分为政务、服务、互动三大栏目", "按照三级审核制度", "细化一级指标", "电子政务外网二期安全体系",
        "继续保持零败诉的记录", "一是", "（一）", "1.", "取得了一定成绩", "存在一些问题", "进一步加强", "推出一批典型",
        "电话0558—5555840", "希夷大道588号5059室", "邮编236800", "通过“12345政务服务热线”", "对每一项内容都经过严格把关",
        "《国务院有关部门26个试点领域基层政务公开标准指引》", "粉丝突破300万", "粉丝12.6万余", "**条", "***%",
        "三年行动计划", "十分重视", "增强四个意识", "坚持一人一档", "统一标识", "是全省之一", "附近", "万元", "",
        "第二十条第（一）项", "2019年1月1日起至2019年12月31日止",
    ]
]
CASES_XFAIL = [  # known gaps, strict: a fix is noticed
    Case("参训人员达一千余", [("一千余", 1000, None, "人", "lower_bound")]),  # unit only implied by the noun before
    Case("百分之三十至四十", [("百分之三十至四十", 30, 40, "%", "exact")]),  # no range after 百分之
]


def _found(text: str) -> list[Expected]:
    return [(q.text, q.value, q.value_max, q.unit, q.approx) for q in extract_quantities_in(text, 0, len(text), "overview")]


@pytest.mark.parametrize(
    "case",
    [
        *CASES_SEEDS,
        *CASES_FIELD_GUIDE,
        *CASES_BUGS,
        *CASES_NEGATIVE,
        *(pytest.param(c, marks=pytest.mark.xfail(strict=True)) for c in CASES_XFAIL),
    ],
    ids=lambda c: c.text[:20] or "<empty>",
)
def test_quantities(case: Case) -> None:
    found = extract_quantities_in(case.text, 0, len(case.text), "overview")
    assert [(q.text, q.value, q.value_max, q.unit, q.approx) for q in found] == case.expected
    assert all(case.text[q.start : q.end] == q.text for q in found)
    for q, key in zip(found, case.subjects, strict=False):
        assert key is None or (q.subject and key in q.subject), (q.text, q.subject, key)


def test_offsets_inside_a_longer_text() -> None:
    text = "前言2020年。一、总体情况\n主动发布政府信息24万余条，发布解读81篇。"
    start = text.index("主动")
    found = extract_quantities_in(text, start, len(text), "problems")
    assert [(q.text, q.section, q.rule) for q in found] == [("24万余条", "problems", "unit.tiao"), ("81篇", "problems", "unit.pian")]
    assert all(text[q.start : q.end] == q.text for q in found)


def test_extract_quantities_reads_only_narrative_sections() -> None:
    text = "一、总体情况\n发布信息12条。\n二、主动公开\n制发文件9件。\n五、存在的主要问题及改进情况\n培训不足3次。"
    two, five = text.index("二、"), text.index("五、")
    sections = [
        Section(id="overview", heading="一、总体情况", start=0, end=two, body_start=7),
        Section(id="proactive", heading="二、主动公开", start=two, end=five, body_start=two + 7),
        Section(id="problems", heading="五、存在的主要问题及改进情况", start=five, end=len(text), body_start=five + 15),
    ]
    got = extract_quantities(text, sections)
    assert [(q.text, q.section) for q in got.items] == [("12条", "overview"), ("不足3次", "problems")]
    assert got.warnings == ()


@pytest.mark.parametrize("text", ["", "%", "12345", "一" * 3000, "1" * 3000 + "条", "《" * 50 + "3条", "“" + "5个" * 100])
def test_odd_text_never_raises(text: str) -> None:
    found = extract_quantities_in(text, 0, len(text), "overview")
    assert all(text[q.start : q.end] == q.text for q in found)


def test_doctests() -> None:
    assert doctest.testmod(gknlp.facts.quantities).failed == 0


# ---------------------------------------------------------------- seeds


def _nfkc(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def _seed_quantities(name: str) -> tuple[str, list[gknlp.model.Quantity]]:
    from gknlp.reader import read_file
    from gknlp.sections import find_sections

    text = read_file(SEEDS_DIR / name).text
    return text, list(extract_quantities(text, find_sections(text).items).items)


@needs_shared
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_gold_quantities_are_found(name: str) -> None:
    gold = load_gold_seed(name)
    text, found = _seed_quantities(name)
    unused = list(found)
    missing = []
    for g in gold["quantities"]:
        match = next(
            (q for q in unused if q.section == g["section"] and abs(q.value - g["value"]) < 1e-6
             and q.value_max == g.get("value_max") and q.unit == g["unit"]),
            None,
        )
        if match is None:
            missing.append(g["text"])
            continue
        unused.remove(match)
        assert match.approx == g["approx"], (g["text"], match.approx)
    assert not missing
    assert not unused, [q.text for q in unused]  # no extra quantity either
    assert all(text[q.start : q.end] == q.text for q in found)


@needs_shared
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_hard_negatives_are_not_quantities(name: str) -> None:
    gold = load_gold_seed(name)
    text, found = _seed_quantities(name)
    spans = [(q.start, q.end) for q in found]
    for negative in gold["hard_negatives"]:
        start = text.find(negative["text"])
        while start >= 0:
            end = start + len(negative["text"])
            # a quantity may sit next to a decoy (“三大攻坚战”5630条) but never inside it
            assert not [text[a:b] for a, b in spans if start <= a and b <= end], negative
            start = text.find(negative["text"], end)


@needs_shared
def test_seed_subjects_hold_the_gold_key() -> None:
    hits = total = 0
    for name in SEED_NAMES:
        gold = load_gold_seed(name)
        _, found = _seed_quantities(name)
        unused = list(found)
        for g in gold["quantities"]:
            match = next((q for q in unused if q.section == g["section"] and abs(q.value - g["value"]) < 1e-6
                          and q.unit == g["unit"]), None)
            if match is not None:
                unused.remove(match)
                total += 1
                hits += bool(match.subject and _nfkc(g["subject_key"]) in _nfkc(match.subject))
    assert GOLD_SEEDS_DIR.is_dir() and total and hits / total >= 0.95
