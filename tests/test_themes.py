"""The theme classifier: saved model, predictions on real-style points, storage errors."""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from conftest import GOLD_SEEDS_DIR
from gknlp import themes
from gknlp.errors import ModelError
from gknlp.model import Point
from gknlp.rules import load_rule_file

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpora" / "themes"


@pytest.fixture(scope="module")
def model() -> themes.ThemeModel:
    return themes.load_model()


@dataclass(frozen=True)
class Case:
    text: str
    expected: frozenset[str]  # every one of these must be predicted
    absent: frozenset[str] = frozenset()  # none of these may be predicted


def case(text: str, expected: str, absent: str = "") -> Case:
    return Case(text, frozenset(expected.split()), frozenset(absent.split()))


CASES_SPEC = [  # the examples of shared/spec/THEMES.md and the brief
    case("加强业务培训，提升队伍素质", "training staffing"),
    case("通过新闻发布会解读政策", "interpretation", "platform"),
    case("政策解读形式单一，图解、视频等解读方式运用不多", "interpretation", "platform"),
    case("进一步加强业务培训，提升工作人员能力", "training", "interpretation"),
]
CASES_REAL_STYLE = [  # points written in the genre, not copied from any report
    case("部分栏目更新不及时，个别栏目长期无内容", "timeliness"),
    case("依申请公开答复格式不统一，个别申请超过法定期限答复", "requests"),
    case("整合政府网站和政务新媒体，推进集约化建设", "platform", "interpretation"),
    case("对落实不力的单位予以通报，并约谈主要负责人", "supervision"),
    case("公开信息中含有身份证号码等个人隐私，保密审查不严", "security"),
    case("群众对政府信息公开的知晓率不高", "publicity"),
    case("各乡镇之间工作进展参差不齐", "balance"),
    case("个别单位领导对政务公开重视程度不够，被动公开", "awareness"),
    case("财政预决算和重大建设项目信息公开不够细化", "key_areas"),
    case("发布的信息存在错别字、数据错误等低级错误", "accuracy", "timeliness"),
    case("畅通政民互动渠道，及时回应群众关切", "response"),
    case("编制乡镇政务公开事项标准目录，推进基层两化工作", "standardization"),
    case("建立健全政务公开工作制度，规范工作流程", "mechanism"),
    case("公开内容不全面，实用性不强", "coverage"),
]
CASES_CONFUSABLE = [  # a channel, a quantifier or 制度 only mentioned; long points with framing
    case("单位门户网站的部分栏目很久没有更新，内容还是去年的", "timeliness"),
    case("公开栏上的通知过期很久也没有撤下更换", "timeliness", "platform"),
    case("在网站上发布的解读材料以转载文件为主，解读不深", "interpretation", "platform"),
    case("各乡镇公开工作落实力度不一，有的乡镇明显落后", "balance"),
    case("少数部门政务公开工作进展迟缓，与其他部门差距拉大", "balance"),
    case("按照制度要求组织了两次业务培训，但参训人员偏少", "training", "mechanism"),
    case("修订政务公开工作规则，理顺信息审核发布流程", "mechanism"),
    case("信息公开工作与先进地区相比还有差距，主要表现在信息发布滞后、公开内容不够全面", "coverage timeliness"),
]


@pytest.mark.parametrize("case", [*CASES_SPEC, *CASES_REAL_STYLE, *CASES_CONFUSABLE], ids=lambda c: c.text[:16])
def test_predict(case: Case, model: themes.ThemeModel) -> None:
    (found,) = model.predict([case.text])
    names = [theme for theme, _ in found]
    assert case.expected <= set(names), names
    assert not case.absent & set(names), names
    assert 1 <= len(found) <= 3
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


def test_odd_text_never_raises(model: themes.ThemeModel) -> None:
    assert model.predict(["", "   ", "。。。", "%"])[:2] == [[], []]


def test_tag_points_uses_heading(model: themes.ThemeModel) -> None:
    point = Point(text="按季度考评各单位公开工作并通报结果", heading="加强考核培训", start=0, end=0, rule="t")
    (tagged,) = themes.tag_points([point], model)
    assert "training" in tagged.themes and "supervision" in tagged.themes
    assert set(tagged.scores) == set(tagged.themes)
    assert (tagged.text, tagged.heading, tagged.rule) == (point.text, point.heading, point.rule)
    assert themes.tag_points([], model) == ()


def test_metadata_hash_is_training_data_hash(model: themes.ThemeModel) -> None:
    # fails when corpora/themes/train.jsonl is edited without `gknlp train`
    assert model.metadata["train_sha256"] == themes.training_sha256(CORPUS)


def test_thresholds_and_deciders_for_every_theme(model: themes.ThemeModel) -> None:
    assert len(themes.theme_ids()) == 17
    assert model.labels == themes.theme_ids()
    assert set(model.thresholds) == set(model.deciders) == set(themes.theme_ids())
    assert all(0.0 < t < 1.0 for t in model.thresholds.values())
    assert set(model.deciders.values()) <= {"model", "baseline"}


def test_heldout_floors(model: themes.ThemeModel) -> None:
    # floors on the fixed held-out split; they may only go up
    overall = themes.evaluate_heldout(CORPUS, model)
    assert overall.model_micro.f1 >= 0.91 and overall.model_macro_f1 >= 0.92
    assert overall.model_micro.f1 > overall.baseline_micro.f1
    if not GOLD_SEEDS_DIR.is_dir():
        pytest.skip("../shared is absent: no seed points to score")
    seeds = themes.evaluate_heldout(CORPUS, model, source_prefix="seed:", seeds_dir=GOLD_SEEDS_DIR)
    assert seeds.points >= 30
    assert seeds.model_micro.f1 >= 0.86 and seeds.model_macro_f1 >= 0.87
    assert "micro" in overall.format_table()


@pytest.mark.parametrize("rule", load_rule_file("themes.toml").all_rules(), ids=lambda r: r["id"])
def test_rule_examples(rule: dict[str, object]) -> None:
    for text in rule["examples"]:  # type: ignore[attr-defined]
        assert themes.rule_fires(str(rule["id"]), text), text
    for text in rule["counter_examples"]:  # type: ignore[attr-defined]
        assert not themes.rule_fires(str(rule["id"]), text), text


@pytest.fixture()
def model_copy(tmp_path: Path) -> Path:
    source = themes.default_model_path()
    target = tmp_path / source.name
    shutil.copy(source, target)
    shutil.copy(themes.metadata_path(source), themes.metadata_path(target))
    return target


def _edit_metadata(path: Path, **changes: object) -> None:
    meta_path = themes.metadata_path(path)
    meta = json.loads(meta_path.read_text("utf-8"))
    meta.update(changes)
    meta_path.write_text(json.dumps(meta), "utf-8")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        themes.load_model(tmp_path / "nothing.npz")


def test_missing_metadata(model_copy: Path) -> None:
    themes.metadata_path(model_copy).unlink()
    with pytest.raises(ModelError, match="metadata not found"):
        themes.load_model(model_copy)


def test_other_label_set(model_copy: Path) -> None:
    _edit_metadata(model_copy, labels=[*themes.theme_ids()[:-1], "weather"])
    with pytest.raises(ModelError, match="another label set"):
        themes.load_model(model_copy)


def test_other_format_version(model_copy: Path) -> None:
    _edit_metadata(model_copy, format=1)
    with pytest.raises(ModelError, match="format 1, this gknlp reads format 2"):
        themes.load_model(model_copy)


def test_library_versions_are_information_only(model_copy: Path) -> None:
    # inference is numpy arithmetic on stored arrays: another scikit-learn is fine
    _edit_metadata(model_copy, versions={"sklearn": "0.24.2"})
    assert themes.load_model(model_copy).metadata["versions"] == {"sklearn": "0.24.2"}


def test_cue_words_edited(model_copy: Path) -> None:
    _edit_metadata(model_copy, cues_sha256="0" * 64)
    with pytest.raises(ModelError, match="cue words"):
        themes.load_model(model_copy)


def test_other_tfidf_settings(model_copy: Path) -> None:
    meta = json.loads(themes.metadata_path(model_copy).read_text("utf-8"))
    meta["tfidf"]["char"]["ngram_range"] = [1, 2]
    _edit_metadata(model_copy, tfidf=meta["tfidf"])
    with pytest.raises(ModelError, match="TF-IDF settings"):
        themes.load_model(model_copy)


def test_corrupt_file(model_copy: Path) -> None:
    model_copy.write_bytes(model_copy.read_bytes()[:1000])
    with pytest.raises(ModelError, match="corrupt"):
        themes.load_model(model_copy)


def test_corrupt_metadata(model_copy: Path) -> None:
    themes.metadata_path(model_copy).write_text("{not json", "utf-8")
    with pytest.raises(ModelError, match="unreadable"):
        themes.load_model(model_copy)


def test_training_is_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a small subset and one grid point keep this fast; `gknlp train` trains the full model
    monkeypatch.setattr(themes, "C_GRID", (10.0,))
    monkeypatch.setattr(themes, "CUE_WEIGHT_GRID", (0.25,))
    lines = (CORPUS / "train.jsonl").read_text("utf-8").splitlines()
    (tmp_path / "train.jsonl").write_text("\n".join(lines[::5]) + "\n", "utf-8")
    first, second = themes.train(tmp_path), themes.train(tmp_path)
    texts = ["加强业务培训，提升队伍素质", "部分栏目更新不及时"]
    assert first.predict(texts) == second.predict(texts)
    assert first.thresholds == second.thresholds
    saved = themes.save_model(first, tmp_path / "m" / "themes.npz")
    assert themes.load_model(saved).predict(texts) == first.predict(texts)
    # the export is deterministic: the same data gives the same bytes
    again = themes.save_model(second, tmp_path / "n" / "themes.npz")
    assert saved.read_bytes() == again.read_bytes()
    assert themes.metadata_path(saved).read_bytes() == themes.metadata_path(again).read_bytes()


def test_model_file_is_plain_arrays() -> None:
    # no pickled objects: np.load with allow_pickle=False reads every member
    with np.load(themes.default_model_path(), allow_pickle=False) as archive:
        assert sorted(archive.files) == sorted(themes.ARRAY_NAMES)
        assert all(archive[name].dtype.kind in "fU" for name in archive.files)


@pytest.fixture(scope="module")
def sklearn_fit(model: themes.ThemeModel) -> dict[str, object]:
    # the shipped model's own hyper-parameters, refitted with scikit-learn (under a second)
    points = themes.read_split(CORPUS, "train")
    y = themes._binarize(points, themes.theme_ids())
    return themes._fit([p.text for p in points], y, model.metadata["C"], model.metadata["cue_weight"])


def test_shipped_arrays_are_the_trained_model(model: themes.ThemeModel, sklearn_fit: dict[str, object]) -> None:
    fitted = themes._export(sklearn_fit, model.metadata["cue_weight"])
    assert fitted.char_vocab == model.weights.char_vocab and fitted.word_vocab == model.weights.word_vocab
    for name, array in fitted.arrays().items():
        assert np.allclose(array, model.weights.arrays()[name], rtol=0, atol=1e-12) if array.dtype.kind == "f" \
            else (array == model.weights.arrays()[name]).all(), name


def test_numpy_inference_equals_sklearn(model: themes.ThemeModel, sklearn_fit: dict[str, object]) -> None:
    texts = [p.text for p in themes.read_split(CORPUS, "heldout")]
    texts += ["", "   ", "%", "Ａ　Ｂ  c\td", "加强业务培训，提升队伍素质"]
    expected = themes._probabilities(sklearn_fit, texts, model.metadata["cue_weight"])
    found = model.scores(texts)
    assert found.shape == expected.shape == (len(texts), 17)
    assert np.abs(found - expected).max() < 1e-9
    # the same theme lists as the scikit-learn pipeline would give
    sk_model = dataclasses.replace(model, weights=_SklearnWeights(sklearn_fit, model.metadata["cue_weight"]))
    assert model.predict(texts) == sk_model.predict(texts)


@dataclasses.dataclass(frozen=True)
class _SklearnWeights:
    estimators: dict[str, object]
    cue_weight: float

    def probabilities(self, texts: list[str]) -> np.ndarray:
        return themes._probabilities(self.estimators, texts, self.cue_weight)
