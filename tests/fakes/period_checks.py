"""What the two-period tests share: METHOD J1 worked out with scipy in the test (not by the code
under test), and the parts of a reply they read."""

from __future__ import annotations

import math
from typing import Any

from scipy import stats  # type: ignore[import-untyped]

from handlers.reply import Facts, Table, Text


def j1_p(current: list[int], previous: list[int]) -> float:
    """METHOD J1 (2.2), written out with scipy: the exact conditional test and, for more than
    one month, the quasi-Poisson test on the month-paired dispersion; the larger p."""
    c1, c2 = sum(current), sum(previous)
    p_exact = stats.binomtest(c1, c1 + c2, 0.5).pvalue
    if len(current) < 2:
        return float(p_exact)
    chi2 = stats.chi2_contingency([current, previous], correction=False)
    phi = max(1.0, chi2.statistic / chi2.dof)
    z = math.log(c1 / c2) / math.sqrt(phi * (1 / c1 + 1 / c2))
    return float(max(p_exact, 2 * stats.norm.sf(abs(z))))


def facts(reply: Any) -> dict[str, str]:
    return dict(next(b for b in reply.blocks if isinstance(b, Facts)).items)


def said(reply: Any) -> list[str]:
    return [b.markdown for b in reply.blocks if isinstance(b, Text)]


def words(reply: Any) -> str:
    """Every piece of text in a reply, one per line."""
    out = [reply.title, reply.fallback_text, *said(reply)]
    out += [f"{k}: {v}" for b in reply.blocks if isinstance(b, Facts) for k, v in b.items]
    out += [" | ".join(row) for b in reply.blocks if isinstance(b, Table)
            for row in [b.headers, *b.rows]]
    return "\n".join(out)
