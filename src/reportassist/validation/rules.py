"""The validator's rules as one declarative table: id, severity, what it checks, the check itself.

Rule ids and severities are those of formats.md, said here only: a check yields `Issue`s naming their
rule (its own, or `figure.absent` when its operands are missing) and `validate` gives each its severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from reportassist.validation import cross_year, structure, tables, text
from reportassist.validation.context import Context
from reportassist.validation.findings import Issue, Severity

__all__ = ["RULES", "Rule"]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    checks: str  # Chinese: what the rule checks, as the README's table of rules says it
    run: Callable[[Context], Iterator[Issue]]
    needs_prior: bool = False


RULES: tuple[Rule, ...] = (
    Rule("figure.absent", "warning", "表格中应有的数字空缺（空白、“/”）或无法确定，相关核对无法进行", tables.check_absent),
    Rule("t3.row_total", "error", "表三每一行：自然人 + 五类法人或其他组织 = 总计", partial(tables.check_constraints, rule="t3.row_total")),
    Rule("t3.handled_total", "error", "表三每一列：（七）总计 = 予以公开 + 部分公开 + （三）至（六）各项", partial(tables.check_constraints, rule="t3.handled_total")),
    Rule("t3.balance", "error", "表三每一列：一 + 二 = （七）总计 + 四", partial(tables.check_constraints, rule="t3.balance")),
    Rule("t4.group_total", "error", "表四每一组：结果维持 + 结果纠正 + 其他结果 + 尚未审结 = 总计", partial(tables.check_constraints, rule="t4.group_total")),
    Rule("legacy.replies_total", "error", "旧版附表：对申请的答复总数 = 同意公开 + 同意部分公开 + 不予公开 + 其他类型", partial(tables.check_constraints, rule="legacy.replies_total")),
    Rule("t2.non_negative", "error", "表二的件数为不小于 0 的整数，金额不小于 0（2019 年版的本年增/减可为负）", tables.check_non_negative),
    Rule("t2.gb2019_total_public", "warning", "2019 年版表二：对外公开总数量 ≥ 本年新公开数量", tables.check_total_public),
    Rule("cross_year.prior_year", "warning", "作为上年报告提供的文件确是上一年度的报告", cross_year.check_prior_year, needs_prior=True),
    Rule("cross_year.carried_in", "error", "本年“上年结转”= 上年报告“结转下年度继续办理”，逐列核对", partial(cross_year.check_relations, rule="cross_year.carried_in"), needs_prior=True),
    Rule("cross_year.in_force", "warning", "2021 年版：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止", partial(cross_year.check_relations, rule="cross_year.in_force"), needs_prior=True),
    Rule("cross_year.pending", "warning", "上年尚未审结的复议、诉讼案件本年应再次出现", cross_year.check_pending, needs_prior=True),
    Rule("cross_year.gb2019_items", "warning", "2019 年版：本年上一年项目数量 = 上年的上一年项目数量 + 上年本年增/减", partial(cross_year.check_relations, rule="cross_year.gb2019_items"), needs_prior=True),
    Rule("text.table_mismatch", "error", "正文中的数字与表格中对应的数字一致（按措辞允许的任一理解）", text.check_table_mismatch),
    Rule("text.scope", "warning", "正文说的是另一机关（如下属单位）的数字，与本机关表格不同，无法核对", text.check_scope),
    Rule("text.claim_mismatch", "error", "正文中由表格决定真假的说法（无依申请公开、均已结案、均已办结……）与表格一致", text.check_claims),
    Rule("text.breakdown_sum", "error", "正文“共X，其中……”的各分项之和等于总数", text.check_breakdowns),
    Rule("year.period", "error", "标题、统计期限和正文的年份都是报告年度", text.check_year_period),
    Rule("year.stale", "warning", "正文中没有沿用上年报告、未改年份的句子", text.check_year_stale),
    Rule("structure.missing_section", "error", "格式要求的各部分齐全", structure.check_sections),
    Rule("format.outdated", "error", "报告使用其年度应使用的格式", structure.check_format),
    Rule("fees.statement", "warning", "2021 年版：第六部分说明是否收取信息处理费", structure.check_fees_statement),
    Rule("text.repeated", "warning", "“存在的主要问题及改进情况”不与上年几乎逐字相同", text.check_repeated, needs_prior=True),
    Rule("length.overview", "warning", "2021 年版：“总体情况”篇幅不远超 1000 字左右的建议", structure.check_overview_length),
    Rule("placeholder.unfilled", "error", "没有未填写的占位符（【待填】、XX、……、TODO）", text.check_placeholders),
    Rule("placeholder.unverified", "warning", "没有未核实的标记【待核实：…】（无法推知的文号、文件名称、日期等）", text.check_unverified),
)  # fmt: skip
