"""staging.segur_measures: the contract's rules; each measure for a known job family."""

from pipelines.quality.suites import staging_suite

SUITE = staging_suite("segur_measures")
