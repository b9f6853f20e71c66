"""Simulated job searches with known effects, in the canonical tables.

No public tracker records when follow-ups were sent, so the follow-up analysis
is validated on simulated searches whose data-generating process has a known,
causal follow-up effect. The process (all vectorised over applications):

* Reply times follow a proportional-hazards process on days since applying:
  application *i* from source *s* has cumulative hazard ``c_s * W(d)``, where
  ``W`` is a fixed, decreasing per-day shape (:data:`DAY_SHAPE`, constant within
  the day bins the follow-up model uses, tail to day 89) summing to 1 and
  ``c_s = -log(1 - p_s)``; so without follow-ups P(ever reply) is exactly
  ``p_s``. The daily reply probability is ``1 - exp(-c_s w(d) m)``.
* A follow-up sent on day ``f`` multiplies ``m`` by ``followup_hr`` from day
  ``f + 1`` on (a reply on day ``f`` itself is not caused by it). Follow-ups go
  only to applications still silent before day ``f``. A second follow-up
  multiplies by ``second_followup_hr`` (default 1: no extra effect), so the
  true hazard ratio of "followed up at least once" is ``followup_hr``.
  Because the hazard has no hidden frailty, ``followup_hr`` is also the
  population (marginal) hazard ratio a discrete-time cloglog model estimates.
* After a reply: an interview invite with a source-dependent probability,
  otherwise a rejection or another reply. After each interview (up to three
  rounds) the chance to advance (next round or offer) has odds multiplied by
  ``thank_you_or`` when a thank-you note was sent.
* Everything dated after ``as_of`` is not on record (censoring).
* Optional, for validating the follow-up policy analysis: a share of
  applications that can never reply, an effect that lasts only
  ``followup_effect_days`` days after the follow-up, fixed-day follow-up
  habits and an unobserved "promising" trait that drives both follow-ups and
  replies. Defaults keep all of them off (and the same seed gives the same
  tables as before they existed). The true policy curve follows from the
  parameters by walking the days with the daily reply probabilities
  ``1 - exp(-c_s m w(d))``.

Reply times are drawn by inverse transform on the cumulative hazard
(``searchsorted``), so a million applications take a few seconds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jobstats.schema import APPLICATION_COLUMNS, EVENT_COLUMNS

__all__ = ["simulate_search", "DEFAULT_SOURCES", "DAY_SHAPE"]

#: source -> (share of applications, P(ever reply) without follow-up).
DEFAULT_SOURCES: dict[str, tuple[float, float]] = {
    "referral": (0.10, 0.65),
    "company site": (0.30, 0.35),
    "linkedin easy apply": (0.35, 0.12),
    "job board": (0.20, 0.20),
    "recruiter": (0.05, 0.55),
}

#: P(interview invite | reply) by source (others: 0.3).
P_INTERVIEW: dict[str, float] = {
    "referral": 0.55,
    "recruiter": 0.5,
    "company site": 0.35,
    "job board": 0.3,
    "linkedin easy apply": 0.25,
}

# (first day, last day, share of the eventual replies in this bin): most
# replies within a few days, a long tail to ~90 days. Constant per day within
# a bin, so the follow-up model's day bins describe the baseline exactly.
_SHAPE_BINS: tuple[tuple[int, int, float], ...] = (
    (0, 0, 0.10),
    (1, 1, 0.14),
    (2, 2, 0.12),
    (3, 3, 0.09),
    (4, 4, 0.07),
    (5, 5, 0.05),
    (6, 6, 0.04),
    (7, 9, 0.09),
    (10, 13, 0.08),
    (14, 20, 0.08),
    (21, 29, 0.06),
    (30, 44, 0.04),
    (45, 59, 0.025),
    (60, 89, 0.015),
)


def _day_shape() -> np.ndarray:
    w = np.zeros(_SHAPE_BINS[-1][1] + 1)
    for lo, hi, mass in _SHAPE_BINS:
        w[lo : hi + 1] = mass / (hi - lo + 1)
    return w / w.sum()


#: Per-day share of the cumulative reply hazard (sums to 1).
DAY_SHAPE: np.ndarray = _day_shape()

_CHANNELS = np.array(["email", "phone", "linkedin"])
_CHANNEL_P = np.array([0.64, 0.21, 0.15])
_TITLES = np.array(
    [
        "Data Analyst",
        "Data Scientist",
        "Analytics Engineer",
        "BI Analyst",
        "Machine Learning Engineer",
        "Product Analyst",
        "Data Engineer",
    ]
)
_WORDS_A = ["North", "Blue", "Bright", "Summit", "Iron", "Cedar", "Harbor", "Quantum", "Silver",
            "Maple"]
_WORDS_B = ["Analytics", "Labs", "Systems", "Health", "Logistics", "Bank", "Media", "Energy",
            "Retail", "Works"]
_NEVER = np.iinfo(np.int64).max // 4


def _reply_day(
    cum: np.ndarray, target: np.ndarray
) -> np.ndarray:
    """First day d with ``cum[d] >= target`` (``_NEVER`` when none)."""
    d = np.searchsorted(cum, target, side="left").astype(np.int64)
    d[d >= len(cum)] = _NEVER
    return d


def _hr_for(followup_hr: float | dict[str, float], channel: np.ndarray) -> np.ndarray:
    if isinstance(followup_hr, dict):
        return np.array([float(followup_hr.get(c, 1.0)) for c in _CHANNELS])[channel]
    return np.full(len(channel), float(followup_hr))


def simulate_search(
    n: int = 250,
    *,
    seed: int = 0,
    start: str = "2025-01-06",
    weeks: int = 20,
    as_of: str | None = None,
    sources: dict[str, tuple[float, float]] | None = None,
    followup_hr: float | dict[str, float] = 1.6,
    followup_prob: float = 0.45,
    followup_delay: tuple[int, int] | dict[int, float] = (2, 25),
    second_followup_prob: float = 0.3,
    second_followup_hr: float = 1.0,
    thank_you_prob: float = 0.6,
    thank_you_or: float = 2.0,
    client: str | None = None,
    day_shape: np.ndarray | None = None,
    never_reply_share: float = 0.0,
    followup_effect_days: int | None = None,
    followup_hr_after: float = 1.0,
    promising_share: float = 0.0,
    promising_reply_hr: float = 3.0,
    promising_followup_prob: float | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Simulate one job search with known reply, follow-up and thank-you effects.

    Parameters
    ----------
    n : int
        Number of applications.
    seed : int
        Seed of the random generator: the same seed gives identical tables.
    start : str
        First possible application date; applications are spread over
        ``weeks`` weeks (fewer on weekends).
    weeks : int
        Length of the application period.
    as_of : str, optional
        Date of the snapshot; later events are not on record. Default
        ``start + weeks * 7 + 30`` days.
    sources : dict, optional
        ``source -> (share, P(ever reply) without follow-up)``; default
        :data:`DEFAULT_SOURCES`. Shares are normalised.
    followup_hr : float or dict
        True hazard ratio of a reply from the day after the first follow-up
        on. A dict ``channel -> hazard ratio`` (channels email, phone,
        linkedin) gives a channel-specific effect.
    followup_prob : float
        Chance that an application still silent on its planned follow-up day
        is followed up.
    followup_delay : (int, int) or dict
        Range (inclusive) of the planned follow-up day, days after applying;
        or a fixed-day habit ``{day: weight}`` (e.g. ``{7: 1}``: always on day
        7; with ``followup_prob=1`` every still-silent application is followed
        up that day, and the effect cannot be told apart from the day).
    second_followup_prob : float
        Chance of a second follow-up, 5-14 days after the first, when still
        silent.
    second_followup_hr : float
        Extra hazard multiplier from the day after a second follow-up.
    thank_you_prob : float
        Chance that a thank-you note follows an interview.
    thank_you_or : float
        Odds ratio of advancing after an interview (next round or offer) when a
        thank-you note was sent.
    client : str, optional
        Value of the ``client`` column (NA when None).
    day_shape : array of float, optional
        Per-day share of the cumulative reply hazard from day 0 on (normalised
        to sum 1); default :data:`DAY_SHAPE`, which is constant within the
        follow-up model's day bins. Pass a smoothly decreasing shape to test
        the model when its baseline is only approximately right.
    never_reply_share : float
        Share of applications that can never reply whatever you do (a latent
        class: a filled position, a dead posting), drawn independently.
    followup_effect_days : int, optional
        The follow-up multiplies the hazard by ``followup_hr`` only for this
        many days after it is sent (days ``f+1 .. f+k``), then by
        ``followup_hr_after``: an effect that fades. Default: it lasts.
        Not combined with ``second_followup_hr != 1``.
    followup_hr_after : float
        Hazard ratio after the first ``followup_effect_days`` days.
    promising_share : float
        Share of "promising" applications, an unobserved trait (not in the
        tables) that multiplies their reply hazard by ``promising_reply_hr``
        and, with ``promising_followup_prob``, their chance of a follow-up:
        confounding no analysis of these tables can remove.
    promising_reply_hr : float
        Reply hazard multiplier of promising applications.
    promising_followup_prob : float, optional
        ``followup_prob`` of promising applications (default: the same).

    Returns
    -------
    applications, events : pandas.DataFrame
        Canonical tables (see :mod:`jobstats.schema`), sheet ``"simulated"``.

    Examples
    --------
    >>> apps, events = simulate_search(100, seed=1)
    >>> len(apps)
    100
    """
    rng = np.random.default_rng(seed)
    sources = DEFAULT_SOURCES if sources is None else sources
    start_ts = pd.Timestamp(start).normalize()
    as_of_ts = (
        start_ts + pd.Timedelta(days=weeks * 7 + 30)
        if as_of is None
        else pd.Timestamp(as_of).normalize()
    )
    shape = DAY_SHAPE if day_shape is None else np.asarray(day_shape, dtype=float)
    if shape.ndim != 1 or len(shape) == 0 or (shape < 0).any() or shape.sum() <= 0:
        raise ValueError("day_shape must be a non-empty 1-d array of non-negative weights")
    shape = shape / shape.sum()
    horizon = len(shape)
    cum_w = np.cumsum(shape)
    cum_w[-1] = 1.0

    # --- applications: date and source -------------------------------------
    n_days = weeks * 7
    day_w = np.where(pd.date_range(start_ts, periods=n_days).day_of_week >= 5, 0.2, 1.0)
    applied_day = rng.choice(n_days, size=n, p=day_w / day_w.sum())
    names = list(sources)
    shares = np.array([sources[s][0] for s in names], dtype=float)
    src = rng.choice(len(names), size=n, p=shares / shares.sum())
    c = -np.log1p(-np.array([sources[s][1] for s in names], dtype=float))[src]
    # optional latent classes, drawn only when used (default streams unchanged)
    promising = np.zeros(n, dtype=bool)
    if promising_share > 0:
        promising = rng.random(n) < promising_share
        c = c * np.where(promising, promising_reply_hr, 1.0)
    if never_reply_share > 0:
        c = np.where(rng.random(n) < never_reply_share, 0.0, c)
    if followup_effect_days is not None and second_followup_hr != 1.0:
        raise ValueError("followup_effect_days cannot be combined with second_followup_hr != 1")
    # c = 0 (never replies): the divisions below give inf, i.e. never
    safe_c = np.where(c > 0, c, np.inf)
    censor_day = (as_of_ts - start_ts).days - applied_day  # last day on record

    # --- replies and follow-ups (inverse transform on the cumulative hazard) --
    e = rng.exponential(size=n)
    reply = _reply_day(cum_w, np.where(c > 0, e / safe_c, np.inf))
    if isinstance(followup_delay, dict):
        habit = np.array(list(followup_delay), dtype=np.int64)
        weight = np.array(list(followup_delay.values()), dtype=float)
        f1 = rng.choice(habit, size=n, p=weight / weight.sum())
    else:
        lo, hi = followup_delay
        f1 = rng.integers(lo, hi + 1, size=n)
    ch1 = rng.choice(3, size=n, p=_CHANNEL_P)
    p_fu = followup_prob
    if promising_followup_prob is not None:
        p_fu = np.where(promising, promising_followup_prob, followup_prob)
    fu1 = (reply >= f1) & (rng.random(n) < p_fu)
    hr1 = _hr_for(followup_hr, ch1)
    # after f1 the remaining hazard E - c W(f1) is spent at rate c * hr1
    base1 = cum_w[np.minimum(f1, horizon - 1)]
    after = fu1 & (c > 0) & (e > c * base1)
    t = base1[after] + (e[after] - c[after] * base1[after]) / (safe_c[after] * hr1[after])
    if followup_effect_days is not None:
        # the effect fades: from day f1 + k on the rate is c * followup_hr_after
        base_k = cum_w[np.minimum(f1 + int(followup_effect_days), horizon - 1)][after]
        spent = c[after] * (base1[after] + hr1[after] * (base_k - base1[after]))
        late = t > base_k
        t = np.where(
            late,
            base_k + (e[after] - spent) / (safe_c[after] * followup_hr_after),
            t,
        )
    reply[after] = _reply_day(cum_w, t)
    f2 = f1 + rng.integers(5, 15, size=n)
    ch2 = rng.choice(3, size=n, p=_CHANNEL_P)
    fu2 = fu1 & (reply >= f2) & (rng.random(n) < second_followup_prob)
    if second_followup_hr != 1.0:
        base2 = cum_w[np.minimum(f2, horizon - 1)]
        spent = np.where(e > c * base1, c * base1 + c * hr1 * (base2 - base1), e)
        after2 = fu2 & (c > 0) & (e > spent)
        t = base2[after2] + (e[after2] - spent[after2]) / (
            c[after2] * hr1[after2] * second_followup_hr
        )
        reply[after2] = _reply_day(cum_w, t)
    fu1 &= f1 <= censor_day
    fu2 &= f2 <= censor_day
    replied = reply <= censor_day

    # --- what the reply was, interviews, thank-you notes, offers -------------
    p_int = np.array([P_INTERVIEW.get(s, 0.3) for s in names])[src]
    u = rng.random(n)
    # first reply kind: 1 interview invite, else 0 rejection (75%) or 3 other
    kind = np.where(u < p_int, 1, np.where(u < p_int + (1 - p_int) * 0.75, 0, 3))
    kind[(kind == 1) & (rng.random(n) < 0.03)] = 2  # a rare direct offer
    # interview rounds: first 2-10 days after the invite, then 4-14 days apart
    rounds = np.zeros(n, dtype=np.int64)
    int_days = np.full((n, 3), _NEVER, dtype=np.int64)
    ty_days = np.full((n, 3), _NEVER, dtype=np.int64)
    outcome_day = np.full(n, _NEVER, dtype=np.int64)
    outcome = np.zeros(n, dtype=np.int64)  # 0 none, 1 rejection, 2 offer
    alive = replied & (kind == 1)
    prev = np.where(alive, reply, 0)
    base_logit = np.log(0.35 / 0.65)
    for k in range(3):
        gap = rng.integers(2, 11, size=n) if k == 0 else rng.integers(4, 15, size=n)
        day_k = prev + gap
        int_days[alive, k] = day_k[alive]
        rounds[alive] = k + 1
        ty = alive & (rng.random(n) < thank_you_prob)
        ty_delay = rng.choice([0, 1, 2, 3, 5], size=n, p=[0.45, 0.3, 0.1, 0.1, 0.05])
        ty_days[ty, k] = day_k[ty] + ty_delay[ty]
        logit = base_logit + np.log(thank_you_or) * ty
        advance = alive & (rng.random(n) < 1 / (1 + np.exp(-logit)))
        out_day = day_k + rng.integers(3, 15, size=n)
        stop = alive & ~advance
        rejected = stop & (rng.random(n) < 0.8)  # the rest never hear back
        outcome[rejected], outcome_day[rejected] = 1, out_day[rejected]
        offer = advance & ((k == 2) | (rng.random(n) < 0.4))
        outcome[offer], outcome_day[offer] = 2, out_day[offer]
        alive = advance & ~offer
        prev = day_k
    direct = replied & (kind == 2)
    outcome[direct], outcome_day[direct] = 2, reply[direct]
    plain_rej = replied & (kind == 0)
    outcome[plain_rej], outcome_day[plain_rej] = 1, reply[plain_rej]
    accept_u = rng.random(n)
    decide_day = outcome_day + rng.integers(1, 8, size=n)

    # --- censor at as_of and build the tables ---------------------------------
    seen_int = (int_days <= censor_day[:, None]).sum(axis=1)
    seen_out = np.where(outcome_day <= censor_day, outcome, 0)
    decided = (seen_out == 2) & (decide_day <= censor_day)
    accepted = decided & (accept_u < 0.6)
    declined = decided & ~accepted
    screen = replied & (kind == 3) & (rng.random(n) < 0.4)
    stage = np.full(n, "applied", dtype=object)
    stage[replied] = "replied"
    stage[screen] = "screen"
    stage[seen_int > 0] = "interview"
    stage[seen_out == 2] = "offer"
    stage[accepted] = "accepted"
    status = np.full(n, "applied", dtype=object)
    ghost_mark = ~replied & (censor_day > 30) & (rng.random(n) < 0.5)
    status[ghost_mark] = "no_response"
    status[replied & (kind == 3)] = "applied"
    status[screen] = "screen"
    status[(seen_int > 0) | (replied & (kind == 1))] = "interview"
    status[seen_out == 1] = "rejected"
    status[seen_out == 2] = "offer"
    status[accepted] = "accepted"
    status[declined] = "withdrawn"
    raw_map = {
        "applied": "Applied",
        "no_response": "Ghosted",
        "screen": "Phone screen",
        "interview": "Interviewing",
        "rejected": "Rejected",
        "offer": "Offer",
        "accepted": "Accepted",
        "withdrawn": "Declined offer",
    }
    kind_names = np.array(["rejection", "interview", "offer", "other"], dtype=object)

    applied_on = start_ts + pd.to_timedelta(applied_day, unit="D")
    first_reply = pd.Series(
        applied_on + pd.to_timedelta(np.where(replied, reply, 0), unit="D")
    ).where(replied)
    ids = pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(len(str(n)))
    ids = ("sim-" + ids).astype("str")
    company = np.char.add(
        np.char.add(rng.choice(_WORDS_A, size=n).astype(str), " "),
        rng.choice(_WORDS_B, size=n).astype(str),
    )
    reply_kind = pd.Series(np.where(replied, kind_names[kind], None), dtype="str")
    # A promised call-back ("we will get back to you within a week"), made at the
    # first interview. Deterministic (no random draw), so every other simulated
    # value is the same as before the field existed.
    promised = int_days[:, 0] <= censor_day
    callback_day = int_days[:, 0] + 7
    callback_due = pd.Series(
        applied_on + pd.to_timedelta(np.where(promised, callback_day, 0), unit="D")
    ).where(promised)
    source = np.array(names, dtype=object)[src]
    apps = pd.DataFrame(
        {
            "application_id": ids,
            "client": pd.Series(client, index=range(n), dtype="str"),
            "company": company,
            "title": rng.choice(_TITLES, size=n),
            "source": source,
            "source_raw": pd.Series(source, dtype="str"),
            "applied_on": applied_on,
            "first_reply_on": first_reply,
            "callback_due_on": callback_due,
            "reply_kind": reply_kind,
            "stage": stage,
            "status": status,
            "status_raw": pd.Series(status).map(raw_map),
            "followed_up": fu1,
            "notes": pd.Series(None, index=range(n), dtype="str"),
            "sheet": "simulated",
            "row": np.arange(2, n + 2),
        }
    )
    apps = apps[list(APPLICATION_COLUMNS)]

    # (mask, day, kind, source column, channel) of each kind of event; the table is
    # built once from whole columns (a frame per kind and a concat cost more than the
    # simulation itself on a small search)
    zero = np.zeros(n, dtype=np.int64)
    kinds = [
        (np.ones(n, bool), zero, "applied", "Date Applied", None),
        (fu1, f1, "follow_up", "Follow-up 1", ch1),
        (fu2, f2, "follow_up", "Follow-up 2", ch2),
        (replied, reply, "reply", "First Response", None),
    ]
    for k in range(3):
        iv_k, ty_k = int_days[:, k], ty_days[:, k]
        kinds.append((iv_k <= censor_day, iv_k, "interview", f"Interview {k + 1}", None))
        kinds.append((ty_k <= censor_day, ty_k, "thank_you", f"Thank-you {k + 1}", None))
    kinds.append((seen_out == 2, outcome_day, "offer", "Offer Date", None))
    kinds.append((seen_out == 1, outcome_day, "rejection", "Rejected Date", None))
    kinds.append((declined, decide_day, "withdrawn", "Declined Date", None))
    # The event is the promised day arriving: on record once it is not after as_of.
    kinds.append((promised & (callback_day <= censor_day), callback_day, "callback_due",
                  "Call-back promised by", None))
    at = [np.flatnonzero(mask) for mask, *_ in kinds]
    sizes = [len(i) for i in at]
    pos = np.concatenate(at)
    date = applied_on[pos] + pd.to_timedelta(
        np.concatenate([day[i] for i, (_, day, *_) in zip(at, kinds)]), unit="D")
    channel = np.concatenate([np.full(len(i), None, dtype=object) if ch is None
                              else _CHANNELS[ch[i]].astype(object)
                              for i, (*_, ch) in zip(at, kinds)])
    # by application, then date; ties keep the order above (np.lexsort is stable)
    order = np.lexsort((date.asi8, pos))
    events = pd.DataFrame(
        {
            "application_id": pd.Series(ids.to_numpy()[pos[order]], dtype="str"),
            "date": date[order],
            "kind": pd.Series(np.repeat([k[2] for k in kinds], sizes)[order], dtype="str"),
            "channel": pd.Series(channel[order], dtype="str"),
            "source_column": pd.Series(np.repeat([k[3] for k in kinds], sizes)[order],
                                       dtype="str"),
        }
    )[list(EVENT_COLUMNS)]
    return apps, events
