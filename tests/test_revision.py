"""Revising a draft by talking to it, as staff type it: real drafts in, the changed draft, reply and findings out.

The drafts are made from the sample corpus (示例市科学技术局 2024 → 2025, fictional), both seeds (2018 → 2019)
and the real Pingtan 2022 report (→ 2023), with the fictional figures files of tests/fixtures/figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REAL, ROOT, SEEDS

from reportassist import read_report
from reportassist.drafting import DraftInputs, assemble_draft
from reportassist.given_figures import load_figures
from reportassist.markers import find_marks
from reportassist.model import Draft, ReportFormat
from reportassist.revision import Turn, revise
from reportassist.revision.values import cell_keys
from reportassist.schema import keys_for, label_of

SAMPLE = ROOT / "corpus" / "示例市科学技术局"
FIGURES = ROOT / "tests" / "fixtures" / "figures"


def _draft(prior: Path, year: int, figures: Path, *, prose: bool = True) -> Draft:
    given = load_figures(figures, year)
    inputs = DraftInputs(
        prior=read_report(prior),
        year=year,
        figures=given.figures,
        prose=given.prose if prose else {},
        figures_source=figures.name,
    )
    return assemble_draft(inputs)


@pytest.fixture(scope="module")
def sample() -> Draft:
    """The 2025 draft of the fictional agency, its prose figures left to fill."""
    return _draft(SAMPLE / "2024.md", 2025, SAMPLE / "figures-2025.yaml", prose=False)


@pytest.fixture(scope="module")
def quanzhou() -> Draft:
    return _draft(SEEDS / "quanzhou-kjj-2018.txt", 2019, FIGURES / "quanzhou-2019.yaml")


@pytest.fixture(scope="module")
def panzhihua() -> Draft:
    return _draft(SEEDS / "panzhihua-kjj-2018.txt", 2019, FIGURES / "panzhihua-2019.yaml")


@pytest.fixture(scope="module")
def pingtan() -> Draft:
    return _draft(REAL / "pingtan-2022.txt", 2023, FIGURES / "pingtan-2023.yaml")


def _state(draft: Draft) -> dict[str, object]:
    """What staff see of a draft: everything but its history."""
    return draft.model_dump(mode="json", exclude={"history", "undone", "proposal"})


def _unchanged(before: Draft, turn: Turn) -> None:
    assert not turn.applied, turn.reply
    assert _state(turn.draft) == _state(before)
    assert turn.draft.history == before.history


# ---------------------------------------------------------------------------------------------- figures


@pytest.mark.parametrize(
    "message",
    ["行政处罚的处理决定改为13件", "把表二行政处罚的本年处理决定数量改成１３", "行政处罚决定应为13件。"],
)
def test_a_table_figure_set_by_its_chinese_name(sample: Draft, message: str) -> None:
    turn = revise(sample, message)
    assert turn.applied, turn.reply
    assert turn.draft.figures["t2.penalty.decisions"] == 13
    assert turn.draft.figure_origins["t2.penalty.decisions"].kind == "staff"
    # the sentence citing it follows, and the reply says before -> after
    assert "依法作出行政处罚决定13件" in turn.draft.body()[0]
    assert any(
        c.kind == "figure" and c.after == 13 and c.before == sample.figures["t2.penalty.decisions"]
        for c in turn.changes
    )
    assert "13" in turn.reply and "→" in turn.reply
    assert sample.figures["t2.penalty.decisions"] != 13  # the draft given is not changed


@pytest.mark.parametrize(
    "message",
    [
        "本年新收申请12件，其中自然人10件、商业企业2件",
        "新收申请改为12件，其中自然人10件，商业企业2件。",
        "本年新收政府信息公开申请１２件，其中自然人１０件、商业企业２件",
    ],
)
def test_a_total_with_its_parts_sets_the_row_and_derived_figures_follow(sample: Draft, message: str) -> None:
    turn = revise(sample, message)
    figures = turn.draft.figures
    assert (figures["t3.new.total"], figures["t3.new.natural"], figures["t3.new.commercial"]) == (12, 10, 2)
    assert figures["t3.new.research"] == figures["t3.new.legal"] == figures["t3.new.other"] == 0
    # what the staff gave stays theirs; what follows from it is derived again
    assert all(
        turn.draft.figure_origins[f"t3.new.{c}"].kind == "staff" for c in ("total", "natural", "research")
    )
    requests = turn.draft.find_section("requests")
    assert requests is not None
    assert (
        "新收政府信息公开申请12件，其中自然人10件、商业企业2件，" in requests.text
    )  # the list follows 表三's row
    # the change unbalances 表三: the reply names the new errors
    assert any(f.rule == "t3.balance" for f in turn.findings)
    assert "新出现的错误" in turn.reply and "t3" not in turn.reply


@pytest.mark.parametrize(
    ("message", "key"),
    [
        ("表三法律服务机构一栏的予以公开是1", "t3.granted.legal"),
        ("表三“（一）予以公开”行“法律服务机构”列改为1件", "t3.granted.legal"),
        ("行政复议的结果维持改为1", "t4.review.upheld"),
    ],
)
def test_a_cell_named_by_row_and_column(sample: Draft, message: str, key: str) -> None:
    turn = revise(sample, message)
    assert turn.applied, turn.reply
    assert turn.draft.figures[key] == 1 and turn.draft.figure_origins[key].kind == "staff"
    row_total = key.rsplit(".", 1)[0] + ".total"
    assert turn.draft.figure_origins[row_total].kind in ("given", "derived")


def test_a_derived_figure_is_derived_again_but_a_staff_figure_never_overwritten(sample: Draft) -> None:
    assert sample.figure_origins["t3.new.total"].kind == "derived"
    natural, total = sample.figures["t3.new.natural"], sample.figures["t3.new.total"]
    turn = revise(sample, f"表三本年新收的自然人改为{natural + 12}")
    assert turn.draft.figures["t3.new.total"] == total + 12  # the row total follows
    assert turn.draft.figure_origins["t3.new.total"].kind == "derived"
    assert f"新收政府信息公开申请{total + 12}件" in turn.draft.body()[0]
    fixed = revise(turn.draft, "新收申请的总计改为99").draft
    again = revise(fixed, f"表三本年新收的自然人改为{natural}")
    assert again.draft.figures["t3.new.total"] == 99  # said by staff: kept, and the sum is reported
    assert again.draft.figure_origins["t3.new.total"].kind == "staff"
    assert any(f.rule == "t3.row_total" for f in again.findings)


@pytest.mark.parametrize("fmt", ["legacy", "gb2019", "gb2021"])
def test_every_cell_named_as_the_validator_names_it_is_that_cell(fmt: ReportFormat) -> None:
    assert [k for k in keys_for(fmt) if cell_keys(label_of(k), fmt) != [k]] == []


def test_a_loosely_named_cell_is_asked_about(sample: Draft) -> None:
    turn = revise(sample, "行政诉讼的总计改为3件")  # 未经复议直接起诉 or 复议后起诉?
    _unchanged(sample, turn)


# ---------------------------------------------------------------------------------------------- placeholders


@pytest.mark.parametrize(
    "message", ["主动公开政府信息685条", "主动公开政府信息这一项填685", "主动公开政府信息应为６８５条"]
)
def test_a_placeholder_filled_by_its_label(sample: Draft, message: str) -> None:
    assert any(m.label == "主动公开政府信息" for _, s in sample.places() for m in find_marks(s.text))
    turn = revise(sample, message)
    assert turn.applied, turn.reply
    assert "主动公开政府信息685条" in turn.draft.body()[0]
    origins = [p.origin for p in turn.draft.prose_origins if p.label == "主动公开政府信息"]
    assert origins and origins[0].kind == "staff"
    assert any(c.kind == "placeholder" for c in turn.changes)


@pytest.mark.parametrize("message", ["还有哪些待填", "还有什么没填的？", "待核实的有哪些"])
def test_asking_what_is_left(sample: Draft, message: str) -> None:
    turn = revise(sample, message)
    _unchanged(sample, turn)
    assert "主动公开政府信息" in turn.reply and "待核实" in turn.reply


@pytest.mark.parametrize(
    "message",
    [
        "把“《示例市概念验证中心建设管理办法》（示科规〔2024〕1号）”改为“《示例市概念验证中心运行管理办法》（示科规〔2025〕2号）”",
        '把"《示例市概念验证中心建设管理办法》（示科规〔2024〕1号）"改成"《示例市概念验证中心运行管理办法》（示科规〔2025〕2号）"',
        "第二部分的“示科规〔2024〕1号”改为“《示例市概念验证中心运行管理办法》（示科规〔2025〕2号）”",
    ],
)
def test_a_document_to_check_replaced_by_quoting_last_years(sample: Draft, message: str) -> None:
    turn = revise(sample, message)
    assert turn.applied, turn.reply
    body = turn.draft.body()[0]
    assert "《示例市概念验证中心运行管理办法》（示科规〔2025〕2号）" in body
    assert "示科规〔2024〕1号" not in body


def test_an_ambiguous_label_is_asked_about_not_guessed(sample: Draft) -> None:
    turn = revise(sample, "文件名称填《示例市科学技术局政务公开工作要点（2025年）》")
    _unchanged(sample, turn)
    assert "4 处" in turn.reply or "请说明改哪一处" in turn.reply


# ---------------------------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    "message",
    [
        "把第五部分的“部分申请的答复集中在法定期限的最后几天”改为“部分申请临近法定期限才答复”",
        "将五、中的“部分申请的答复集中在法定期限的最后几天”替换为“部分申请临近法定期限才答复”",
        "“部分申请的答复集中在法定期限的最后几天”改成“部分申请临近法定期限才答复”",
    ],
)
def test_a_phrase_replaced(sample: Draft, message: str) -> None:
    turn = revise(sample, message)
    assert turn.applied, turn.reply
    problems = turn.draft.find_section("problems")
    assert problems is not None and "部分申请临近法定期限才答复" in problems.text
    assert [c.kind for c in turn.changes] == ["text"]


@pytest.mark.parametrize(
    "message",
    [
        "第五部分改为：一是依申请公开办理力量不足。下一步将充实办理人员。",
        "把第五部分替换为以下内容：一是依申请公开办理力量不足。下一步将充实办理人员。",
        "存在的主要问题及改进情况全部改为：一是依申请公开办理力量不足。下一步将充实办理人员。",
    ],
)
def test_a_section_replaced_by_staff_text(sample: Draft, message: str) -> None:
    turn = revise(sample, message)
    problems = turn.draft.find_section("problems")
    assert problems is not None and problems.text == "一是依申请公开办理力量不足。下一步将充实办理人员。"
    assert problems.origin is not None and problems.origin.kind == "staff"
    assert [c.kind for c in turn.changes] == ["section"]
    assert not any(f.rule == "text.repeated" for f in turn.findings)  # no longer last year's words


@pytest.mark.parametrize(
    "message",
    ["删除“检索记录也不够完整”这句", "把第五部分的“检索记录也不够完整”删掉", "删去“检索记录也不够完整”"],
)
def test_a_sentence_deleted(sample: Draft, message: str) -> None:
    turn = revise(sample, message)
    assert turn.applied, turn.reply
    problems = turn.draft.find_section("problems")
    assert (
        problems is not None
        and "检索记录" not in problems.text
        and "一是依申请公开数量持续增加" in problems.text
    )


def test_numbers_staff_write_are_checked_against_the_tables(sample: Draft) -> None:
    new = sample.figures["t3.new.total"]
    turn = revise(sample, f"第三部分改为：本年度新收政府信息公开申请{new + 5}件。")
    assert turn.applied
    assert any(f.rule == "text.table_mismatch" for f in turn.findings)
    assert "您写的数字与表格不一致" in turn.reply


def test_text_not_found_changes_nothing(sample: Draft) -> None:
    turn = revise(sample, "把“这句话草稿里没有”改为“别的话”")
    _unchanged(sample, turn)
    assert "找不到" in turn.reply


# ---------------------------------------------------------------------------------------------- questions


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("显示第五部分", "下一步，我局将"),
        ("看看总体情况", "一、总体情况"),
        ("第三部分现在是怎么写的？", "收到和处理政府信息公开申请情况"),
        ("有哪些问题", "校验结果"),
        ("校验一下", "校验结果"),
        ("有哪些错误？", "校验结果"),
        ("表三总计是怎么来的", "（七）总计"),
        ("上年结转的总计从哪来的", "上年结转"),
        ("行政处罚决定的数字是怎么算的", "行政处罚"),
        ("哪些是沿用上年的？", "2024年报告为底本"),
        ("沿用了去年哪些内容", "2024年报告为底本"),
        ("有没有照抄上年的部分？", "沿用"),
        ("修改记录", "第 1 版"),
    ],
)
def test_a_question_changes_nothing(sample: Draft, message: str, expected: str) -> None:
    turn = revise(sample, message)
    _unchanged(sample, turn)
    assert expected in turn.reply, turn.reply


def test_a_derived_figure_explained_with_its_formula(sample: Draft) -> None:
    turn = revise(sample, "表三上年结转的总计是怎么来的")
    assert "推算" in turn.reply and "2024年报告" in turn.reply


# ---------------------------------------------------------------------------------------------- history


@pytest.mark.parametrize("undo", ["撤销", "撤回上一步", "回退"])
def test_undo_restores_the_draft_exactly_and_redo_brings_the_change_back(sample: Draft, undo: str) -> None:
    changed = revise(revise(sample, "行政处罚的处理决定改为13件").draft, "主动公开政府信息685条").draft
    once = revise(changed, undo)
    assert once.applied and once.changes[0].kind == "undo"
    twice = revise(once.draft, undo)
    assert _state(twice.draft) == _state(sample)
    assert [v.number for v in twice.draft.history] == [1]
    again = revise(twice.draft, "重做")
    assert again.draft.figures["t2.penalty.decisions"] == 13
    assert "685" not in again.draft.body()[0]
    listed = revise(again.draft, "修改记录").reply
    assert "人工：行政处罚的处理决定改为13件" in listed and "重做" in listed
    assert not revise(sample, undo).applied  # nothing to undo in a fresh draft


def test_a_new_change_after_undo_drops_what_could_be_redone(sample: Draft) -> None:
    undone = revise(revise(sample, "行政处罚的处理决定改为13件").draft, "撤销").draft
    assert undone.undone
    branched = revise(undone, "行政强制的处理决定改为2件").draft
    assert not branched.undone
    assert not revise(branched, "重做").applied


# ---------------------------------------------------------------------------------------------- not understood


@pytest.mark.parametrize("message", ["你好", "今天天气怎么样", "12345"])
def test_a_message_not_understood_changes_nothing_and_shows_what_can_be_said(
    sample: Draft, message: str
) -> None:
    turn = revise(sample, message)
    _unchanged(sample, turn)
    assert "可以这样说" in turn.reply


@pytest.mark.parametrize("message", ["把总体情况写得简洁些", "第五部分结合本年实际改写", "润色一下第二部分"])
def test_a_request_for_the_model_without_one_says_what_it_needs(sample: Draft, message: str) -> None:
    turn = revise(sample, message)
    _unchanged(sample, turn)
    assert "REPORTASSIST_LLM_URL" in turn.reply


# ---------------------------------------------------------------------------------------------- other drafts


def test_revising_drafts_of_both_seeds(quanzhou: Draft, panzhihua: Draft) -> None:
    for draft in (quanzhou, panzhihua):
        turn = revise(draft, "本年新收申请3件，其中自然人2件、商业企业1件")
        assert turn.applied, turn.reply
        assert turn.draft.figures["t3.new.total"] == 3
        back = revise(turn.draft, "撤销").draft
        assert _state(back) == _state(draft)
    shown = revise(panzhihua, "显示第一部分")
    assert not shown.applied and "总体情况" in shown.reply


def test_revising_a_draft_of_a_real_report(pingtan: Draft) -> None:
    turn = revise(pingtan, "行政复议的尚未审结改为1件")
    assert turn.applied, turn.reply
    assert turn.draft.figures["t4.review.pending"] == 1
    assert any("行政复议" in c.where for c in turn.changes if c.kind == "figure")
    listed = revise(turn.draft, "还有哪些待填")
    assert not listed.applied
