"""The columns each kind of import understands: canonical header, synonyms, parser.

Canonical headers are the ones ``ycdesk export`` writes, so every export re-imports
unchanged. Synonyms are what people actually type in township sheets.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ycdesk.imports import values as v


@dataclass(frozen=True)
class Field:
    key: str
    header: str
    synonyms: tuple[str, ...] = ()
    parse: Callable | None = None  # value -> parsed; money parsers also get the header unit
    required: bool = False
    money_unit: str | None = None  # default unit for money columns
    choices: tuple[str, ...] = ()  # for template drop-downs


def F(key, header, *synonyms, parse=v.text, required=False, money_unit=None, choices=()):
    return Field(key, header, tuple(synonyms), parse, required, money_unit, choices)


ROLE_WORDS = {
    "产生": "产生",
    "产生单位": "产生",
    "产废单位": "产生",
    "经营": "经营",
    "经营单位": "经营",
    "产生和经营": "产生和经营",
    "产生及经营": "产生和经营",
    "产生、经营": "产生和经营",
}
DOMAIN_WORDS = {d: d for d in ("应对气候变化", "治气", "治水", "治海", "治土", "治废", "生态保护")} | {
    d + "领域": d for d in ("应对气候变化", "治气", "治水", "治海", "治土", "治废", "生态保护")
}
PROJECT_STATUS = {s: s for s in ("储备", "未开工", "在建", "已完工", "延期", "取消")} | {
    "完工": "已完工",
    "建设中": "在建",
}

ID = F("id", "ID", "编号ID", "记录ID", parse=v.code)

FIELDS_BY_KIND: dict[str, tuple[Field, ...]] = {
    "findings": (
        F("enterprise", "企业名称", "单位名称", "企业", "单位", "被检查单位", "被考核单位", required=True),
        F("uscc", "统一社会信用代码", "信用代码", "社会信用代码", "统一代码", parse=v.code),
        F("township", "所属镇街", "镇街", "街道", "所属街道", "属地", "镇（街道）"),
        F("year", "考核年度", "年度", "考核年份", "年份", parse=v.parse_year, required=True),
        F(
            "level",
            "考核级别",
            "级别",
            "考核层级",
            "考核类型",
            parse=v.parse_level,
            required=True,
            choices=("市级", "区级"),
        ),
        F("audit_date", "检查日期", "考核日期", "检查时间", parse=v.parse_date),
        F("category", "问题类别", "类别", "问题类型", "考核项目", "考核指标", required=True),
        F("description", "问题描述", "存在问题", "问题", "发现问题", "问题内容", "主要问题", required=True),
        F("severity", "严重程度", "问题等级", parse=v.parse_severity, choices=("一般", "较重", "严重")),
        F("requirement", "整改要求", "整改措施", "整改意见"),
        F("deadline", "整改期限", "整改时限", "完成时限", "整改截止日期", "限期", parse=v.parse_date),
        F("responsible", "责任人", "整改责任人"),
        F(
            "status",
            "整改状态",
            "整改情况",
            "状态",
            "是否整改",
            "整改进展",
            parse=v.parse_status,
            required=True,
            choices=("待整改", "整改中", "已整改", "已销号"),
        ),
        F("rectified_date", "整改完成日期", "完成日期", "整改日期", "实际完成日期", parse=v.parse_date),
        F("verifier", "验收人", "销号人"),
        F("verified_date", "验收日期", "销号日期", parse=v.parse_date),
        F("note", "备注", "说明"),
        ID,
    ),
    "enterprises": (
        F("name", "企业名称", "单位名称", "企业", "单位", required=True),
        F("uscc", "统一社会信用代码", "信用代码", "社会信用代码", "统一代码", parse=v.code),
        F("township", "所属镇街", "镇街", "街道", "所属街道", "属地"),
        F(
            "role",
            "企业类型",
            "类型",
            "单位类型",
            parse=v.mapped(ROLE_WORDS, "企业类型"),
            choices=("产生", "经营", "产生和经营"),
        ),
        F("industry", "行业", "所属行业"),
        F("contact", "联系人", "联系方式"),
        ID,
    ),
    "observations": (
        F("code", "指标编码", "编码", parse=v.code),
        F("indicator", "指标名称", "指标"),
        F("period", "期间", "年度", "季度", "时期", parse=v.code, required=True),
        F("value", "值", "数值", "监测值", "实际值", "完成值", parse=lambda x: x),
        F("value_text", "文字值"),
        F("scope", "范围", "镇街", "区域"),
        F("source", "来源", "数据来源"),
        F("operator", "填报人", "填报"),
        F("note", "备注", "说明"),
        ID,
    ),
    "investments": (
        F("seq", "项目序号", "序号", parse=v.parse_int),
        F("project", "项目名称", "项目"),
        F("period", "期间", "年度", "季度", parse=v.code, required=True),
        F(
            "amount",
            "完成投资",
            "本期完成投资",
            "完成投资额",
            "投资额",
            "完成额",
            parse=v.parse_money,
            required=True,
            money_unit="万元",
        ),
        F("source", "来源", "数据来源"),
        F("operator", "填报人"),
        F("note", "备注", "说明"),
        ID,
    ),
    "projects": (
        F("seq", "序号", "项目序号", parse=v.parse_int, required=True),
        F(
            "domain",
            "领域",
            "所属领域",
            parse=v.mapped(DOMAIN_WORDS, "领域"),
            required=True,
            choices=tuple(dict.fromkeys(DOMAIN_WORDS.values())),
        ),
        F("name", "项目名称", "项目", required=True),
        F("content", "建设规模和内容", "建设内容", "建设规模"),
        F("start_year", "开始年份", "起始年份", parse=v.parse_year, required=True),
        F("end_year", "结束年份", "完成年份", parse=v.parse_year, required=True),
        F("total", "总投资", parse=v.parse_money, required=True, money_unit="亿元"),
        F(
            "fyp",
            "十四五计划投资",
            "其中：十四五计划投资",
            "十四五投资",
            parse=v.parse_money,
            required=True,
            money_unit="亿元",
        ),
        F("units", "责任单位", "实施单位", required=True),
        F("township", "所属镇街", "镇街"),
        F(
            "status",
            "状态",
            "项目状态",
            parse=v.mapped(PROJECT_STATUS, "项目状态"),
            choices=("储备", "未开工", "在建", "已完工", "延期", "取消"),
        ),
        F("note", "备注"),
        ID,
    ),
}

_UNIT = re.compile(r"^(.*?)[（(]\s*(亿元|万元|元|%|t|吨)\s*[）)]$")


def split_header(cell) -> tuple[str, str | None]:
    """``完成投资（万元）`` → (``完成投资``, ``万元``); spaces and line breaks removed."""
    text = re.sub(r"\s+", "", v.clean_text(cell)).rstrip("*＊")
    m = _UNIT.match(text)
    return (m.group(1), m.group(2)) if m else (text, None)


def field_for(kind: str, header_cell) -> tuple[Field | None, str | None]:
    base, unit = split_header(header_cell)
    if not base:
        return None, unit
    from ycdesk.imports.kinds import IMPORT_KINDS

    for f in IMPORT_KINDS[kind].fields:
        if base == f.header or base in f.synonyms or base == split_header(f.header)[0]:
            return f, unit
    return None, unit


def canonical_header(f: Field) -> str:
    return f"{f.header}（{f.money_unit}）" if f.money_unit else f.header
