"""Synthetic landing folders for tests, benchmarks and demos (`vivier demo-data`).

`generate_demo(out, scale, seed, messy, **overrides)` writes one file per
extract and `_truth/` (truth.json, carer_risk.csv, defects.csv): what was
planted, for the pipeline to find again. Parameters and their public sources
are in `config.GeneratorConfig` and docs/calibration.md.
"""

from pipelines.demo.config import SCALES, GeneratorConfig, build_config
from pipelines.demo.generate import EXTRACTS, DemoSummary, generate_demo

__all__ = ["EXTRACTS", "SCALES", "DemoSummary", "GeneratorConfig", "build_config", "generate_demo"]
