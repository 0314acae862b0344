"""Exact money in integer fen (分), CNY. Never float.

`Money` wraps an int of fen; formatting is ``¥1,234.50``; parsing accepts what a clerk types
(``200``, ``200.5``, ``¥1,234.50``, full-width digits). Computed amounts round half up (R6.6).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.errors import InputError
from app.i18n import _

MAX_FEN = 10**15  # ¥10 trillion: far above any real amount, below int64 limits


@dataclass(frozen=True, order=True)
class Money:
    """An exact amount of CNY."""

    fen: int
    """Amount in fen (1/100 yuan); may be negative for reversals and shortfalls."""

    def __post_init__(self) -> None:
        if not isinstance(self.fen, int) or isinstance(self.fen, bool):
            raise TypeError("Money needs an int number of fen")
        if abs(self.fen) > MAX_FEN:
            raise InputError(_("The amount is too large."))

    @classmethod
    def yuan(cls, amount: int | str | Decimal) -> Money:
        """Money from a yuan amount given exactly (int, str or Decimal; never float)."""
        if isinstance(amount, float):
            raise TypeError("Money never comes from float")
        value = Decimal(str(amount)) * 100
        if value != value.to_integral_value():
            raise InputError(_("An amount can have at most two decimals (fen)."))
        return cls(int(value))

    def __add__(self, other: Money) -> Money:
        return Money(self.fen + other.fen)

    def __sub__(self, other: Money) -> Money:
        return Money(self.fen - other.fen)

    def __mul__(self, count: int) -> Money:
        if not isinstance(count, int):
            raise TypeError("Money is multiplied by whole counts only; use times_rate()")
        return Money(self.fen * count)

    __rmul__ = __mul__

    def __neg__(self) -> Money:
        return Money(-self.fen)

    def times_rate(self, rate: Decimal) -> Money:
        """This amount × `rate`, rounded half up to the fen (四舍五入)."""
        fen = (Decimal(self.fen) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return Money(int(fen))

    def as_decimal(self) -> Decimal:
        """The amount in yuan as an exact Decimal."""
        return Decimal(self.fen) / 100

    def __str__(self) -> str:
        return format_money(self)


ZERO = Money(0)

_MONEY_RE = re.compile(r"^(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")


def parse_money(text: str) -> Money:
    """Parse a typed amount in yuan: ``200``, ``1,234.5``, ``¥200.00``, ``200元``.

    Raises:
        InputError: when the text is not an amount with at most two decimals.
    """
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    cleaned = raw.replace("¥", "").replace("￥", "").removesuffix("元").strip()
    match = _MONEY_RE.match(cleaned)
    if not match:
        raise InputError(_("'{text}' is not an amount of money (e.g. 200 or 1,234.50).").format(
            text=raw[:40]))
    sign, whole, frac = match.groups()
    if len(whole.replace(",", "").lstrip("0")) > len(str(MAX_FEN)):
        raise InputError(_("The amount is too large."))  # before int(): 10^6 digits is slow
    fen = int(whole.replace(",", "")) * 100 + int((frac or "0").ljust(2, "0"))
    return Money(-fen if sign else fen)


def format_money(money: Money) -> str:
    """``¥1,234.50`` (negative: ``-¥1,234.50``)."""
    sign = "-" if money.fen < 0 else ""
    yuan, fen = divmod(abs(money.fen), 100)
    return f"{sign}¥{yuan:,}.{fen:02d}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]


def _four_digits(n: int) -> str:
    """Capital numerals for 0 < n < 10000, with inner zeros as 零 (no trailing zeros)."""
    out, zero = "", False
    for pos in range(3, -1, -1):
        d = (n // 10**pos) % 10
        if d == 0:
            zero = bool(out)
        else:
            if zero:
                out += "零"
            out += _DIGITS[d] + _SMALL_UNITS[pos]
            zero = False
    return out


def _yuan_capital(yuan: int) -> str:
    """Capital numerals for yuan > 0: 亿 splits off first, so 10^12 is 壹万亿 and
    5,0003,0000,0000 is 伍万零叁亿; 零 marks zeros between the parts."""
    for unit, size in (("亿", 10**8), ("万", 10**4)):
        if yuan >= size:
            high, low = divmod(yuan, size)
            out = _yuan_capital(high) + unit
            if low:
                out += ("零" if low < size // 10 else "") + _yuan_capital(low)
            return out
    return _four_digits(yuan)


def chinese_capital(money: Money) -> str:
    """Amount in Chinese capital numerals for receipts: ¥600.00 → ``人民币陆佰元整``.

    Follows the usual banking form: 元/角/分, 整 when there are no fen, 零 for skipped places.
    """
    if money.fen < 0:
        return "负" + chinese_capital(-money)
    yuan, rest = divmod(money.fen, 100)
    jiao, fen = divmod(rest, 10)
    if money.fen == 0:
        return "人民币零元整"
    text = _yuan_capital(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return "人民币" + text + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    return "人民币" + text


def parse_rate_percent(text: str) -> Decimal:
    """Parse a commission rate typed in percent (``3``, ``2.5``, ``2.5%``) to a fraction.

    Raises:
        InputError: not a number, negative, over 100 %, or more than 2 decimals of a percent.
    """
    raw = unicodedata.normalize("NFKC", str(text)).strip().rstrip("%").strip()
    try:
        if not re.fullmatch(r"-?\d+(\.\d+)?", raw):
            raise ValueError(raw)
        pct = Decimal(raw)
    except (InvalidOperation, ValueError):
        raise InputError(_("'{text}' is not a percentage (e.g. 3 or 2.5).").format(
            text=str(text)[:40])) from None
    if not pct.is_finite() or pct < 0 or pct > 100 or pct != pct.quantize(Decimal("0.01")):
        raise InputError(_("A commission rate is between 0 and 100 %, with at most 2 decimals."))
    return pct / 100
