"""Write src/jobstats/datasets/reference_rates.csv: the references shipped with jobstats.

Two kinds of rows:

* aggregates of a public, MIT-licensed personal tracker (Tim Hanneman,
  github.com/TimHanneman/Job-Application-Statistics, ``Merged.csv``, commit
  6dac54e; 177 applications, data roles, Nov 2021 - Feb 2023), computed with
  :func:`jobstats.reference.user_measures` as of its export date 2023-03-13.
  Only the aggregate numbers are written, never a row of the tracker;
* numbers published in studies and surveys (see RESEARCH.md section 3), with
  their citation. They come without a usable sample size, so no interval.

Run: ``.venv/bin/python scripts/make_reference_data.py [PATH/TO/timhanneman_merged.csv]``
(default ``../shared/data/real/timhanneman_merged.csv``). Same input, same file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

import jobstats
from jobstats.reference import user_measures

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "jobstats" / "datasets" / "reference_rates.csv"
TRACKER_AS_OF = "2023-03-13"

HANNEMAN = {
    "reference": "public tracker: one data-roles search, US 2021-23",
    "population": "177 applications of one job seeker, entry/mid data and IT roles, US, "
    "Nov 2021 - Feb 2023",
    "citation": "Tim Hanneman, Job-Application-Statistics, Merged.csv (github.com/TimHanneman/"
    "Job-Application-Statistics, commit 6dac54e)",
    "licence": "MIT; aggregate numbers only",
}
PUBLISHED = [
    {
        "reference": "audit study, Bertrand & Mullainathan 2004",
        "measure": "positive reply", "estimate": 0.0805,
        "population": "fictitious resumes sent to help-wanted ads, Boston and Chicago, 2001-02",
        "citation": "Bertrand, M. & Mullainathan, S. (2004). Are Emily and Greg More Employable "
        "than Lakisha and Jamal? American Economic Review 94(4), 991-1013",
        "licence": "published figure (cited)",
        "note": "callback rate of an audit study (8.05% overall; 9.65% vs 6.45% by the name on "
        "the resume); a callback is an invitation, like a positive reply here",
    },
    {
        "reference": "StepStone survey, Belgium 2018",
        "measure": "reply within 45 days", "estimate": 0.24,
        "population": "survey of 44,500 job seekers, Belgium, 2018",
        "citation": "StepStone (2018), survey of 44,500 job seekers, Belgium",
        "licence": "published figure (cited)",
        "note": "share who heard back within 45 days, as reported by job seekers",
    },
    {
        "reference": "StepStone survey, Belgium 2018",
        "measure": "positive reply", "estimate": round(1 / 18, 4),
        "population": "survey of 44,500 job seekers, Belgium, 2018",
        "citation": "StepStone (2018), survey of 44,500 job seekers, Belgium",
        "licence": "published figure (cited)",
        "note": "derived from 'about 18 applications per interview' (1/18)",
    },
    {
        "reference": "Hireology (employers' average)",
        "measure": "average days to respond", "estimate": 10.0,
        "population": "businesses using Hireology", "citation": "Hireology, average time to respond",
        "licence": "published figure (cited)",
        "note": "context only, not compared: an average over replies favours fast replies",
    },
    {
        "reference": "Sprockets (hourly jobs)",
        "measure": "average days to respond", "estimate": 8.8,
        "population": "549,000 applicants to hourly jobs",
        "citation": "Sprockets, days to contact hourly-job applicants",
        "licence": "published figure (cited)",
        "note": "context only, not compared: an average over contacted applicants",
    },
]


def main(argv: list[str]) -> None:
    path = Path(argv[1]) if len(argv) > 1 else ROOT.parent / "shared/data/real/timhanneman_merged.csv"
    data = jobstats.load(path, as_of=TRACKER_AS_OF)
    m = user_measures(data.applications, pd.Timestamp(TRACKER_AS_OF))
    rows = []
    for _, r in m.iterrows():
        rows.append({**HANNEMAN, "measure": r["measure"], "estimate": round(r["estimate"], 4),
                     "ci_low": round(r["ci_low"], 4), "ci_high": round(r["ci_high"], 4),
                     "n": r["n"], "events": r["events"],
                     "note": f"{r['method']}; as of the export date {TRACKER_AS_OF}"})
    rows += PUBLISHED
    cols = ["reference", "measure", "estimate", "ci_low", "ci_high", "n", "events",
            "population", "citation", "licence", "note"]
    table = pd.DataFrame(rows).reindex(columns=cols)
    table["n"] = table["n"].astype("Int64")
    table["events"] = table["events"].astype("Int64")
    table.to_csv(OUT, index=False, lineterminator="\n")
    print(f"wrote {OUT} ({len(table)} rows)")


if __name__ == "__main__":
    main(sys.argv)
