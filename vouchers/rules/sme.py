"""Enterprise size class under China's 2011 SME standard.

《中小企业划型标准规定》(工信部联企业〔2011〕300号) sorts an enterprise into large,
medium, small or micro by its sector, its employees (从业人员) and its revenue
(营业收入).  Each class has minimum figures; an enterprise belongs to the largest class
whose minima it meets *all* of.  That one reading covers the standard's wording: e.g. in
industry an SME is one with "fewer than 1,000 employees OR revenue below 400 million",
which is exactly "not (>= 1,000 employees AND >= 400 million revenue)".

Only the sectors the programmes name are listed, by their GB/T 4754 codes: 工业
(industry: sections B mining, C manufacturing, D utilities, and their divisions) and
软件和信息技术服务业 (division 65). Every other industry is judged as 其他未列明行业
(other unlisted industries), where the standard uses employees alone.
"""

from decimal import Decimal
from typing import NamedTuple

from accounts.industries import section_of

LARGE, MEDIUM, SMALL, MICRO = "large", "medium", "small", "micro"


class Minimum(NamedTuple):
    size: str
    employees: int
    revenue: Decimal | None  # None: the standard ignores revenue in this sector


# Per sector, from the largest class down; anything below the last row is micro.
# 工业: sections B, C, D
INDUSTRY = (
    Minimum(LARGE, 1000, Decimal("400000000")),
    Minimum(MEDIUM, 300, Decimal("20000000")),
    Minimum(SMALL, 20, Decimal("3000000")),
)
# 软件和信息技术服务业: division 65
SOFTWARE_IT = (
    Minimum(LARGE, 300, Decimal("100000000")),
    Minimum(MEDIUM, 100, Decimal("10000000")),
    Minimum(SMALL, 10, Decimal("500000")),
)
# 其他未列明行业
OTHER_INDUSTRIES: tuple[Minimum, ...] = (
    Minimum(LARGE, 300, None),
    Minimum(MEDIUM, 100, None),
    Minimum(SMALL, 10, None),
)


def thresholds(industry: str) -> tuple[Minimum, ...]:
    """The minima for a GB/T 4754 code (a section or a division)."""
    if industry == "65":
        return SOFTWARE_IT
    if section_of(industry) in ("B", "C", "D"):
        return INDUSTRY
    return OTHER_INDUSTRIES


def size_class(industry: str, employees: int, revenue: Decimal) -> str:
    """ "large" | "medium" | "small" | "micro" for an enterprise of `industry`."""
    for minimum in thresholds(industry):
        revenue_ok = minimum.revenue is None or revenue >= minimum.revenue
        if employees >= minimum.employees and revenue_ok:
            return minimum.size
    return MICRO
