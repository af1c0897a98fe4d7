"""Statistical disclosure control for the report: DuckDB macros the `sql/` views call (primary
suppression), then `protect` on the views' results (secondary suppression).

A count of 1 to 4 people, any rate or average computed over fewer than 5, and a share of
people whose numerator is 1 to 4 (it would give that count away) would let a reader who knows
a service point at a person: the views show them as NULL (the pages print "-" and say why).
A figure about the same people as a hidden count (their fte, their approved places, the vacancy
their fte leaves, a model's scores over them) is hidden with it: shown beside a "-", an fte of
"1,0" gives the hidden head count back (issue 13). Zero is shown: it points at no one. Counts of
file rows and checks (data-quality pages) are not counts of people and are shown as they are.

A hidden count must not come back by subtraction either (issue 17): a total shown beside its parts
gives the one hidden part (the total minus the others), and so do a territory and its establishments
(on their own pages), the whole workforce and its territories, organisations or job families, a year
and its months, the home page's figures and every breakdown of them, a twelve-month rate and the
month-end headcounts it averages, two twelve-month figures in a row (they differ by one month's
figure minus that of the same month a year earlier). The rule is the statistical offices' "secret
secondaire": whenever a hidden count could be computed from the figures the report shows, a second
figure of the same sum is hidden too: one that no page prints if there is one (a month's hires of an
establishment...), else where the sum goes through a rate (turnover = departures over the average
headcount) the rate, else the smallest other part shown, a zero last (it hides nothing of its own).
`protect` applies it to every view's result, sum after sum until none gives a hidden count back; the
sums it knows are written out in `sums`, over the figures of `COUNTS` and `RATES`. Two views also
give less for the same reason: an establishment's turnover and the organisations' twelve-month
figures are given for the as-of month only (see their SQL)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import polars as pl

MIN_SHOWN = 5

MACROS = {
    # a count of people: NULL when 1 to 4
    "shown_count(n)": f"CASE WHEN n > 0 AND n < {MIN_SHOWN} THEN NULL ELSE CAST(n AS BIGINT) END",
    # a rate, share or average over `denominator` people (or fte): NULL when that is under 5
    "shown_rate(rate, denominator)": f"CASE WHEN coalesce(denominator, 0) < {MIN_SHOWN} THEN NULL ELSE rate END",
    # a share of people, `numerator` out of `denominator`: NULL as above, and also when the
    # numerator is 1 to 4 (shown beside its denominator, the rate would give the hidden count away)
    "shown_share(rate, numerator, denominator)": f"CASE WHEN coalesce(denominator, 0) < {MIN_SHOWN} "
    f"OR (numerator > 0 AND numerator < {MIN_SHOWN}) THEN NULL ELSE rate END",
    # a figure about the same `n` people (their fte, places, the vacancy their fte leaves): NULL when
    # shown_count(n) is, so that the figure cannot give the hidden count back
    "shown_beside(value, n)": f"CASE WHEN n > 0 AND n < {MIN_SHOWN} THEN NULL ELSE value END",
}


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Defines the disclosure macros on `con` (temporary: nothing is written to the warehouse)."""
    for signature, body in MACROS.items():
        con.execute(f"CREATE OR REPLACE TEMP MACRO {signature} AS {body}")


# --- Secondary suppression ------------------------------------------------------------------------

Var = tuple[str, tuple]  # a figure and its key: ("people/territory", (month, territory_id))


@dataclass(frozen=True)
class Place:
    """Where a figure is printed: the rows of `view` (only those whose is_total is `total`, when it
    is not None) whose `keys` columns hold the figure's key. The figure can be read there while its
    `shown` column is not NULL (None: this place only follows the others); hiding it nulls the `hide`
    columns (the figure, and the figures computed from it that would give it back: the fte beside a
    headcount, a rate whose numerator it is...)."""

    view: str
    keys: tuple[str, ...]
    shown: str | None
    hide: tuple[str, ...]
    total: bool | None = None


@dataclass(frozen=True)
class Sum:
    """`left` = `right`, each a sum of figures (one the report does not print, 0): a reader who
    knows every term but one computes it. `rate`: the printed rate this equation holds through
    (exits over 12 months = rate x average headcount), none when it always holds. When one hidden
    term could be computed, the second figure hidden is taken on its own side first (a sibling
    part), or on the other side first when `same_side_first` is False."""

    left: tuple[Var, ...]
    right: tuple[Var, ...]
    rate: Var | None = None
    same_side_first: bool = True


OVERVIEW = "workforce_overview_monthly"
HOME = "home_key_figures"
TERRITORY = "workforce_turnover_by_territory"
TERRITORY_FTE = "workforce_vacancy_by_territory"
ORGANISATION = "workforce_turnover_by_organisation"
ORGANISATION_FTE = "workforce_vacancy_by_organisation"
ESTABLISHMENTS = "establishment_list"
ESTABLISHMENT = "establishment_monthly"
ESTABLISHMENT_YEAR = "establishment_yearly"
CELLS = "establishment_job_families"
JOB_FAMILY = "workforce_turnover_by_job_family"
REASONS = "exits_by_reason_yearly"
CARERS = "carer_capacity_monthly_total"
CARERS_TERRITORY = "carer_capacity_by_territory"
CARER_FLOWS = "carer_flows_yearly"
AGE_BANDS = "carer_age_pyramid"
RETENTION = "carer_retention_by_territory"
MEASURES = "carer_suggested_measures"
FUNNEL = "carer_funnel_yearly"
FAIRNESS = "model_fairness_summary"
MODEL = "model_metrics_summary"

MONTH = ("month",)
BY_TERRITORY = ("month", "territory_id")
BY_ORGANISATION = ("month", "organisation")
BY_ESTABLISHMENT = ("month", "establishment_id")
FTE = ("fte", "vacant_fte", "vacancy_rate")  # the fte of a headcount, and the vacancy it leaves
PLACES = ("approved_places", "occupied_places", "occupancy_rate")  # the places of a number of carers
CHANGES = ("headcount_change", "vacancy_rate_change")  # the home page's changes over a year


def _at(view: str, keys: tuple[str, ...], column: str, *computed: str, total: bool | None = None) -> Place:
    return Place(view, keys, column, (column, *computed), total)


# The counts of people the report prints, where it prints them. Levels: the whole employer (no
# suffix), a territory, an organisation, an establishment, an establishment's job family (cell).
COUNTS: dict[str, tuple[Place, ...]] = {
    "people": (
        _at(OVERVIEW, MONTH, "headcount", *FTE),
        _at(HOME, ("as_of_month",), "headcount", "vacant_fte", "vacancy_rate", *CHANGES),
        _at(HOME, ("year_before",), "headcount_year_before", "vacancy_rate_year_before", *CHANGES),
    ),
    "people/territory": (_at(TERRITORY, BY_TERRITORY, "headcount"), _at(TERRITORY_FTE, BY_TERRITORY, *FTE)),
    "people/organisation": (
        _at(ORGANISATION, BY_ORGANISATION, "headcount"),
        _at(ORGANISATION_FTE, BY_ORGANISATION, *FTE),
    ),
    "people/establishment": (_at(ESTABLISHMENT, BY_ESTABLISHMENT, "headcount", *FTE),),
    "people/cell": (_at(CELLS, ("establishment_id", "job_family"), "headcount", *FTE),),
    "people/job family": (_at(JOB_FAMILY, ("job_family",), "headcount"),),
    "hires": (_at(OVERVIEW, MONTH, "hires"),),
    "exits": (_at(OVERVIEW, MONTH, "exits"),),
    "hires/establishment": (_at(ESTABLISHMENT, BY_ESTABLISHMENT, "hires"),),
    "exits/establishment": (_at(ESTABLISHMENT, BY_ESTABLISHMENT, "exits"),),
    "hires/establishment/year": (_at(ESTABLISHMENT_YEAR, ("year", "establishment_id"), "hires"),),
    "exits/establishment/year": (_at(ESTABLISHMENT_YEAR, ("year", "establishment_id"), "exits"),),
    "exits/reason/year": (_at(REASONS, ("year", "exit_reason"), "exits"),),
    # departures over twelve months, with the rates whose numerator they are (as shown_share does)
    "exits 12m/territory": (_at(TERRITORY, BY_TERRITORY, "exits_12m", "turnover_rate", "rotation_rate"),),
    "voluntary 12m/territory": (_at(TERRITORY, BY_TERRITORY, "voluntary_exits_12m", "voluntary_turnover_rate"),),
    "exits 12m/organisation": (_at(ORGANISATION, BY_ORGANISATION, "exits_12m", "turnover_rate", "rotation_rate"),),
    "voluntary 12m/organisation": (
        _at(ORGANISATION, BY_ORGANISATION, "voluntary_exits_12m", "voluntary_turnover_rate"),
    ),
    "exits 12m/job family": (_at(JOB_FAMILY, ("job_family",), "exits_12m", "turnover_rate"),),
    "voluntary 12m/job family": (_at(JOB_FAMILY, ("job_family",), "voluntary_exits_12m", "voluntary_turnover_rate"),),
    # foster carers
    "carers": (
        _at(CARERS, MONTH, "active_carers", *PLACES),
        _at(HOME, ("as_of_month",), "active_carers", "approved_places", "occupancy_rate", "active_carers_change"),
        _at(HOME, ("year_before",), "active_carers_year_before", "approved_places_year_before", "active_carers_change"),
    ),
    "carers/territory": (_at(CARERS_TERRITORY, BY_TERRITORY, "active_carers", *PLACES),),
    "new carers": (_at(CARERS, MONTH, "new_carers"),),
    "new carers/territory": (_at(CARERS_TERRITORY, BY_TERRITORY, "new_carers"),),
    "new carers/year": (_at(CARER_FLOWS, ("year",), "new_carers"),),
    "carer leavers": (_at(CARERS, MONTH, "leavers"),),
    "carer leavers/territory": (_at(CARERS_TERRITORY, BY_TERRITORY, "leavers"),),
    "carer leavers/year": (_at(CARER_FLOWS, ("year",), "leavers"),),
    "carers/age band": (
        _at(AGE_BANDS, ("age_band",), "carers", "approved_places", "children_placed", "share_of_carers"),
    ),
    "scored carers": (_at(RETENTION, (), "carers", "mean_risk_12m", "places_at_risk", "approved_places", total=True),),
    "scored carers/territory": (
        _at(RETENTION, ("territory_id",), "carers", "mean_risk_12m", "places_at_risk", "approved_places", total=False),
    ),
    "high risk": (_at(RETENTION, (), "high_risk_carers", total=True),),
    "high risk/territory": (_at(RETENTION, ("territory_id",), "high_risk_carers", total=False),),
    "medium risk": (_at(RETENTION, (), "medium_risk_carers", total=True),),
    "medium risk/territory": (_at(RETENTION, ("territory_id",), "medium_risk_carers", total=False),),
    "measure": (_at(MEASURES, ("suggested_measure",), "carers", "places_at_risk", total=True),),
    "measure/territory": (
        _at(MEASURES, ("territory_id", "suggested_measure"), "carers", "places_at_risk", total=False),
    ),
    "enquiries": (_at(FUNNEL, ("year",), "enquiries", "conversion_rate", total=True),),
    "enquiries/channel": (_at(FUNNEL, ("year", "channel"), "enquiries", "conversion_rate", total=False),),
    "applications": (_at(FUNNEL, ("year",), "applications", total=True),),
    "applications/channel": (_at(FUNNEL, ("year", "channel"), "applications", total=False),),
    "approvals": (_at(FUNNEL, ("year",), "approvals", "conversion_rate", total=True),),
    "approvals/channel": (_at(FUNNEL, ("year", "channel"), "approvals", "conversion_rate", total=False),),
    # the attrition model: carers x dates scored and leavers, per split and per group of the audit
    "scored": (_at(MODEL, ("split",), "n", "leave_rate"),),
    "leavers": (_at(MODEL, ("split",), "leavers", "leave_rate", "top_decile_recall", "roc_auc", "pr_auc"),),
    "scored/group": (
        _at(
            FAIRNESS,
            ("attribute", "group_label"),
            "n",
            "mean_predicted_risk",
            "observed_leave_rate",
            "calibration_ratio",
        ),
    ),
    "leavers/group": (
        _at(FAIRNESS, ("attribute", "group_label"), "leavers", "observed_leave_rate", "recall", "calibration_ratio"),
    ),
}

# Twelve-month rates: each ties departures to the average month-end headcount (or, for rotation,
# hires and departures to the headcount twelve months earlier), so that knowing one gives the other.
RATES: dict[str, tuple[Place, ...]] = {
    "turnover rate": (
        _at(OVERVIEW, MONTH, "turnover_rate"),
        _at(HOME, ("as_of_month",), "turnover_rate", "turnover_rate_change"),
        _at(HOME, ("year_before",), "turnover_rate_year_before", "turnover_rate_change"),
    ),
    "voluntary rate": (
        _at(OVERVIEW, MONTH, "voluntary_turnover_rate"),
        _at(HOME, ("as_of_month",), "voluntary_turnover_rate"),
        _at(HOME, ("year_before",), "voluntary_turnover_rate_year_before"),
    ),
    "rotation rate": (_at(OVERVIEW, MONTH, "rotation_rate"),),
    "turnover rate/territory": (_at(TERRITORY, BY_TERRITORY, "turnover_rate"),),
    "voluntary rate/territory": (_at(TERRITORY, BY_TERRITORY, "voluntary_turnover_rate"),),
    "rotation rate/territory": (_at(TERRITORY, BY_TERRITORY, "rotation_rate"),),
    "turnover rate/organisation": (_at(ORGANISATION, BY_ORGANISATION, "turnover_rate"),),
    "voluntary rate/organisation": (_at(ORGANISATION, BY_ORGANISATION, "voluntary_turnover_rate"),),
    "rotation rate/organisation": (_at(ORGANISATION, BY_ORGANISATION, "rotation_rate"),),
    "turnover rate/establishment": (_at(ESTABLISHMENT, BY_ESTABLISHMENT, "turnover_rate"),),
}


class Figures:
    """The figures of COUNTS and RATES in the views' results: where each is printed (rows of a
    view), which are hidden, and the value of those shown."""

    def __init__(self, results: dict[str, pl.DataFrame]):
        self.results = results
        self.rows: dict[Var, list[tuple[Place, list[int]]]] = defaultdict(list)
        self.hidden: set[Var] = set()
        self.value: dict[Var, float] = {}
        self.keys: dict[str, set[tuple]] = defaultdict(set)
        self.months: dict[str, tuple[dt.date, dt.date]] = {}
        for name, places in (COUNTS | RATES).items():
            for place in places:
                self._read(name, place)

    def printed(self, *views: str) -> bool:
        return all(view in self.results for view in views)

    def _read(self, name: str, place: Place) -> None:
        frame = self.results.get(place.view)
        columns = [
            *place.keys,
            *([place.shown] if place.shown else []),
            *(["is_total"] if place.total is not None else []),
        ]
        if frame is None or not set(columns) <= set(frame.columns):
            return
        found: dict[tuple, list[int]] = defaultdict(list)
        for row, values in enumerate(frame.select(columns).iter_rows()):
            if place.total is not None and values[-1] is not place.total:
                continue
            key = tuple(values[: len(place.keys)])
            found[key].append(row)
            if place.shown is None:
                continue
            if (shown := values[len(place.keys)]) is None:
                self.hidden.add((name, key))
            else:
                self.value.setdefault((name, key), shown)
        for key, rows in found.items():
            self.rows[(name, key)].append((place, rows))
            self.keys[name].add(key)
        if place.keys[:1] == ("month",) and found:  # the months the figure's views cover, first and last
            covered = [*self.months.get(name, ()), *(key[0] for key in found)]
            self.months[name] = (min(covered), max(covered))

    def terms(self, name: str, keys: Iterable[tuple]) -> list[Var] | None:
        """Gives the figures `name` of these keys that the report prints: a row its views do not have
        is 0, but a month outside those they cover is not known (a figure the report does not print);
        None when no view of the figure is among the results (then nothing is known of it)."""
        if not any(place.view in self.results for place in COUNTS[name]):
            return None
        printed = self.keys.get(name, set())
        months = self.months.get(name)
        return [
            (name, key) if key in printed else ("not in the report", (name, key))
            for key in keys
            if key in printed or (months is not None and not months[0] <= key[0] <= months[-1])
        ]

    def shown_rate(self, var: Var) -> bool:
        """Whether the rate is printed, and not 0 (a rate of 0 says that the departures are 0, and
        nothing of the headcount)."""
        return var in self.rows and var not in self.hidden and self.value.get(var) != 0


def _join(*terms: list[Var] | None) -> list[Var] | None:
    """Gives the terms of several figures together, or None when one is not in the results."""
    return None if any(t is None for t in terms) else [v for t in terms for v in t]


def _month(month: dt.date, back: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


# Month by month figures: the first month any of them has is the first month of the report.
MONTHLY = [name for name, places in COUNTS.items() if places[0].keys[:1] == ("month",)]
# The levels a twelve-month rate is given at: the figures it ties (departures, voluntary departures,
# hires over twelve months, the average headcount, the month-end headcount); a figure the report
# does not print is computed (from its parts) or not known.
LEVELS = {
    "": ("exits 12m", "voluntary 12m", "hires 12m", "average", "people"),
    "/territory": (
        "exits 12m/territory",
        "voluntary 12m/territory",
        "hires 12m/territory",
        "average/territory",
        "people/territory",
    ),
    "/organisation": (
        "exits 12m/organisation",
        "voluntary 12m/organisation",
        "hires 12m/organisation",
        "average/organisation",
        "people/organisation",
    ),
    "/establishment": ("exits 12m/establishment", None, None, "average/establishment", "people/establishment"),
}


def sums(figures: Figures) -> list[Sum]:
    """Gives the sums a reader can form from the views' results, each as the figures it adds up."""
    out: list[Sum] = []
    # in one order from one run to the next (sets of strings are not): the same figures hidden
    keys = {name: sorted(found, key=repr) for name, found in figures.keys.items()}

    def add(left: Iterable[Var] | None, right: Iterable[Var] | None, rate: Var | None = None, same_side_first=True):
        if left is not None and right is not None:  # else a side is not in the results: no sum to form
            out.append(Sum(tuple(left), tuple(right), rate, same_side_first))

    def by(name: str, position: int = 0) -> dict:
        """Gives the keys of figure `name` grouped by one of their components."""
        groups = defaultdict(list)
        for key in keys.get(name, ()):
            groups[key[position]].append(key)
        return groups

    months = sorted({key[0] for name in MONTHLY for key in keys.get(name, ())})
    first = months[0] if months else None
    as_of = months[-1] if months else None
    if figures.printed(HOME) and figures.results[HOME].height:
        as_of = figures.results[HOME]["as_of_month"][0]

    def window(month: dt.date) -> list[dt.date] | None:
        """The twelve months a 12-month figure of `month` adds up, when the report covers them all."""
        span = [_month(month, k) for k in range(12)]
        return span if first is not None and span[-1] >= first else None

    # Where each establishment is: its territory, its organisation.
    members: dict[str, dict[str, list[str]]] = {"territory": defaultdict(list), "organisation": defaultdict(list)}
    if figures.printed(ESTABLISHMENTS):
        for row in figures.results[ESTABLISHMENTS].iter_rows(named=True):
            members["territory"][row["territory_id"]].append(row["establishment_id"])
            members["organisation"][row["organisation"]].append(row["establishment_id"])

    # The workforce in post at month ends: the whole, its territories and organisations, their
    # establishments; at the as-of month, the establishments' and the whole's job families.
    for level in ("territory", "organisation"):
        for month, parts in by(f"people/{level}").items():
            add(figures.terms("people", [(month,)]), [(f"people/{level}", key) for key in parts])
        for month in months:
            for unit, establishments in members[level].items():
                parts = figures.terms("people/establishment", [(month, e) for e in establishments])
                if parts:
                    add(figures.terms(f"people/{level}", [(month, unit)]), parts)
    for establishment, cells in by("people/cell").items():
        add(figures.terms("people/establishment", [(as_of, establishment)]), [("people/cell", c) for c in cells])
    for job_family, cells in by("people/cell", 1).items():
        add(figures.terms("people/job family", [(job_family,)]), [("people/cell", c) for c in cells])
    if keys.get("people/job family"):
        add(figures.terms("people", [(as_of,)]), [("people/job family", key) for key in keys["people/job family"]])

    # Hires and departures: the whole month by month and its establishments; an establishment's
    # year and its months; a calendar year (that of the whole, of a territory or an organisation)
    # and its establishments' years, its months, its departures by reason, its twelve months to
    # December.
    for flow in ("hires", "exits"):
        for month, parts in by(f"{flow}/establishment").items():
            add(figures.terms(flow, [(month,)]), [(f"{flow}/establishment", key) for key in parts])
        for year, establishment in keys.get(f"{flow}/establishment/year", ()):
            add(
                [(f"{flow}/establishment/year", (year, establishment))],
                figures.terms(f"{flow}/establishment", [(dt.date(year, m, 1), establishment) for m in range(1, 13)]),
            )
        for year, parts in by(f"{flow}/establishment/year").items():
            add([(f"{flow}/year", (year,))], [(f"{flow}/establishment/year", key) for key in parts])
            for level in ("territory", "organisation"):
                for unit, establishments in members[level].items():
                    if found := figures.terms(f"{flow}/establishment/year", [(year, e) for e in establishments]):
                        add([(f"{flow}/{level}/year", (year, unit))], found)
                        total = f"{flow} 12m/{level}"
                        december = [(total, (dt.date(year, 12, 1), unit))]
                        add(
                            figures.terms(total, december[0][1:]) if flow == "exits" else december,
                            [(f"{flow}/{level}/year", (year, unit))],
                        )
        for year in sorted({m.year for m in months}):
            if dt.date(year, 1, 1) >= first and dt.date(year, 12, 1) <= as_of:
                in_year = [(dt.date(year, m, 1),) for m in range(1, 13)]
                add([(f"{flow}/year", (year,))], figures.terms(flow, in_year))
                add([(f"{flow}/year", (year,))], [(f"{flow} 12m", (dt.date(year, 12, 1),))])
    if figures.printed(REASONS, OVERVIEW):
        voluntary = {row["exit_reason"]: row["voluntary"] for row in figures.results[REASONS].iter_rows(named=True)}
        for year, reasons in by("exits/reason/year").items():
            in_year = [(m,) for m in months if m.year == year]
            add([("exits/reason/year", key) for key in reasons], figures.terms("exits", in_year))
            add([("exits/reason/year", key) for key in reasons], [("exits/year", (year,))])
            if (december := dt.date(year, 12, 1)) in months and window(december):
                add(
                    [("exits/reason/year", key) for key in reasons if voluntary.get(key[1])],
                    [("voluntary 12m", (december,))],
                )

    # Departures over twelve months: the whole's from its months; those of territories and
    # organisations from their establishments' months, and together the whole's; those of the job
    # families (as-of month) the whole's too.
    for month in months:
        if span := window(month):
            for flow in ("exits", "hires"):
                add([(f"{flow} 12m", (month,))], figures.terms(flow, [(m,) for m in span]))
    counted_months: dict[tuple, set[dt.date]] = defaultdict(set)  # months a unit's establishments print
    for level in ("territory", "organisation"):
        for name in ("exits 12m", "voluntary 12m"):
            for month, parts in by(f"{name}/{level}").items():
                add([(name, (month,))], [(f"{name}/{level}", key) for key in parts])
        for flow in ("exits", "hires"):
            for unit, establishments in members[level].items():
                counted = counted_months[(flow, level, unit)]
                for month in months:
                    if parts := figures.terms(f"{flow}/establishment", [(month, e) for e in establishments]):
                        add([(f"{flow}/{level}", (month, unit))], parts)
                        counted.add(month)
                total = f"{flow} 12m/{level}"
                for month in months:
                    if span := window(month):
                        left = [(total, (month, unit))] if flow == "hires" else figures.terms(total, [(month, unit)])
                        add(left, [(f"{flow}/{level}", (m, unit)) for m in span if m in counted])
            for month in months:
                present = [u for u in members[level] if month in counted_months[(flow, level, u)]]
                if present:
                    add(figures.terms(flow, [(month,)]), [(f"{flow}/{level}", (month, u)) for u in present])
    for name in ("exits 12m", "voluntary 12m"):
        if keys.get(f"{name}/job family"):
            add([(name, (as_of,))], [(f"{name}/job family", key) for key in keys[f"{name}/job family"]])

    # Twelve-month rates: departures = rate x average headcount, the average being that of the
    # twelve month-end headcounts; rotation: hires + departures = 2 x rate x headcount a year before.
    for level, (exits, voluntary_exits, hires, average, people) in LEVELS.items():
        averaged = set()
        for kind, flow in (("turnover", exits), ("voluntary", voluntary_exits), ("rotation", hires)):
            for key in keys.get(f"{kind} rate{level}", ()):
                rate = (f"{kind} rate{level}", key)
                if flow is None or not figures.shown_rate(rate):
                    continue
                month, unit = key[0], key[1:]
                if kind == "rotation":
                    if _month(month, 12) >= first:
                        add([(hires, key), (exits, key)], figures.terms(people, [(_month(month, 12), *unit)]), rate)
                    continue
                add([(flow, key)], [(average, key)], rate)
                averaged.add(key)
        for key in sorted(averaged, key=repr):
            if span := window(key[0]):
                add([(average, key)], figures.terms(people, [(m, *key[1:]) for m in span]), same_side_first=False)
                if level == "/establishment":
                    add([(exits, key)], figures.terms("exits/establishment", [(m, *key[1:]) for m in span]))

    # Twelve-month figures month after month: two in a row differ by one month's figure minus that of
    # the same month a year before (a month before the report is not known: not 0).
    def month_of(name: str, month: dt.date, unit: tuple, computed: bool = False) -> list[Var] | None:
        if not computed:
            return figures.terms(name, [(month, *unit)])
        # a level's monthly flow, computed from its establishments' months (none printed: 0)
        flow, level = name.split("/")
        known = month < first or month in counted_months[(flow, level, unit[0])]
        return [(name, (month, *unit))] if known else []

    def twelve_months(name: str, month: dt.date, unit: tuple) -> list[Var] | None:
        return figures.terms(name, [(month, *unit)]) if name in COUNTS else [(name, (month, *unit))]

    if first is not None:
        series = [("exits 12m", "exits", False), ("hires 12m", "hires", False), ("average", "people", False)]
        units: dict[str, list[tuple]] = {"": [()]}
        if figures.terms("exits/establishment", []) is not None:
            for level in ("territory", "organisation"):
                units[level] = [(unit,) for unit in members[level]]
                series += [(f"{flow} 12m/{level}", f"{flow}/{level}", True) for flow in ("exits", "hires")]
                series += [(f"average/{level}", f"people/{level}", False)]
        for total, monthly, computed in series:
            level = total.split("/")[1] if "/" in total else ""
            for unit in units.get(level, []):
                for month in months[1:]:
                    before = _month(month, 1)
                    add(
                        _join(twelve_months(total, month, unit), month_of(monthly, _month(month, 12), unit, computed)),
                        _join(twelve_months(total, before, unit), month_of(monthly, month, unit, computed)),
                    )

    # Foster carers: the whole and its territories month by month, a year and its months, the
    # as-of month and its age bands.
    for name in ("carers", "new carers", "carer leavers"):
        for month, parts in by(f"{name}/territory").items():
            add(figures.terms(name, [(month,)]), [(f"{name}/territory", key) for key in parts])
    for name in ("new carers", "carer leavers"):
        for (year,) in keys.get(f"{name}/year", ()):
            add([(f"{name}/year", (year,))], figures.terms(name, [(dt.date(year, m, 1),) for m in range(1, 13)]))
    if keys.get("carers/age band"):
        add(figures.terms("carers", [(as_of,)]), [("carers/age band", key) for key in keys["carers/age band"]])

    # Totals printed in the same view as their parts: all territories, all channels.
    for name in ("scored carers", "high risk", "medium risk"):
        if keys.get(f"{name}/territory"):
            add(figures.terms(name, [()]), [(f"{name}/territory", key) for key in keys[f"{name}/territory"]])
    for measure, parts in by("measure/territory", 1).items():
        add(figures.terms("measure", [(measure,)]), [("measure/territory", key) for key in parts])
    for name in ("enquiries", "applications", "approvals"):
        for year, parts in by(f"{name}/channel").items():
            add(figures.terms(name, [(year,)]), [(f"{name}/channel", key) for key in parts])

    # The model's audit: each attribute's groups add up to the carers x dates of the test period.
    for name in ("scored", "leavers"):
        for groups in by(f"{name}/group").values():
            add(figures.terms(name, [("test",)]), [(f"{name}/group", key) for key in groups])
    return [s for s in out if len(s.left) + len(s.right) > 1]


# Figures no page of the report prints (they are in its data): the first to hide as second figures.
UNPRINTED = {"hires", "exits", "hires/establishment", "exits/establishment"}
UNPRINTED |= {"new carers", "carer leavers", "new carers/territory", "carer leavers/territory"}


def secondary(figures: Figures, equations: list[Sum]) -> tuple[set[Var], set[Var]]:
    """Gives the counts and the rates to hide so that no hidden count can be computed from the
    figures shown through `equations`: those hidden already, and the second figures the rule adds."""
    hidden = set(figures.hidden)
    given_up: set[Var] = set()
    while True:
        computed, leaks = read_back(figures, equations, hidden)
        added = set()
        for var, i in leaks.items():
            if var not in given_up:
                second = _second(figures, equations, i, var, hidden, computed)
                if second is None:
                    given_up.add(var)  # nothing shown is left in its sums (the data cannot add up so)
                else:
                    added.add(second)
        if not added:
            return {v for v in hidden if v[0] in COUNTS}, {v for v in hidden if v[0] in RATES}
        hidden |= added


def read_back(figures: Figures, equations: list[Sum], hidden: set[Var]) -> tuple[dict[Var, int], dict[Var, int]]:
    """Gives what a reader computes from the figures shown, solving one equation after another for
    its only unknown term: the figures the report does not print (with the equation that gives each)
    and the hidden counts (the same)."""
    terms = [s.left + s.right for s in equations]
    where: dict[Var, list[int]] = defaultdict(list)
    for i, members in enumerate(terms):
        for var in members:
            where[var].append(i)
    printed = figures.rows.keys()
    computed: dict[Var, int] = {}

    def known(var: Var) -> bool:
        return (var in printed and var not in hidden) or var in computed

    unknowns = [
        -1 if s.rate is not None and s.rate in hidden else sum(not known(v) for v in members)
        for s, members in zip(equations, terms, strict=True)
    ]
    queue = [i for i, n in enumerate(unknowns) if n == 1]
    leaks: dict[Var, int] = {}
    while queue:
        i = queue.pop()
        if unknowns[i] != 1:
            continue
        var = next(v for v in terms[i] if not known(v))
        if var in printed:  # a hidden count, read back
            leaks.setdefault(var, i)
            continue
        computed[var] = i
        for j in where[var]:
            if unknowns[j] > 0:
                unknowns[j] -= 1
                if unknowns[j] == 1:
                    queue.append(j)
    return computed, leaks


def _second(
    figures: Figures, equations: list[Sum], i: int, var: Var, hidden: set[Var], computed: dict[Var, int]
) -> Var | None:
    """Gives the figure to hide so that equation `i` no longer gives `var`: first a figure that no
    page prints (in the report's data only), then the equation's rate, then the smallest other figure
    shown, on the side the equation prefers, then on the other; a zero only after the others of its
    kind (hiding it hides nothing of its own). A figure the reader computes stands for the figure its
    own equation would hide."""
    memo: dict[tuple[int, Var], tuple | None] = {}

    def best(i: int, var: Var) -> tuple | None:  # (on a page, a zero, side, size, name, figure): least wins
        if (i, var) in memo:
            return memo[(i, var)]
        memo[(i, var)] = None  # an equation being searched gives nothing to itself
        equation = equations[i]
        same, other = (equation.left, equation.right) if var in equation.left else (equation.right, equation.left)
        sides = (same, other) if equation.same_side_first else (other, same)
        options = [(True, False, -1, 0, repr(equation.rate), equation.rate)] if equation.rate is not None else []
        for rank, side in enumerate(sides):
            for v in side:
                if v != var and v in figures.rows and v not in hidden:
                    size = abs(figures.value.get(v) or 0)
                    options.append((v[0] not in UNPRINTED, size == 0, rank, size, repr(v), v))
                elif v != var and v in computed and (behind := best(computed[v], v)) is not None:
                    options.append((*behind[:2], rank, *behind[3:]))
        memo[(i, var)] = min(options) if options else None
        return memo[(i, var)]

    found = best(i, var)
    return None if found is None else found[-1]


def protect(results: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Gives the views' results with secondary suppression applied (see the module's docstring): no
    count hidden by the macros can be computed back from the figures shown."""
    figures = Figures(results)
    counts, rates = secondary(figures, sums(figures))
    nulls: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for var in counts | rates:
        for place, rows in figures.rows.get(var, ()):
            for column in place.hide:
                nulls[place.view][column].update(rows)
    return {name: _null(frame, nulls.get(name, {})) for name, frame in results.items()}


def _null(frame: pl.DataFrame, rows_of: dict[str, set[int]]) -> pl.DataFrame:
    columns = {c: rows for c, rows in rows_of.items() if rows and c in frame.columns}
    if not columns:
        return frame
    row = pl.int_range(pl.len())
    return frame.with_columns(
        pl.when(row.is_in(sorted(rows))).then(pl.lit(None, frame.schema[c])).otherwise(pl.col(c)).alias(c)
        for c, rows in columns.items()
    )
