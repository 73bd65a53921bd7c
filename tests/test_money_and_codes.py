from decimal import Decimal

import pytest

from ycdesk.errors import UserError
from ycdesk.money import format_yi, parse_amount
from ycdesk.periods import parse_period
from ycdesk.uscc import make, validate


def test_amounts_are_exact_integers_and_print_two_decimals():
    parts = ["26.17", "13.85", "11.5", "6.92", "5.26", "6.23", "2.64", "2.61", "0.25", "19"]
    total = sum(parse_amount(p) for p in parts)
    assert total == 9_443_000_000
    assert format_yi(total) == "94.43"
    assert parse_amount("1234.56", "万元") == 12_345_600
    assert format_yi(parse_amount("0.03")) == "0.03"


def test_money_refuses_floats_and_sub_yuan_and_text():
    with pytest.raises(TypeError):
        parse_amount(1.5)
    with pytest.raises(UserError, match="精确到元以下"):
        parse_amount("0.123", "元")
    with pytest.raises(UserError, match="不是数字"):
        parse_amount("三亿")


def test_uscc_check_character_error_and_warning():
    good = make("91330602MA2AN1MJK")
    assert validate(good).ok
    assert validate(good.lower()).ok  # normalised to capitals
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    check = validate(wrong)
    assert check.error is None and "校验位" in check.warning
    assert "18位" in validate("9133060212345").error
    assert "不允许的字符" in validate("91330602MA2AN1MJKI").error  # I is not in GB 32100


def test_full_width_code_is_normalised():
    good = make("91330602MA2AN1MJK")
    full = "".join(chr(ord(c) + 0xFEE0) for c in good)
    assert validate(full).code == good


def test_periods():
    assert str(parse_period("2024Q3")) == "2024Q3"
    assert parse_period("2024Q3").label == "2024年第3季度"
    assert parse_period("2024年第三季度") == parse_period("2024q3")
    assert parse_period(2021).label == "2021年"
    assert parse_period("2024").sort_key > parse_period("2024Q4").sort_key
    with pytest.raises(UserError, match="无法识别"):
        parse_period("2024Q5")


@pytest.mark.parametrize(
    "text,kind,op,value",
    [
        ("<28", "numeric", "<", Decimal("28")),
        ("≥92", "numeric", ">=", Decimal("92")),
        ("100", "numeric", "=", Decimal("100")),
        ("≤3.54", "numeric", "<=", Decimal("3.54")),
        ("完成", "milestone", None, None),
        ("完成省市下达指标", "deferred", None, None),
        ("/", "none", None, None),
        ("90-95", "range", None, Decimal("90")),
        ("0，保持稳定", "numeric", "=", Decimal("0")),
        ("逐年改善", "unparsed", None, None),
    ],
)
def test_target_parsing(text, kind, op, value):
    from ycdesk.targets import parse_target

    t = parse_target(text)
    assert (t.kind, t.op, t.value) == (kind, op, value)
    assert t.text == text
