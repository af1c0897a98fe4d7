"""staging.establishments: the contract's rules, each establishment in a known territory."""

from pipelines.quality.suites import staging_suite

SUITE = staging_suite("establishments")
