"""Problems and measures: the points of the problems section (gknlp.facts.points).

Cases are tables: CASES_SEEDS are short made-up texts that reuse titles and
wordings of the seed reports (../shared/seeds); CASES_LAYOUTS are synthetic
section-五 texts in the genre, one per layout and with traps (统一是, 第一时间,
针对性, nested lists, lost line breaks) — they are the generalisation check;
CASES_XFAIL are known gaps, run as strict xfail. A seed test scores the real
seeds against their gold with the reference scorer's matching.
"""

from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import GOLD_SEEDS_DIR, SEED_NAMES, SHARED, needs_shared
from gknlp.errors import RuleFileError
from gknlp.facts.points import build_rules, extract_points, extract_points_in
from gknlp.model import PointsExtraction, Section
from gknlp.rules import load_path

Expected = str | tuple[str, str]  # text, or (heading, text)


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    problems: list[Expected] = field(default_factory=list)
    measures: list[Expected] = field(default_factory=list)


def _shape(found: PointsExtraction) -> tuple[list[Expected], list[Expected]]:
    def one(p):  # type: ignore[no-untyped-def]
        return (p.heading, p.text) if p.heading is not None else p.text

    return [one(p) for p in found.problems], [one(p) for p in found.measures]


CASES_SEEDS = [
    Case(
        "000-like: ；-list after framing, （一）titled measures",
        "在上级的指导下，我市取得了一定成绩，但与上级要求和群众期盼还有一定差距，还存在一些问题："
        "深度、广度有待拓展；宣传力度需要加强。针对存在问题和薄弱环节，下步重点抓好以下工作：\n\n"
        "（一）严格督导考核，狠抓工作落实\n\n把督查作为重要抓手。\n\n"
        "（二）依托标准目录，推动全面公开\n\n以标准目录为抓手。\n",
        problems=["深度、广度有待拓展", "宣传力度需要加强"],
        measures=[("严格督导考核，狠抓工作落实", "把督查作为重要抓手"), ("依托标准目录，推动全面公开", "以标准目录为抓手")],
    ),
    Case(
        "001-like: inline 一是 with ; then 一是 titled measures",
        "  虽然取得了积极成效,但还有一定差距。一是解读形式不够丰富;二是标准化工作仍需加强;三是低级错误还时有发生。\n"
        "  针对上述存在问题,2021年,我市将重点抓好以下几个方面的工作:\n"
        "  一是进一步提高政策解读内容质量。规范解读政策背景。\n"
        "  二是进一步强化基层“两化”落实。严格落实政策文件。\n",
        problems=["解读形式不够丰富", "标准化工作仍需加强", "低级错误还时有发生"],
        measures=[("进一步提高政策解读内容质量", "规范解读政策背景"), ("进一步强化基层“两化”落实", "严格落实政策文件")],
    ),
    Case(
        "002-like: (一)存在问题 / (二)改进措施 blocks",
        "(一)存在问题\n一是人员衔接力度不紧密。未能及时安排人员。\n二是公开内容解读不全面。公开较弱。\n"
        "(二)改进措施\n一是加强考核培训。深入落实考核通报制度。\n二是加强平台建设。充分利用新媒体平台。\n",
        problems=["人员衔接力度不紧密。未能及时安排人员", "公开内容解读不全面。公开较弱"],
        measures=[("加强考核培训", "深入落实考核通报制度"), ("加强平台建设", "充分利用新媒体平台")],
    ),
    Case(
        "003-like: 主要表现在 then 2020年是…将…重点做好以下工作",
        "2019年，全市工作虽然取得了一定成效，但也存在一些亟待解决的问题，主要表现在："
        "一是部分重点领域时效性不强，深度不够。二是基层标准化规范化不够。\n"
        "2020年是全面建成小康社会的关键之年，市政府将按照统一部署，进一步加强领导，重点做好以下工作："
        "一是完善制度体系，压实工作责任。建立健全工作制度。二是完善信息载体，提升服务质量。加强网站管理维护。",
        problems=["部分重点领域时效性不强，深度不够", "基层标准化规范化不够"],
        measures=[("完善制度体系，压实工作责任", "建立健全工作制度"), ("完善信息载体，提升服务质量", "加强网站管理维护")],
    ),
    Case(
        "004-like: 针对以上存在的问题 framing, one untitled measure",
        "\u3000\u30002020年，我县工作稳步推进，取得了一定成效，但对照上级要求和群众期望，仍存在一些问题，主要表现在："
        "一是公开工作队伍力量薄弱。人员流动性大。二是部分栏目内容少、更新慢。\n"
        "\u3000\u3000针对以上存在的问题，在今后的工作中，我县将进一步规范政务公开。"
        "一是完善考核制度。优化年度考核评价机制。二是进一步加大政务公开力度，及时发布信息。",
        problems=["公开工作队伍力量薄弱。人员流动性大", "部分栏目内容少、更新慢"],
        measures=[("完善考核制度", "优化年度考核评价机制"), "进一步加大政务公开力度，及时发布信息"],
    ),
]

CASES_LAYOUTS = [
    Case(
        'L01_shouxian_then_arabic_headed',
        '我局政务公开工作还存在一些不足。首先，政策解读的形式比较单一，图解、视频解读偏少。其次，部分科室对信息公开重视不够，信息报送不及时。最后，政务新媒体更新频率不高。\n'
        '下一步，我们将重点做好以下工作：\n'
        '1.加强组织领导。把政务公开列入重要议事日程，定期研究解决工作中的困难和问题。\n'
        '2.丰富解读形式。综合运用图解、视频、问答等方式开展政策解读，提升解读效果。\n'
        '3.强化平台管理。加强政务新媒体日常监管，确保信息及时更新。\n',
        problems=['政策解读的形式比较单一，图解、视频解读偏少', '部分科室对信息公开重视不够，信息报送不及时', '政务新媒体更新频率不高'],
        measures=[('加强组织领导', '把政务公开列入重要议事日程，定期研究解决工作中的困难和问题'), ('丰富解读形式', '综合运用图解、视频、问答等方式开展政策解读，提升解读效果'), ('强化平台管理', '加强政务新媒体日常监管，确保信息及时更新')],
    ),
    Case(
        'L02_blocks_cn_dun',
        '一、存在的问题\n'
        '1、信息公开的及时性有待提高，个别信息发布滞后。\n'
        '2、依申请公开答复的规范性还需加强。\n'
        '二、改进措施\n'
        '1、建立信息发布提醒机制，确保信息按时公开。\n'
        '2、规范依申请公开办理流程，提高答复质量。\n',
        problems=['信息公开的及时性有待提高，个别信息发布滞后', '依申请公开答复的规范性还需加强'],
        measures=['建立信息发布提醒机制，确保信息按时公开', '规范依申请公开办理流程，提高答复质量'],
    ),
    Case(
        'L03_single_prose',
        '我县政务公开工作虽然取得了一定成效，但仍存在政策解读不够深入、公开形式较为单一等问题。下一步，我县将进一步加强政策解读，丰富公开形式，提升公开质量。',
        problems=['但仍存在政策解读不够深入、公开形式较为单一等问题'],
        measures=['我县将进一步加强政策解读，丰富公开形式，提升公开质量'],
    ),
    Case(
        'L04_semicolon_then_yiyao',
        '对照上级要求，我区政务公开工作还存在一些薄弱环节：公开内容不够全面；部分单位答复不够规范；基层政务公开标准化建设进展较慢。为此，我区将着力抓好以下几方面工作：一要强化责任落实，明确各单位公开职责；二要加强业务培训，提升工作人员能力；三要推进基层标准化规范化建设，扩大公开覆盖面。',
        problems=['公开内容不够全面', '部分单位答复不够规范', '基层政务公开标准化建设进展较慢'],
        measures=['强化责任落实，明确各单位公开职责', '加强业务培训，提升工作人员能力', '推进基层标准化规范化建设，扩大公开覆盖面'],
    ),
    Case(
        'L05_diyi_then_paren_arabic',
        '第一，个别单位主动公开意识不强，公开内容不全面。第二，政务公开平台建设相对滞后，互动交流功能不完善。\n'
        '2021年，我市将继续深化政务公开工作：（1）加大主动公开力度，及时公开重点领域信息；（2）加强平台建设，完善互动交流功能；（3）严格考核评议，压实各方责任。',
        problems=['个别单位主动公开意识不强，公开内容不全面', '政务公开平台建设相对滞后，互动交流功能不完善'],
        measures=['加大主动公开力度，及时公开重点领域信息', '加强平台建设，完善互动交流功能', '严格考核评议，压实各方责任'],
    ),
    Case(
        'L06_one_paragraph_turn',
        '2020年，我委政务公开工作虽取得一定进展，但仍存在以下不足：一是信息公开的深度不够；二是政策解读质量有待提升。针对上述问题，我委将从以下方面加以改进：一是深化重点领域信息公开；二是提高政策解读质量，做到文件与解读同步；三是加强队伍建设。',
        problems=['信息公开的深度不够', '政策解读质量有待提升'],
        measures=['深化重点领域信息公开', '提高政策解读质量，做到文件与解读同步', '加强队伍建设'],
    ),
    Case(
        'L07_missing_yishi',
        '主要问题：公开内容不够全面；二是解读质量不高；三是部分栏目更新不及时。\n'
        '下步工作打算\n'
        '1. 加强内容保障，扩大公开范围。\n'
        '2. 提高解读质量，创新解读方式。\n',
        problems=['公开内容不够全面', '解读质量不高', '部分栏目更新不及时'],
        measures=['加强内容保障，扩大公开范围', '提高解读质量，创新解读方式'],
    ),
    Case(
        'L08_nested_measures',
        '我镇政务公开工作还存在人员力量不足、业务水平不高的问题。\n'
        '针对以上问题，我镇将采取以下措施：\n'
        '（一）加强队伍建设\n'
        '一是配齐配强政务公开工作人员；二是定期开展业务培训，提高工作人员业务能力。\n'
        '（二）完善工作机制\n'
        '一是建立信息审核发布制度；二是健全考核评议机制，确保各项工作落到实处。\n',
        problems=['我镇政务公开工作还存在人员力量不足、业务水平不高的问题'],
        measures=[('加强队伍建设', '一是配齐配强政务公开工作人员；二是定期开展业务培训，提高工作人员业务能力'), ('完善工作机制', '一是建立信息审核发布制度；二是健全考核评议机制，确保各项工作落到实处')],
    ),
    Case(
        'L09_split_five_six',
        '部分单位对政务公开工作认识不到位，重发布轻解读。\n'
        '政府信息公开目录更新不及时。\n'
        '六、改进措施\n'
        '（一）提高思想认识。各单位要充分认识政务公开工作的重要性，把政务公开作为一项经常性工作来抓。\n'
        '（二）加强目录管理。及时更新政府信息公开目录，确保目录内容准确完整。\n',
        problems=['部分单位对政务公开工作认识不到位，重发布轻解读', '政府信息公开目录更新不及时'],
        measures=[('提高思想认识', '各单位要充分认识政务公开工作的重要性，把政务公开作为一项经常性工作来抓'), ('加强目录管理', '及时更新政府信息公开目录，确保目录内容准确完整')],
    ),
    Case(
        'L10_traps',
        '存在的主要问题：一是部分信息未能做到第一时间发布，时效性不强；二是公开口径不统一，统一是下一阶段的难点。\n'
        '改进措施：一是建立第一时间发布机制，提高时效性；二是统一公开口径，规范发布流程。',
        problems=['部分信息未能做到第一时间发布，时效性不强', '公开口径不统一，统一是下一阶段的难点'],
        measures=['建立第一时间发布机制，提高时效性', '统一公开口径，规范发布流程'],
    ),
    Case(
        'L11_year_turn_circled',
        '当前我办政务公开工作仍有差距，主要表现在：①政务公开专区建设不够规范；②政策解读针对性不强；③依申请公开工作人员专业能力不足。\n'
        '2021年，我办将以问题为导向，重点做好以下工作：①规范政务公开专区建设，提升专区服务能力；②增强政策解读的针对性和实效性；③加强依申请公开业务培训。',
        problems=['政务公开专区建设不够规范', '政策解读针对性不强', '依申请公开工作人员专业能力不足'],
        measures=['规范政务公开专区建设，提升专区服务能力', '增强政策解读的针对性和实效性', '加强依申请公开业务培训'],
    ),
    Case(
        'L12_arabic_space_headed_paragraphs',
        '（一）存在问题\n'
        '我县政务公开工作还存在一些不足，主要是基层政务公开标准化规范化工作推进不平衡，部分乡镇公开内容不够全面。\n'
        '（二）改进措施\n'
        '1. 推进基层政务公开标准化规范化\n'
        '对照26个领域基层政务公开标准目录，指导各乡镇全面梳理公开事项，完善公开内容。\n'
        '\n'
        '2. 加强监督考核\n'
        '将政务公开工作纳入年度目标考核，定期通报各单位工作情况。\n'
        '\n',
        problems=['基层政务公开标准化规范化工作推进不平衡，部分乡镇公开内容不够全面'],
        measures=[('推进基层政务公开标准化规范化', '对照26个领域基层政务公开标准目录，指导各乡镇全面梳理公开事项，完善公开内容'), ('加强监督考核', '将政务公开工作纳入年度目标考核，定期通报各单位工作情况')],
    ),
    Case(
        'L13_problems_only',
        '一是公开内容不够丰富，群众关注的热点信息公开不及时；二是政策解读的形式较为单一。',
        problems=['公开内容不够丰富，群众关注的热点信息公开不及时', '政策解读的形式较为单一'],
        measures=[],
    ),
    Case(
        'L14_restart_no_turn',
        '我县政务公开工作存在的问题主要表现在：一是信息发布不够及时；二是政策解读不够深入。\n'
        '（一）健全信息发布机制，确保信息及时发布。\n'
        '（二）加强政策解读，提高解读的深度和广度。\n',
        problems=['信息发布不够及时', '政策解读不够深入'],
        measures=['健全信息发布机制，确保信息及时发布', '加强政策解读，提高解读的深度和广度'],
    ),
    Case(
        'L15_cue_split',
        '1.部分单位政务公开意识不强，信息报送不及时。\n'
        '2.网站栏目设置不够科学，部分栏目长期未更新。\n'
        '3.加强政务公开业务培训，提升工作人员业务素质。\n'
        '4.优化网站栏目设置，加强日常维护管理。\n',
        problems=['部分单位政务公开意识不强，信息报送不及时', '网站栏目设置不够科学，部分栏目长期未更新'],
        measures=['加强政务公开业务培训，提升工作人员业务素质', '优化网站栏目设置，加强日常维护管理'],
    ),
    Case(
        'L16_prose_sentences',
        '部分单位对政务公开工作重视不够，公开内容不够全面。政策解读形式比较单一，解读质量有待提升。\n'
        '今后，我们将进一步提高思想认识，加大公开力度。同时，创新政策解读形式，不断提升解读质量。',
        problems=['部分单位对政务公开工作重视不够，公开内容不够全面', '政策解读形式比较单一，解读质量有待提升'],
        measures=['我们将进一步提高思想认识，加大公开力度', '创新政策解读形式，不断提升解读质量'],
    ),
    Case(
        'L17_measures_no_headings',
        '还存在一些问题：网站信息更新不及时、政策解读不到位。\n'
        '下一步工作中，我们将一是加强网站管理，提高信息更新频率；二是加强政策解读，做到文件与解读同步发布；三是加强考核，确保工作落实到位。',
        problems=['网站信息更新不及时、政策解读不到位'],
        measures=['加强网站管理，提高信息更新频率', '加强政策解读，做到文件与解读同步发布', '加强考核，确保工作落实到位'],
    ),
    Case(
        'L18_prose_then_list',
        '我市政务公开工作还存在一些不容忽视的问题，如部分单位信息公开不够及时，政策解读不够深入，基层政务公开发展不平衡。\n'
        '（一）加强督促检查。定期对各单位信息公开情况进行检查通报，推动信息及时公开。\n'
        '（二）深化政策解读。坚持政策文件与解读方案同步起草、同步审签、同步发布。\n'
        '（三）推进基层公开。指导各乡镇（街道）加快标准化规范化建设。\n',
        problems=['部分单位信息公开不够及时，政策解读不够深入，基层政务公开发展不平衡'],
        measures=[('加强督促检查', '定期对各单位信息公开情况进行检查通报，推动信息及时公开'), ('深化政策解读', '坚持政策文件与解读方案同步起草、同步审签、同步发布'), ('推进基层公开', '指导各乡镇（街道）加快标准化规范化建设')],
    ),
    Case(
        'L19_closing_paragraph',
        '存在的问题和不足：\n'
        '一是少数单位对政务公开工作重视程度不够。\n'
        '二是工作人员业务能力有待提升。\n'
        '改进措施及下一步工作计划：\n'
        '一是加强组织领导。进一步明确分管领导和工作人员职责，形成一级抓一级的工作格局。\n'
        '二是加强学习培训。定期组织业务培训，提高工作人员的业务素质和能力水平。\n'
        '总之，我们将以更加务实的作风推动政务公开工作再上新台阶。\n',
        problems=['少数单位对政务公开工作重视程度不够', '工作人员业务能力有待提升'],
        measures=[('加强组织领导', '进一步明确分管领导和工作人员职责，形成一级抓一级的工作格局'), ('加强学习培训', '定期组织业务培训，提高工作人员的业务素质和能力水平')],
    ),
    Case(
        'L20_zhendui_trap',
        '部分单位政策解读针对性不强的问题依然存在；信息发布审核把关不严，偶有错别字。\n'
        '针对上述问题，下一步我们将做好以下工作：首先，加强政策解读，提高针对性；其次，严格信息发布审核，杜绝低级错误。',
        problems=['部分单位政策解读针对性不强的问题依然存在', '信息发布审核把关不严，偶有错别字'],
        measures=['加强政策解读，提高针对性', '严格信息发布审核，杜绝低级错误'],
    ),
    Case(
        'L21_lost_line_breaks',
        '我局高度重视政务公开工作，取得了一定成效。（一）存在问题 1.政府信息公开的主动性不强。2.公开内容的规范性有待加强。（二）改进措施 1.增强主动公开意识，做到应公开尽公开。2.规范公开内容和格式，提高公开质量。',
        problems=['政府信息公开的主动性不强', '公开内容的规范性有待加强'],
        measures=['增强主动公开意识，做到应公开尽公开', '规范公开内容和格式，提高公开质量'],
    ),
    Case(
        'L22_lost_breaks_headed',
        '针对上述问题，我市将重点抓好以下工作：（一）强化督导考核 将政务公开纳入绩效考核，加大考核权重。（二）加强载体建设 规范政府网站和政务新媒体管理，提升服务能力。',
        problems=[],
        measures=[('强化督导考核', '将政务公开纳入绩效考核，加大考核权重'), ('加强载体建设', '规范政府网站和政务新媒体管理，提升服务能力')],
    ),
    Case(
        'L23_nested_same_family',
        '存在问题：一是公开时效性不强。二是解读深度不够。\n'
        '下一步工作打算：一是加快信息发布。二是深化政策解读。三是加强队伍建设，一是配齐工作人员，二是加强业务培训。四是强化考核问责。',
        problems=['公开时效性不强', '解读深度不够'],
        measures=['加快信息发布', '深化政策解读', '加强队伍建设，一是配齐工作人员，二是加强业务培训', '强化考核问责'],
    ),
    Case(
        'L24_yiyao_traps',
        '部分单位执行统一要求不到位，公开格式不规范。\n'
        '今后，我们将重点做好以下几点：一要严格执行统一要求，规范公开格式；二要加强日常监督检查。',
        problems=['部分单位执行统一要求不到位，公开格式不规范'],
        measures=['严格执行统一要求，规范公开格式', '加强日常监督检查'],
    ),
    Case(
        'L25_framing_only',
        '我市政务公开工作取得了一定成绩，但与上级要求和群众期盼还有一定差距。',
        problems=[],
        measures=[],
    ),
    Case(
        'L26_paren_headed_problems_and_measures',
        '（一）存在的主要问题\n'
        '1.信息公开不够及时\n'
        '部分单位信息发布存在滞后现象，时效性有待提高。\n'
        '2.政策解读不够深入\n'
        '解读材料多为文字形式，图解、视频等形式运用较少。\n'
        '（二）下一步工作计划\n'
        '1.健全信息发布机制\n'
        '明确信息发布时限，加强督促检查。\n'
        '2.创新政策解读方式\n'
        '多运用图解、音视频等形式解读政策，提升解读效果。\n',
        problems=[('信息公开不够及时', '部分单位信息发布存在滞后现象，时效性有待提高'), ('政策解读不够深入', '解读材料多为文字形式，图解、视频等形式运用较少')],
        measures=[('健全信息发布机制', '明确信息发布时限，加强督促检查'), ('创新政策解读方式', '多运用图解、音视频等形式解读政策，提升解读效果')],
    ),
    Case(
        'L27_zai_xiabu_turn_dunhao_measures',
        '我区政务公开工作中存在的问题主要有：政务公开专栏内容更新不及时；依申请公开答复文书不够规范。\n'
        '在下一步工作中，我们将着力做好以下工作：\n'
        '一、加强专栏管理。明确专人负责专栏内容更新，做到及时准确。\n'
        '二、规范答复文书。制定依申请公开答复文书范本，统一答复格式。\n',
        problems=['政务公开专栏内容更新不及时', '依申请公开答复文书不够规范'],
        measures=[('加强专栏管理', '明确专人负责专栏内容更新，做到及时准确'), ('规范答复文书', '制定依申请公开答复文书范本，统一答复格式')],
    ),
    Case(
        'L28_wei_genghao_turn_prose',
        '部分乡镇政务公开工作发展不平衡，个别村务公开栏内容陈旧。为更好地推进基层政务公开工作，我们将加强对乡镇的业务指导，定期开展督导检查；同时督促各村及时更新公开栏内容。',
        problems=['部分乡镇政务公开工作发展不平衡，个别村务公开栏内容陈旧'],
        measures=['我们将加强对乡镇的业务指导，定期开展督导检查', '督促各村及时更新公开栏内容'],
    ),
]

CASES_BUGS: list[Case] = [  # one per bug fixed, never deleted
    Case(
        'B00_framing_sentence_with_its_final_mark_is_not_a_point',
        '今年我区政务公开工作虽然取得了新的进展，但对照上级要求仍有不足。一方面，个别街道对公开工作重视不够。'
        '另一方面，政策解读形式比较单一。\n下一步，区政府将压实街道公开责任；丰富政策解读形式。',
        problems=['个别街道对公开工作重视不够', '政策解读形式比较单一'],
        measures=['区政府将压实街道公开责任', '丰富政策解读形式'],
    ),
    Case(
        'B01_cixi_list_then_ciwai_is_a_fourth_point',
        '存在的主要问题：首先，政策解读的针对性不强，解读材料多为文件摘要。其次，基层政务公开标准化建设进展不平衡。'
        '再次，依申请公开答复文书不够规范。此外，政务新媒体内容更新不够及时，互动回应较少。\n'
        '改进措施：首先，提升解读质量，推行图文、视频等多样化解读。其次，推进基层标准化规范化建设。'
        '再次，规范依申请公开办理流程。另外，加强政务新媒体日常监管，建立巡查通报机制。',
        problems=['政策解读的针对性不强，解读材料多为文件摘要', '基层政务公开标准化建设进展不平衡',
                  '依申请公开答复文书不够规范', '政务新媒体内容更新不够及时，互动回应较少'],
        measures=['提升解读质量，推行图文、视频等多样化解读', '推进基层标准化规范化建设', '规范依申请公开办理流程',
                  '加强政务新媒体日常监管，建立巡查通报机制'],
    ),
    Case(
        'B02_tongshi_after_three_points_is_a_fourth_point',
        '存在问题：首先，网站栏目设置不够合理。其次，部分信息发布不及时。再次，解读形式单一。'
        '同时，工作人员业务水平有待提高。\n'
        '下一步工作计划：首先，优化网站栏目。其次，严格信息发布时限。再次，丰富解读形式。同时，加强业务培训。',
        problems=['网站栏目设置不够合理', '部分信息发布不及时', '解读形式单一', '工作人员业务水平有待提高'],
        measures=['优化网站栏目', '严格信息发布时限', '丰富解读形式', '加强业务培训'],
    ),
    Case(
        'B03_framing_from_n_aspects_with_full_stop',
        '工作人员业务能力有待提升，对条例理解不够深入。网站部分栏目更新不及时。'
        '下一步，我局将从五个方面持续发力。加强培训，提升工作人员业务能力。完善网站栏目巡查机制，确保信息及时更新。',
        problems=['工作人员业务能力有待提升，对条例理解不够深入', '网站部分栏目更新不及时'],
        measures=['加强培训，提升工作人员业务能力', '完善网站栏目巡查机制，确保信息及时更新'],
    ),
    Case(
        'B04_framing_arabic_n_aspects',
        '政务公开平台建设相对滞后，信息检索功能不完善。'
        '下一步，我中心将从4个方面着力改进。优化平台检索功能，提升用户体验。建立信息更新台账，逐月开展核查。',
        problems=['政务公开平台建设相对滞后，信息检索功能不完善'],
        measures=['优化平台检索功能，提升用户体验', '建立信息更新台账，逐月开展核查'],
    ),
    Case(
        'B05_framing_yixia_ji_fangmian_gongzuo',
        '基层政务公开专业力量不足，信息员多为兼职。'
        '下一步，我们将重点做好以下几方面工作。充实基层公开力量，保持队伍稳定。每半年开展一次专题培训。',
        problems=['基层政务公开专业力量不足，信息员多为兼职'],
        measures=['充实基层公开力量，保持队伍稳定', '每半年开展一次专题培训'],
    ),
]

CASES_XFAIL = [
    Case(
        "一方面…另一方面 in one sentence is two problems",
        "存在问题：一方面公开不够及时，另一方面解读不够深入。\n改进措施：加强信息发布管理，提高时效。",
        problems=["公开不够及时", "解读不够深入"],
        measures=["加强信息发布管理，提高时效"],
    ),
    Case(
        "an unnumbered measure with a title sentence gets no heading",
        "存在问题：部分单位公开不及时。\n改进措施：加强培训。定期组织业务培训，提高能力。",
        problems=["部分单位公开不及时"],
        measures=[("加强培训", "定期组织业务培训，提高能力")],
    ),
    Case(
        "prose measures after an inline list with no turn words are lost",
        "一是公开不及时；二是解读不深入。\n要进一步加强信息发布管理，提高时效。",
        problems=["公开不及时", "解读不深入"],
        measures=["要进一步加强信息发布管理，提高时效"],
    ),
]

ALL_CASES = [
    *CASES_SEEDS,
    *CASES_LAYOUTS,
    *CASES_BUGS,
    *(pytest.param(c, marks=pytest.mark.xfail(strict=True)) for c in CASES_XFAIL),
]


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name[:40])
def test_points(case: Case) -> None:
    found = extract_points_in(case.text, 0, len(case.text))
    assert _shape(found) == (case.problems, case.measures)


@pytest.mark.parametrize("case", [*CASES_SEEDS, *CASES_LAYOUTS, *CASES_XFAIL], ids=lambda c: c.name[:40])
def test_point_invariants(case: Case) -> None:
    """Offsets slice the text; no marker, no final 。/；, the heading sits right before its body."""
    found = extract_points_in(case.text, 0, len(case.text))
    for p in (*found.problems, *found.measures):
        assert case.text[p.start : p.end] == p.text
        assert p.text and p.text[-1] not in "。；;，, \n"
        if p.heading is None:  # a titled point's body may open a nested list
            assert not re.match(r"[一二三四五六七八九十]是|[（(][一二三四五六七八九十1-9][）)]|[1-9][.、．]|[①-⑩]", p.text)
        assert p.themes == () and p.scores == {}
        if p.heading is not None:
            assert p.heading in case.text[max(0, p.start - len(p.heading) - 8) : p.start]


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("", "problems section: empty"),
        ("   \n  ", "problems section: empty"),
        ("%", "problems section: could not split into points"),
        ("我市政务公开工作取得了一定成绩，但与上级要求还有一定差距。", "problems section: could not split into points"),
        ("一是公开内容不够丰富；二是解读形式较为单一。", "problems section: no measures found"),
        ("针对上述问题，我们将做好以下工作：一是加强培训；二是完善制度。", "problems section: no problems found"),
    ],
)
def test_odd_text_warns(text: str, warning: str) -> None:
    assert warning in extract_points_in(text, 0, len(text)).warnings


def test_span_and_offsets_into_the_whole_text() -> None:
    before = "四、行政复议情况\n无。\n五、存在的主要问题及改进情况\n"
    body = "一是公开不及时；二是解读不深入。\n下一步，我们将一是加强培训；二是完善制度。\n"
    text = before + body + "六、其他需要报告的事项\n无。"
    found = extract_points_in(text, len(before), len(before) + len(body))
    assert [p.text for p in found.problems] == ["公开不及时", "解读不深入"]
    assert [text[p.start : p.end] for p in found.measures] == ["加强培训", "完善制度"]
    # Out-of-range spans are clamped, never raise.
    assert extract_points_in(text, -5, 10**6).warnings is not None


def test_extract_points_uses_the_problems_section() -> None:
    head = "五、存在问题及改进措施\n"
    text = head + "一是公开不及时；二是解读不深入。\n针对上述问题，一是加强培训；二是完善制度。"
    problems = Section(id="problems", heading="五、存在问题及改进措施", start=0, end=len(text), body_start=len(head))
    overview = Section(id="overview", heading="一、总体情况", start=0, end=0, body_start=0)
    found = extract_points(text, [overview, problems])
    assert [p.text for p in found.problems] == ["公开不及时", "解读不深入"]
    assert [p.text for p in found.measures] == ["加强培训", "完善制度"]
    assert extract_points(text, [overview]) == PointsExtraction((), ())


def test_a_long_section_is_fast() -> None:
    unit = "一是公开内容不够丰富，解读形式较为单一；二是基层公开推进不平衡。针对上述问题，一是加强培训；二是完善制度。\n"
    text = unit * 400
    found = extract_points_in(text, 0, len(text))
    assert len(found.problems) == 2


def test_many_markers_stay_fast() -> None:
    text = "一是" * 30_000  # 30 000 list starts: the list logic must not be quadratic
    found = extract_points_in(text, 0, len(text))
    assert any("only the first" in w for w in found.warnings)


def test_random_fragments_never_raise() -> None:
    """Shuffled markers, cues and punctuation: offsets stay valid, nothing raises."""
    pieces = ["一是", "二是", "（一）", "（二）", "1.", "2、", "①", "首先，", "最后，", "第一，", "存在问题\n",
              "改进措施：", "针对上述问题，", "下一步，", "我们将", "：", "；", "。", "，", "\n", "  ", "部分单位重视不够",
              "加强培训", "有待提升", "统一是", "第一时间", "、", "(", "）", "\u3000", "5", "差距"]
    rnd = random.Random(7)
    for _ in range(400):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40)))
        found = extract_points_in(text, 0, len(text))
        for p in (*found.problems, *found.measures):
            assert p.text and text[p.start : p.end] == p.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[marker]]\nid = "m"\nfamily = "x"\npattern = "一是"\nexamples = ["一是"]\ncounter_examples = []\n', "group 'n'"),
        ('[[marker]]\nid = "m"\npattern = "(?P<n>一)是"\nexamples = ["一是"]\ncounter_examples = []\n', "'family'"),
        ('[[block]]\nid = "b"\nkind = "other"\npattern = "x"\nexamples = ["x"]\ncounter_examples = []\n', "'kind'"),
        ("[heading]\nmax_chars = 30\n", "must be integers"),
    ],
)
def test_bad_points_rules_fail_loudly(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "points.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"rules/points\.toml: .*" + re.escape(message)):
        build_rules(load_path(path))


# ---------------------------------------------------------------- the seeds vs gold


def _text_sim(a: str, b: str) -> float:
    sys.path.insert(0, str(SHARED / "tools"))
    from score import text_sim  # type: ignore[import-not-found]

    return float(text_sim(a, b))


def _problems_body(text: str) -> tuple[int, int]:
    """The seed's section 五 body: from after the 五、 heading line to the 六、 heading line."""
    five = re.search(r"(?m)^\s*五、.*$", text)
    six = re.search(r"(?m)^\s*六、.*$", text)
    assert five is not None
    return five.end(), six.start() if six else len(text)


@needs_shared
def test_seeds_against_gold() -> None:
    """Problems/measures F1 and heading accuracy with score.py's matching (text_sim >= 0.6 / 0.8)."""
    tp = fp = fn = 0
    headings_right = headings = 0
    for name in SEED_NAMES:
        gold_path = GOLD_SEEDS_DIR / (Path(name).stem + ".json")
        if not gold_path.is_file():
            continue
        gold = json.loads(gold_path.read_text("utf-8"))
        # What the reader does to these .txt seeds: drop bold marks and Word bookmarks.
        raw = (SHARED / "seeds" / name).read_text("utf-8")
        text = raw.replace("**", "").replace("[bookmark: _GoBack]", "")
        found = extract_points_in(text, *_problems_body(text))
        for key in ("problems", "measures"):
            preds = list(getattr(found, key))
            used: set[int] = set()
            for g in gold[key]:
                j = next((j for j, p in enumerate(preds) if j not in used and _text_sim(g["text"], p.text) >= 0.6), None)
                if j is None:
                    continue
                used.add(j)
                if key == "measures" and g.get("heading"):
                    headings += 1
                    headings_right += _text_sim(g["heading"], preds[j].heading or "") >= 0.8
            tp += len(used)
            fp += len(preds) - len(used)
            fn += len(gold[key]) - len(used)
    assert tp, "no gold seeds found"
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.92, (tp, fp, fn)
    assert headings_right / headings >= 0.9, (headings_right, headings)
