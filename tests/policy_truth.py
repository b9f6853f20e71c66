"""The true policy curve of a simulated search, computed from its parameters.

Independent of the code under test (and of the simulator's inverse-transform
sampling): walk the days ``0..horizon`` with the known daily reply
probabilities ``1 - exp(-c_s * m(d) * w(d))`` of each latent class and source,
and average over the classes (population shares) and the sample's sources.
"""

from __future__ import annotations

import math

import pandas as pd

from jobstats.simulate import DAY_SHAPE, DEFAULT_SOURCES


def true_reply_within(
    apps: pd.DataFrame,
    *,
    policy_day: int | None,
    horizon: int = 30,
    followup_hr: float = 1.6,
    followup_effect_days: int | None = None,
    followup_hr_after: float = 1.0,
    never_reply_share: float = 0.0,
    promising_share: float = 0.0,
    promising_reply_hr: float = 3.0,
    sources: dict[str, tuple[float, float]] | None = None,
) -> float:
    """P(first reply within ``horizon`` days) if following up on ``policy_day``.

    ``policy_day=None`` is "never follow up". A follow-up on day ``f`` acts
    from day ``f + 1``; with ``followup_effect_days = k`` only on days
    ``f+1 .. f+k``, then the hazard ratio is ``followup_hr_after``.
    """
    sources = DEFAULT_SOURCES if sources is None else sources
    share = apps["source"].value_counts(normalize=True)
    total = 0.0
    for src, w_src in share.items():
        c0 = -math.log1p(-sources[src][1])
        for promising, w_p in ((True, promising_share), (False, 1 - promising_share)):
            if w_p == 0:
                continue
            c = c0 * (promising_reply_hr if promising else 1.0)
            survive = 1.0
            for day in range(horizon + 1):
                m = 1.0
                if policy_day is not None and day > policy_day:
                    since = day - policy_day
                    lasting = followup_effect_days is None or since <= followup_effect_days
                    m = followup_hr if lasting else followup_hr_after
                survive *= math.exp(-c * m * DAY_SHAPE[day])
            total += w_src * w_p * (1 - never_reply_share) * (1 - survive)
    return total
