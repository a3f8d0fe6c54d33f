"""gknlp.facts.trainings: reported trainings with sessions and/or attendees; plans are not trainings."""

from __future__ import annotations

import doctest
from dataclasses import dataclass

import pytest

import gknlp.facts.trainings
from conftest import SEED_NAMES, SEEDS_DIR, load_gold_seed, needs_shared
from gknlp.facts.trainings import extract_trainings, extract_trainings_in
from gknlp.model import Section

# text, sessions, sessions_approx, attendees, attendees_approx
Expected = tuple[str, float | None, str | None, float | None, str | None]


@dataclass(frozen=True)
class Case:
    text: str
    expected: list[Expected]
    section: str = "overview"


CASES_SEEDS = [  # short fragments of the seed reports
    Case("强化人员培训管理，组织召开政务公开工作业务培训会议，共计140余人参加。",
         [("组织召开政务公开工作业务培训会议，共计140余人参加", None, None, 140, "lower_bound")]),
    Case("全市共组织开展20余次专题培训，并通过以会代训、视频沟通等形式加强业务指导。",
         [("全市共组织开展20余次专题培训", 20, "lower_bound", None, None)]),
]
CASES_FIELD_GUIDE = [  # how other reports write it
    Case("举办全市政务公开业务培训班2期，培训各县（区）和市直部门工作人员120余人次；",
         [("举办全市政务公开业务培训班2期，培训各县（区）和市直部门工作人员120余人次", 2, "exact", 120, "lower_bound")]),
    Case("针对新调整的信息员另行组织专题辅导1次，近百人参加。",
         [("针对新调整的信息员另行组织专题辅导1次，近百人参加", 1, "exact", 100, "upper_bound")]),
    Case("组织全县政务公开专题培训3次，参训人员约260人次。",
         [("组织全县政务公开专题培训3次，参训人员约260人次", 3, "exact", 260, "about")]),
    Case("举办业务讲座两场，培训干部50名。", [("举办业务讲座两场，培训干部50名", 2, "exact", 50, "exact")]),
    Case("全年开展培训3次；举办专题辅导2期，参训80人。",
         [("全年开展培训3次", 3, "exact", None, None), ("举办专题辅导2期，参训80人", 2, "exact", 80, "exact")]),
    Case("全年共开展了培训3次。", [("全年共开展了培训3次", 3, "exact", None, None)], "problems"),
]
CASES_BUGS = [  # one per bug fixed
    # a plan word in a clause of its own must not veto the training reported after it
    Case("将政务公开培训纳入年度培训计划，举办专题培训班3期，参训人员达280人次。",
         [("举办专题培训班3期，参训人员达280人次", 3, "exact", 280, "exact")]),
    # the parts of a ；-list are separate activities: the inspections' 4次 are not sessions
    Case("全年组织开展政务公开专题培训2期，培训各单位工作人员260余人次；开展季度检查4次，印发通报4期。",
         [("全年组织开展政务公开专题培训2期，培训各单位工作人员260余人次", 2, "exact", 260, "lower_bound")]),
]
CASES_NEGATIVE = [  # no training item
    Case("明确在公务员培训中增加政务公开内容。", []),
    Case("召开全市政务公开专区建设现场推进会，参会80人。", []),
    Case("下一步将加强培训，计划培训3次。", []),
    Case("适时举办全市政务公开和网站工作人员能力提升培训班2期。", []),
    Case("把政务公开纳入干部教育培训内容，全年集中培训不少于2次。", []),
    Case("2023年举办业务培训不少于4期。", []),
    Case("加强对工作人员业务培训。", []),
    Case("举办业务培训4期。", [], "problems"),  # in the measures without a word saying it happened
    Case("新增“上级政策培训”栏目，更新20次。", []),
    Case("下一步，组织培训班3期，培训干部200人次。", []),  # the plan frames the whole sentence
    Case("通过以会代训、视频沟通等形式加强业务指导。", []),
    Case("", []),
]
CASES_XFAIL = [  # known gaps, strict
    # the count comes in the next sentence
    Case("组织开展政务公开培训。共有120人参加。", [("组织开展政务公开培训。共有120人参加", None, None, 120, "exact")]),
]


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
def test_trainings(case: Case) -> None:
    found = extract_trainings_in(case.text, 0, len(case.text), case.section)  # type: ignore[arg-type]
    got = [(t.text, t.sessions, t.sessions_approx, t.attendees, t.attendees_approx) for t in found]
    assert got == case.expected
    assert all(case.text[t.start : t.end] == t.text for t in found)
    assert all(t.sessions is not None or t.attendees is not None for t in found)


def test_topic() -> None:
    text = "组织召开政务公开工作业务培训会议，共计140余人参加。"
    assert [t.topic for t in extract_trainings_in(text, 0, len(text), "overview")] == ["政务公开工作业务"]


def test_extract_trainings_reads_only_narrative_sections() -> None:
    text = "一、总体情况\n举办培训班2期。\n六、其他需要报告的事项\n举办培训班3期。"
    six = text.index("六、")
    sections = [
        Section(id="overview", heading="一、总体情况", start=0, end=six, body_start=7),
        Section(id="other", heading="六、其他需要报告的事项", start=six, end=len(text), body_start=six + 12),
    ]
    got = extract_trainings(text, sections)
    assert [(t.sessions, t.section) for t in got.items] == [(2, "overview")]


@pytest.mark.parametrize("text", ["培训", "培训" * 2000 + "3次", "“培训" + "1人" * 100, "培训。。。3次"])
def test_odd_text_never_raises(text: str) -> None:
    found = extract_trainings_in(text, 0, len(text), "overview")
    assert all(text[t.start : t.end] == t.text for t in found)


def test_doctests() -> None:
    assert doctest.testmod(gknlp.facts.trainings).failed == 0


@needs_shared
@pytest.mark.parametrize("name", SEED_NAMES)
def test_seed_trainings_match_gold(name: str) -> None:
    from gknlp.reader import read_file
    from gknlp.sections import find_sections

    text = read_file(SEEDS_DIR / name).text
    found = extract_trainings(text, find_sections(text).items).items
    gold = load_gold_seed(name)["trainings"]
    assert [(t.sessions, t.attendees) for t in found] == [(g["sessions"], g["attendees"]) for g in gold]
    assert [t.text for t in found] == [g["text"] for g in gold] or all(
        g["text"].replace(",", "，") == t.text.replace(",", "，") for t, g in zip(found, gold, strict=True)
    )
