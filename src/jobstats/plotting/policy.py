"""The centrepiece: chance of a reply if you follow up on day d vs never."""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from jobstats.plotting._common import (
    CANNOT_TELL,
    GREY,
    OKABE_ITO,
    footer,
    get_ax,
    header,
    interval_text,
    is_missing,
    lw,
    ms,
    pct,
    require_columns,
)

__all__ = ["followup_policy_chart"]

_FOLLOW = OKABE_ITO["blue"]
_ADVICE = OKABE_ITO["orange"]


def followup_policy_chart(
    policy: pd.DataFrame,
    *,
    show: str = "chance",
    advice_day: float | None = 14,
    advice_label: str = "the advice:\nabout two weeks",
    ax: Axes | None = None,
) -> Axes:
    """Chance of a reply within H days if you follow up on day d, against never.

    Parameters
    ----------
    policy : pandas.DataFrame
        The follow-up policy table of :func:`jobstats.followup_policy`: one row
        per policy with ``policy`` (``"never"``, ``"day 3"``, ...), ``day``
        (NaN for never), ``estimate``, ``ci_low``, ``ci_high``; optional
        ``horizon_days``, ``n``, ``note`` and, for ``show="difference"``,
        ``difference``, ``diff_ci_low``, ``diff_ci_high``. ``attrs``:
        ``as_of``, ``n_applications``, ``identifiable``, ``reason``,
        ``assumption``.
    show : {"chance", "difference"}
        ``"chance"``: each policy's chance with its interval, "never" as a
        grey band. ``"difference"``: percentage points gained vs never.
    advice_day : float or None
        Day the popular advice names (marked in orange); None for no mark.
    advice_label : str
        Text of that mark.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    A policy whose estimate is NaN is drawn as a grey "data cannot tell"
    marker at its day, with its note under the chart, never dropped. When
    ``attrs["identifiable"]`` is False the chart is empty apart from the reason.
    """
    if show not in ("chance", "difference"):
        raise ValueError(f"show={show!r}: use 'chance' or 'difference'.")
    need = ["policy", "day", "estimate", "ci_low", "ci_high"]
    if show == "difference":
        need += ["difference", "diff_ci_low", "diff_ci_high"]
    require_columns(policy, need, "followup_policy_chart")
    ax = get_ax(ax)
    attrs = policy.attrs or {}
    horizon = _horizon(policy)
    title = (
        f"Chance of a reply within {horizon} days, by the day you follow up"
        if show == "chance"
        else f"Extra chance of a reply within {horizon} days vs never following up"
    )
    identifiable = attrs.get("identifiable") is not False
    has_numbers = identifiable and not policy[
        "estimate" if show == "chance" else "difference"].isna().all()
    header(ax, title, policy, extra="95% intervals" if has_numbers else None)
    if not identifiable:
        _not_identifiable(ax, attrs.get("reason") or "no reason given")
        return ax

    never = policy[policy["policy"].astype(str) == "never"]
    rows = policy[policy["policy"].astype(str) != "never"].sort_values("day", kind="stable")
    value_col = "estimate" if show == "chance" else "difference"
    if policy[value_col].isna().all():
        # no policy has a number: an axis would only suggest one; say why instead
        notes = [str(n) for n in policy.get("note", pd.Series(dtype=object)).dropna().unique()
                 if str(n).strip()]
        _not_identifiable(ax, "; ".join(notes) or "no policy has an estimate")
        return ax
    days = rows["day"].to_numpy(float)
    if show == "chance":
        est, lo, hi = (rows[c].to_numpy(float) for c in ("estimate", "ci_low", "ci_high"))
    else:
        est, lo, hi = (rows[c].to_numpy(float) for c in ("difference", "diff_ci_low", "diff_ci_high"))
    known = ~np.isnan(est)
    span = max(days.max() - days.min(), 1.0) if len(days) else 20.0
    ax.set_xlim(days.min() - 0.12 * span if len(days) else 0,
                (days.max() if len(days) else 20) + 0.12 * span)

    # reference: never following up (a band) or no difference (a line at 0)
    ymax_data = np.nanmax(np.concatenate([hi[known], [0.0]])) if known.any() else 0.0
    ymin_data = np.nanmin(np.concatenate([lo[known], [0.0]])) if known.any() else 0.0
    if show == "chance" and len(never):
        nv = never.iloc[0]
        if not is_missing(nv["estimate"]):
            ax.axhspan(nv["ci_low"], nv["ci_high"], color=GREY, alpha=0.18, lw=0, gid="never-band")
            ax.axhline(nv["estimate"], color=GREY, lw=lw(1), gid="never-line")
            ymax_data = max(ymax_data, float(nv["ci_high"]))
            # labelled beyond the right edge, where no policy point can be under it
            ax.annotate(
                f"never\nfollow up\n{pct(nv['estimate'])}\n({interval_text(nv['ci_low'], nv['ci_high'])})",
                xy=(1, nv["estimate"]), xycoords=("axes fraction", "data"),
                xytext=(6, 0), textcoords="offset points", ha="left", va="center",
                color="#555555", fontsize="medium", fontweight="bold", annotation_clip=False,
                gid="never-label",
            )
        else:
            ax.annotate(
                f"never follow up: {CANNOT_TELL}", xy=(1, 0.02), xycoords="axes fraction",
                ha="right", va="bottom", color=GREY, fontsize="medium",
            )
    elif show == "difference":
        ax.axhline(0, color=GREY, lw=lw(1), gid="zero-line")
        ax.annotate("same as\nnever\nfollowing\nup", xy=(1, 0),
                    xycoords=("axes fraction", "data"), xytext=(6, 0),
                    textcoords="offset points", ha="left", va="center", color="#555555",
                    fontsize="medium", fontweight="bold", annotation_clip=False)

    # the policies with an estimate: point + interval + value label
    ax.errorbar(
        days[known], est[known],
        yerr=np.vstack([est[known] - lo[known], hi[known] - est[known]]),
        fmt="o", color=_FOLLOW, ecolor=_FOLLOW, elinewidth=lw(1.6), capsize=0, zorder=3,
        ms=ms(1.1),
        gid="policy-points",
    )
    for d, e in zip(days[known], est[known], strict=True):
        label = pct(e) if show == "chance" else f"{100 * e:+.0f} pts"
        ax.annotate(label, xy=(d, e), xytext=(7, 0), textcoords="offset points",
                    ha="left", va="center", color=_FOLLOW, fontweight="bold", fontsize="medium")

    # the policies the data cannot tell about: shown, not dropped
    top = max(ymax_data * 1.25, 0.05) if show == "chance" else max(ymax_data * 1.3, 0.02)
    bottom = 0.0 if show == "chance" else min(ymin_data * 1.15, -0.02)
    ax.set_ylim(bottom, top)
    unknown_notes = []
    for d, (_, row) in zip(days[~known], rows[~known].iterrows(), strict=True):
        # low on the chart, clear of the "never" band and the intervals
        ymid = bottom + 0.26 * (top - bottom) if show == "chance" else top - 0.2 * (top - bottom)
        ax.plot([d], [ymid], marker="o", ms=ms(2.2), mfc="white", mec=GREY, mew=lw(0.8),
                ls="none", gid="cannot-tell-marker")
        ax.annotate("?", xy=(d, ymid), ha="center", va="center", color=GREY, fontweight="bold",
                    fontsize="large")
        if not unknown_notes:  # named once; the footer gives each one's reason
            ax.annotate(CANNOT_TELL.replace(" ", "\n", 1), xy=(d, ymid),
                        xytext=(0, -1.6 * ms(2.2)), textcoords="offset points", ha="center",
                        va="top", color=GREY, fontsize="small")
        note = row.get("note", "")
        unknown_notes.append(f"{row['policy']}: {note}" if not is_missing(note) and note else
                             f"{row['policy']}: no estimate")

    if advice_day is not None:
        # a light band behind the points ("about" two weeks), not a line across them
        ax.axvspan(advice_day - 0.1 * span, advice_day + 0.1 * span, color=_ADVICE, alpha=0.16,
                   lw=0, zorder=0, gid="advice-band")
        ax.annotate(advice_label, xy=(advice_day, 1), xycoords=("data", "axes fraction"),
                    xytext=(0, -3), textcoords="offset points", ha="center", va="top",
                    color="#9A6A00", fontweight="bold", fontsize="medium")

    ax.set_xticks(days, [f"day {d:g}" for d in days])
    ax.set_xlabel("follow up on this day if there is still no reply")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if show == "difference":
        ax.yaxis.set_major_formatter(_points_formatter())
    notes = []
    if unknown_notes:
        notes.append("Data cannot tell: " + "; ".join(unknown_notes) + ".")
    if attrs.get("assumption"):
        notes.append(_assumption(str(attrs["assumption"])))
    footer(ax, "\n".join(notes))
    return ax


def _horizon(policy: pd.DataFrame) -> Any:
    if "horizon_days" in policy.columns and policy["horizon_days"].notna().any():
        return f"{float(policy['horizon_days'].dropna().iloc[0]):g}"
    return str((policy.attrs or {}).get("horizon", 30))


def _assumption(text: str) -> str:
    """The analysis' assumption as a sentence, "Assumes ..." unless it says so itself."""
    text = text.strip().rstrip(".") + "."
    if "assum" in " ".join(text.lower().split()[:3]):
        return text
    return "Assumes " + text[:1].lower() + text[1:]


def _points_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: f"{100 * v:+.0f} pts" if v else "0")


def _not_identifiable(ax: Axes, reason: str) -> None:
    """An honest empty chart: no axes to read numbers from, only the reason."""
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    ax.text(0.5, 0.62, "The data cannot tell", transform=ax.transAxes, ha="center",
            va="center", fontsize="xx-large", fontweight="bold", color=GREY)
    reason = reason.strip()
    reason = reason[:1].upper() + reason[1:]
    ax.text(0.5, 0.45, textwrap.fill(reason, 70), transform=ax.transAxes, ha="center",
            va="top", fontsize="medium", color="#444444", gid="reason")
