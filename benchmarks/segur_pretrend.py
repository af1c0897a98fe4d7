"""What the Ségur pre-trend test can tell at a given number of establishments: how often it rejects
when nothing drifted (its size, nominal 5 %), and how often it sees a drift (its power).

    python benchmarks/segur_pretrend.py --establishments 20 40 60 100 250 --panels 1000
    python benchmarks/segur_pretrend.py --establishments 20 40 60 100 250 --panels 400 --drift -0.2

Each panel is `tests.segur.helpers.many_establishments_panel` (three families covered 01/2022,
04/2022, 01/2024; data from 01/2019, so every family has months older than the 24 months before its
coverage; hazards correlated within establishments), with voluntary exits multiplied by
(1 + drift) in the 12 months before coverage. The test is the pipeline's (six four-month lead bins
on uncovered cell-months, clustered by establishment), fitted with the large-panel path's
`analytic.fit_two_way` (the small path's pyfixest fit gives the same p-values to 1e-2,
tests/segur/test_large.py), and read two ways: the Wald statistic against chi-squared(6), as
before issue 14, and W / 6 against F(6, G - 1), as now. Prints one Markdown row per size.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def rejection_rates(n_establishments: int, panels: int, drift: float, seed: int) -> tuple[float, float]:
    """Gives the share of panels where the chi-squared and the F readings reject at 5 %."""
    import numpy as np
    from scipy import stats

    from pipelines.segur import large as big
    from pipelines.segur.estimate import LEAD_BIN, WINDOW, pre_trend_p_value
    from tests.segur.helpers import many_establishments_panel

    chi2, f = [], []
    for i in range(panels):
        a = big.panel_arrays(
            many_establishments_panel(n_establishments, seed=seed + i, drift=drift), "voluntary_exit_rate"
        )
        bins, _ = big._lead_codes(a)
        fit = big._fit(a, np.flatnonzero(~a["covered"]), True, bins, WINDOW // LEAD_BIN)
        kept = np.flatnonzero(np.isfinite(fit.coef))
        b, v = fit.coef[kept], fit.vcov[np.ix_(kept, kept)]
        chi2.append(stats.chi2.sf(float(b @ np.linalg.pinv(v) @ b), kept.size))
        f.append(pre_trend_p_value(b, v, fit.n_clusters))
    return float(np.mean(np.array(chi2) < 0.05)), float(np.mean(np.array(f) < 0.05))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--establishments", type=int, nargs="+", default=[20, 40, 60, 100, 250])
    parser.add_argument("--panels", type=int, default=1000)
    parser.add_argument("--drift", type=float, default=0.0, help="relative change of exits in the 12 months before")
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args()
    print(f"drift {args.drift:+.2f} in the 12 months before coverage, {args.panels} panels per size\n")
    print("| establishments | rejects at 5 %, chi-squared | rejects at 5 %, F(q, G - 1) | seconds |")
    print("|---|---|---|---|")
    for g in args.establishments:
        started = time.monotonic()
        chi2, f = rejection_rates(g, args.panels, args.drift, args.seed)
        print(f"| {g} | {chi2:.1%} | {f:.1%} | {time.monotonic() - started:.0f} |", flush=True)


if __name__ == "__main__":
    main()
