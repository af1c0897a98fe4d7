"""Workforce marts (issue 3): headcount, hires and exits, vacancy, turnover, early attrition,
time to fill and the recruitment funnel, as contract section 4 defines them.

- `months`: month numbers and the reporting `Period` (as-of date, window).
- `employment`: spells, hires, exits, and month-end counts by intervals (pure Polars).
- `metrics`, `recruitment`: the marts (pure Polars, LazyFrame in, LazyFrame out).
- `checks`, `summaries`: what the asset checks test and what the UI shows (pure Polars).
- `assets`: the thin Dagster layer (group `workforce`).
"""
