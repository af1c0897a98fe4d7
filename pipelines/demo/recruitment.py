"""Applications to the job postings: volumes by job family, channels, the selection funnel and the hire."""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.demo.arrays import as_codes, as_dates, as_ids, draw
from pipelines.demo.config import EDUCATIVE, GeneratorConfig
from pipelines.demo.dates import day_number, ymd

CHANNELS = ("FRANCE_TRAVAIL", "JOB_BOARD", "SCHOOL", "REFERRAL", "SOCIAL_MEDIA", "SPONTANEOUS", "OTHER")
STAGES = ("APPLIED", "SCREENED", "INTERVIEWED", "OFFERED", "HIRED")


def make_applications(
    config: GeneratorConfig, postings: pl.DataFrame, how_filled: np.ndarray, rng: np.random.Generator
) -> pl.DataFrame:
    """Gives the applications extract: exactly one HIRED application per FILLED posting, none after the as-of date."""
    c = config
    as_of = day_number(c.as_of)
    n = postings.height
    opened = postings["opened_date"].cast(pl.Int64).to_numpy()
    closed = postings["closed_date"].cast(pl.Int64).fill_null(as_of).to_numpy()
    filled = (postings["outcome"] == "FILLED").to_numpy()

    # Fewer candidates as recruitment tension rises.
    years = ymd(opened)[0]
    keys = np.array(sorted(c.fill_year_factor))
    tension = np.array([c.fill_year_factor[k] for k in keys])[
        np.clip(np.searchsorted(keys, years, side="right") - 1, 0, None)
    ]
    mean = postings["job_family"].replace_strict(c.applications_mean, return_dtype=pl.Float64).to_numpy() / tension
    dispersion = 2.0
    others = rng.negative_binomial(dispersion, dispersion / (dispersion + mean))

    # Unsuccessful applications arrive mostly in the first weeks of the posting.
    post = np.repeat(np.arange(n), others)
    applied = np.minimum(opened[post] + np.round(rng.exponential(18.0, post.size)).astype(np.int64), closed[post])
    stage = draw(rng, c.stage_mix, post.size)
    withdrawn = rng.random(post.size) < np.where(stage == 3, c.withdrawn_share_offered, c.withdrawn_share)

    # The hire: applied before the posting closed; internal moves come through "OTHER".
    hired = np.flatnonzero(filled)
    hire_applied = opened[hired] + np.floor(
        rng.random(hired.size) * np.maximum(closed[hired] - opened[hired] - 6, 1)
    ).astype(np.int64)
    hire_applied = np.minimum(hire_applied, closed[hired])

    all_post = np.concatenate([post, hired])
    educative = postings["job_family"].is_in(EDUCATIVE).to_numpy()[all_post]
    ch_edu = draw(rng, c.channels_educative, all_post.size)
    ch_other = draw(rng, c.channels_other, all_post.size)
    channel = np.where(educative, ch_edu, ch_other)
    internal = np.concatenate([np.zeros(post.size, dtype=bool), how_filled[hired] > 0])
    channel = np.where(internal, CHANNELS.index("OTHER"), channel)
    table = pl.DataFrame(
        {
            "posting_id": postings["posting_id"].gather(all_post),
            "applied_date": as_dates(np.concatenate([applied, hire_applied])),
            "channel": as_codes(CHANNELS, channel),
            "stage_reached": as_codes(STAGES, np.concatenate([stage, np.full(hired.size, 4)])),
            "withdrawn": np.concatenate([withdrawn, np.zeros(hired.size, dtype=bool)]),
        }
    ).with_row_index("_seq")
    table = table.sort("applied_date", "posting_id", "_seq")
    ids = as_ids("CA", np.arange(1, table.height + 1), 8)
    return table.select(pl.Series("application_id", ids), pl.exclude("_seq"))
