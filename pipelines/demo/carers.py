"""Monthly simulation of foster carers (assistants familiaux): placements, support, incidents, attrition.

The same monthly step serves the history written to the extracts and the
simulated futures behind `_truth/carer_risk.csv`. Everything the leaving hazard
and the other monthly draws depend on is visible in the extracts: age (birth
date), tenure (employment start), agrément anniversaries (approval date),
territory, employer kind, distance, approved places, the children placed (birth
dates, complex needs, start and end) and the events (visits, respite days,
allegations, complaints). No per-carer factor is hidden.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields

import numpy as np
import polars as pl

from pipelines.demo.arrays import Table, as_codes, as_dates, as_ids, draw, pick, spread_days
from pipelines.demo.config import GeneratorConfig
from pipelines.demo.dates import (
    NEVER,
    Months,
    add_months,
    add_years,
    age_from_code,
    day_number,
    month_of,
    random_day_in,
    ymd_code,
)
from pipelines.demo.organisation import Territories

log = logging.getLogger("vivier.demo")

EVENT_TYPES = ("SUPPORT_VISIT", "TRAINING_DAY", "RESPITE_DAY", "PEER_GROUP", "ALLEGATION", "COMPLAINT")
VISIT, TRAINING, RESPITE, PEER, ALLEGATION, COMPLAINT = range(6)
PLACEMENT_ENDS = ("RETURN_HOME", "PLANNED_MOVE", "BREAKDOWN", "AGE_OF_MAJORITY", "ADOPTION", "OTHER")
RETURN_HOME, PLANNED_MOVE, BREAKDOWN, MAJORITY, ADOPTION, P_OTHER = range(6)
CARER_ENDS = ("RETIREMENT", "RESIGNATION", "DISMISSAL", "APPROVAL_WITHDRAWN", "APPROVAL_NOT_RENEWED", "DEATH", "OTHER")
C_RETIREMENT, C_RESIGNATION, C_DISMISSAL, C_WITHDRAWN, C_NOT_RENEWED, C_DEATH, C_OTHER = range(7)
CHANNELS = ("WEBSITE", "INFO_MEETING", "CAMPAIGN", "WORD_OF_MOUTH", "SOCIAL_MEDIA", "OTHER")
DECISIONS = ("APPROVED", "REFUSED", "WITHDRAWN")
MAX_PLACES = 6
HISTORY = 24  # months kept for the look-back features
# Age of a child at placement: (from, to) years and share. Assumption (ASE
# placements span all ages, with more young children and young teenagers).
CHILD_AGE_BINS = ((0, 3, 0.20), (3, 6, 0.15), (6, 10, 0.20), (10, 14, 0.25), (14, 17, 0.17), (17, 17.7, 0.03))


@dataclass
class CarerState:
    """Carers (or simulated copies of them) with what the extracts show of them up to now."""

    birth: np.ndarray
    territory: np.ndarray
    association: np.ndarray  # bool: employed by an association
    places: np.ndarray
    start: np.ndarray  # employment start
    approval: np.ndarray
    distance: np.ndarray
    birth_code: np.ndarray  # YYYYMMDD of birth (fast ages), derived from birth
    retire_day: np.ndarray  # the day the retirement age is reached
    start_month: np.ndarray  # month index of the employment start
    approval_month: np.ndarray  # month index of the agrément
    child_birth: np.ndarray  # (n, 6): NEVER where the place is empty
    child_code: np.ndarray  # (n, 6) YYYYMMDD of the child's birth
    child_adult: np.ndarray  # (n, 6) the child's last day before 18
    complex: np.ndarray  # (n, 6) bool
    placement: np.ndarray  # (n, 6): placement row in the record, -1 when empty or not recorded
    visits: np.ndarray  # (n, 24) ring buffers, column m % 24 holds month m
    breakdowns: np.ndarray
    allegations: np.ndarray
    empty: np.ndarray
    respite: np.ndarray
    complaints: np.ndarray

    @property
    def n(self) -> int:
        return self.birth.size

    def take(self, index: np.ndarray) -> CarerState:
        """Gives the state of the selected carers (rows repeated if `index` repeats them)."""
        return CarerState(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


def empty_state(n: int) -> CarerState:
    """Gives n carers with no placement and no history (attributes to be filled)."""
    z = lambda dt: np.zeros(n, dtype=dt)  # noqa: E731
    h = lambda: np.zeros((n, HISTORY), dtype=np.int8)  # noqa: E731
    return CarerState(
        birth=z(np.int64),
        territory=z(np.int64),
        association=z(bool),
        places=z(np.int64),
        start=z(np.int64),
        approval=z(np.int64),
        distance=z(np.float64),
        birth_code=z(np.int64),
        retire_day=z(np.int64),
        start_month=z(np.int64),
        approval_month=z(np.int64),
        child_birth=np.full((n, MAX_PLACES), NEVER, dtype=np.int64),
        child_code=np.zeros((n, MAX_PLACES), dtype=np.int64),
        child_adult=np.zeros((n, MAX_PLACES), dtype=np.int64),
        complex=np.zeros((n, MAX_PLACES), dtype=bool),
        placement=np.full((n, MAX_PLACES), -1, dtype=np.int64),
        visits=h(),
        breakdowns=h(),
        allegations=h(),
        empty=h(),
        respite=h(),
        complaints=h(),
    )


def derive(s: CarerState, first_start: int, c: GeneratorConfig) -> None:
    """Fills the fields derived from birth, employment start and approval dates (computed once, used monthly)."""
    s.birth_code[:] = ymd_code(s.birth)
    s.retire_day[:] = add_years(s.birth, c.carer_retirement_age)
    s.start_month[:] = month_of(s.start, first_start)
    s.approval_month[:] = month_of(s.approval, first_start)


def place_children(s: CarerState, carer: np.ndarray, k: np.ndarray, birth: np.ndarray, complex_: np.ndarray) -> None:
    """Puts children (birth dates, complex needs) in places k of carers."""
    s.child_birth[carer, k] = birth
    s.child_code[carer, k] = ymd_code(birth)
    s.child_adult[carer, k] = add_years(birth, 18) - 1
    s.complex[carer, k] = complex_


@dataclass(frozen=True)
class Month:
    index: int  # months since the first simulated month
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def month_after(first_start: int, index: int) -> Month:
    """Gives the month `index` months after the month starting on `first_start`."""
    start = int(add_months(np.array([first_start]), index)[0])
    end = int(add_months(np.array([first_start]), index + 1)[0]) - 1
    return Month(index, start, end)


@dataclass(frozen=True)
class TerritoryFactors:
    """Per-territory multipliers (support culture, demand for places, rurality), visible through territory_id."""

    visits: np.ndarray
    fill: np.ndarray
    respite: np.ndarray
    peer: np.ndarray
    distance: np.ndarray


def territory_factors(n: int, rng: np.random.Generator) -> TerritoryFactors:
    """Gives the territories' multipliers."""
    return TerritoryFactors(
        visits=rng.uniform(0.6, 1.4, n),
        fill=rng.uniform(0.8, 1.2, n),
        respite=rng.uniform(0.6, 1.4, n),
        peer=rng.uniform(0.3, 1.7, n),
        distance=rng.uniform(0.6, 1.6, n),
    )


def _window(buffer: np.ndarray, m: int, months: int) -> np.ndarray:
    """Gives the sum of a ring buffer over months m-1 ... m-months."""
    cols = [(m - 1 - j) % HISTORY for j in range(months)]
    return buffer[:, cols].sum(axis=1, dtype=np.int64)


def _steps(table: tuple[tuple[float, float], ...], x: np.ndarray) -> np.ndarray:
    thresholds = np.array([t for t, _ in table])
    values = np.array([v for _, v in table])
    return values[np.clip(np.searchsorted(thresholds, x, side="right") - 1, 0, len(values) - 1)]


@dataclass(frozen=True)
class Hazard:
    p_death: np.ndarray
    p_leave: np.ndarray  # chance of leaving for any other reason, given not dead this month
    forced: np.ndarray  # reaches the retirement age this month
    renewal_share: np.ndarray  # part of the leaving hazard due to agrément non-renewal
    age: np.ndarray
    allegation_24m: np.ndarray


def leaving_hazard(s: CarerState, month: Month, first_start: int, c: GeneratorConfig) -> Hazard:
    """Gives each carer's chances of dying and of leaving in the month, from what is known at its start."""
    age = age_from_code(s.birth_code, month.start)
    tenure_months = month.index - s.start_month
    visits6 = np.minimum(_window(s.visits, month.index, 6), 6)
    breakdowns12 = np.minimum(_window(s.breakdowns, month.index, 12), 3)
    allegation24 = _window(s.allegations, month.index, 24) > 0
    empty12 = _window(s.empty, month.index, 12)
    respite12 = np.minimum(_window(s.respite, month.index, 12), 15)
    complaints12 = np.minimum(_window(s.complaints, month.index, 12), 3)
    log_rate = (
        c.hazard_base
        + _steps(c.hazard_age, age)
        + c.hazard_per_visit_6m * visits6
        + c.hazard_per_breakdown_12m * breakdowns12
        + c.hazard_allegation_24m * allegation24
        + c.hazard_per_empty_month_12m * empty12
        + c.hazard_per_respite_day_12m * respite12
        + c.hazard_per_complaint_12m * complaints12
        + c.hazard_first_2_years * (tenure_months < 24)
        + c.hazard_per_km * np.minimum(s.distance, 60.0)
    )
    main = np.exp(log_rate)
    approval_months = month.index - s.approval_month
    renewal = (approval_months > 0) & (approval_months % 60 == 0)
    non_renewal = np.where(
        renewal,
        c.non_renewal_base * np.exp(c.non_renewal_allegation * allegation24 + c.non_renewal_age_60 * (age >= 60)),
        0.0,
    )
    forced = s.retire_day <= month.end + 1
    p_leave = np.where(forced, 1.0, -np.expm1(-(main + non_renewal)))
    p_death = -np.expm1(-0.0008 * np.exp(0.09 * (age - 40)) / 12)
    return Hazard(p_death, p_leave, forced, non_renewal / (main + non_renewal), age, allegation24)


class Recorder:
    """Collects the placements and events of the history written to the extracts."""

    def __init__(self, capacity: int) -> None:
        self.placements = Table(capacity, carer="i8", child_birth="i8", complex="?", start="i8", end="i8", reason="i1")
        self.events: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def event(self, carer: np.ndarray, day: np.ndarray, kind: int, days: np.ndarray | None = None) -> None:
        self.events.append(
            (
                carer,
                day,
                np.full(carer.size, kind, dtype=np.int8),
                np.full(carer.size, -1, dtype=np.int16) if days is None else days.astype(np.int16),
            )
        )


def child_birth_dates(rng: np.random.Generator, start: np.ndarray) -> np.ndarray:
    """Gives birth dates of children placed on `start` days, their age drawn from CHILD_AGE_BINS."""
    bins = rng.choice(len(CHILD_AGE_BINS), start.size, p=np.array([b[2] for b in CHILD_AGE_BINS]))
    lo = np.array([b[0] for b in CHILD_AGE_BINS])[bins]
    hi = np.array([b[1] for b in CHILD_AGE_BINS])[bins]
    age_days = np.round(rng.uniform(lo, hi) * 365.25).astype(np.int64) + 20
    return start - age_days


def advance(
    s: CarerState,
    who: np.ndarray | None,
    month: Month,
    first_start: int,
    c: GeneratorConfig,
    tf: TerritoryFactors,
    rng: np.random.Generator,
    record: Recorder | None = None,
) -> None:
    """Simulates a month for the carers `who` (None: all), who stay all month: incidents, placements, support.

    Nothing is dated within the month unless the history is recorded (the
    simulated futures only need monthly counts)."""
    m, ms, me, length = month.index, month.start, month.end, month.length
    col = m % HISTORY
    rows = np.arange(s.n) if who is None else who  # carer numbers
    who = slice(None) if who is None else who  # selector: a slice avoids copying when all carers stay
    for buffer in (s.visits, s.breakdowns, s.allegations, s.empty, s.respite, s.complaints):
        buffer[who, col] = 0
    n = rows.size
    occupied = s.child_birth[who] < NEVER  # (n, 6) at the month's start
    n_children = occupied.sum(axis=1)
    any_complex = (s.complex[who] & occupied).any(axis=1)
    territory = s.territory[who]

    # Allegations; half lead to the children being removed during the enquiry.
    p_alleg = -np.expm1(
        -c.allegation_per_child_month * n_children * np.where(any_complex, c.allegation_complex_factor, 1.0)
    )
    alleg = rng.random(n) < p_alleg
    alleg_day = random_day_in(rng, np.full(n, ms), me) if record is not None else np.full(n, ms)
    removed = alleg & (rng.random(n) < c.allegation_suspension_share)
    recent_alleg = _window(s.allegations[who], m, c.suspension_months) > 0

    # Placements ending.
    r, k = np.nonzero(occupied)
    carer = rows[r]
    child_age = age_from_code(s.child_code[carer, k], ms)
    rates = np.zeros((r.size, len(PLACEMENT_ENDS)))
    rates[:, RETURN_HOME] = c.placement_end_per_month["RETURN_HOME"]
    rates[:, PLANNED_MOVE] = c.placement_end_per_month["PLANNED_MOVE"]
    rates[:, BREAKDOWN] = (
        c.placement_end_per_month["BREAKDOWN"]
        * np.where(s.complex[carer, k], c.breakdown_complex_factor, 1.0)
        * np.where(child_age >= 12, c.breakdown_teen_factor, 1.0)
    )
    rates[:, ADOPTION] = np.where(child_age < 4, c.adoption_per_month_under_4, 0.0)
    rates[:, P_OTHER] = c.placement_end_per_month["OTHER"]
    ends = rng.random(r.size) < -np.expm1(-rates.sum(axis=1))
    reason = np.full(r.size, -1, dtype=np.int64)
    reason[ends] = pick(rng, rng.random(int(ends.sum())), rates[ends])
    day = random_day_in(rng, np.full(r.size, ms), me) if record is not None else np.full(r.size, ms)
    adult = s.child_adult[carer, k]
    majority = adult <= me
    ends |= majority
    reason = np.where(majority, MAJORITY, reason)
    day = np.where(majority, np.maximum(adult, ms), day)
    taken = removed[r]
    ends |= taken
    reason = np.where(taken, P_OTHER, reason)
    day = np.where(taken, alleg_day[r], day)
    if record is not None:
        ended = s.placement[carer[ends], k[ends]]
        record.placements.end[ended] = day[ends]
        record.placements.reason[ended] = reason[ends]
    np.add.at(s.breakdowns, (carer[ends & (reason == BREAKDOWN)], col), 1)
    s.child_birth[carer[ends], k[ends]] = NEVER
    s.placement[carer[ends], k[ends]] = -1

    # Arrivals on places empty at the month's start (not while under an allegation).
    tenure_months = m - s.start_month[who]
    # In their first year carers usually host one child: the first place fills fast, others slowly.
    first_year = tenure_months < 12
    fill = (
        np.select(
            [first_year & (n_children == 0), first_year],
            [c.place_fill_first_child, c.place_fill_first_year],
            c.place_fill_per_month,
        )
        * tf.fill[territory]
    )
    fill = np.where(recent_alleg | alleg, 0.0, fill)
    free = ~occupied & (np.arange(MAX_PLACES)[None, :] < s.places[who][:, None])
    free[first_year & (n_children == 0), 1:] = False  # one child at a time to begin with
    r, k = np.nonzero(free & (rng.random((n, MAX_PLACES)) < fill[:, None]))
    carer = rows[r]
    start = random_day_in(rng, np.full(r.size, ms), me)
    cb = child_birth_dates(rng, start)
    cx = rng.random(r.size) < c.complex_needs_share
    place_children(s, carer, k, cb, cx)
    if record is not None:
        s.placement[carer, k] = record.placements.append(
            carer=carer, child_birth=cb, complex=cx, start=start, end=NEVER, reason=-1
        )

    # Support and other events.
    visit_rate = (
        c.visit_rate
        * tf.visits[territory]
        * np.where(s.association[who], c.visit_association_factor, 1.0)
        * (1 + c.visit_per_child * n_children)
        * np.exp(c.visit_distance_per_km * s.distance[who])
        * np.where(_window(s.allegations[who], m, 3) > 0, 2.0, 1.0)
    )
    visits = np.minimum(rng.poisson(visit_rate), 3)
    training = rng.random(n) < np.where(tenure_months < 24, c.training_rate_new, c.training_rate)
    respite = (n_children > 0) & (
        rng.random(n)
        < c.respite_rate * tf.respite[territory] * np.where(s.association[who], c.respite_association_factor, 1.0)
    )
    respite_days = np.where(respite, rng.integers(1, 7, n), 0)
    peer = rng.random(n) < c.peer_group_rate * tf.peer[territory]
    complaint = rng.random(n) < c.complaint_per_month * (1 + n_children)
    s.visits[who, col] = visits
    s.allegations[who, col] = alleg
    s.respite[who, col] = respite_days
    s.complaints[who, col] = complaint
    s.empty[who, col] = (s.child_birth[who] < NEVER).sum(axis=1) < s.places[who]
    if record is not None:
        row, vday = spread_days(rng, np.full(n, ms), np.full(n, length), visits)
        record.event(rows[row], vday, VISIT)
        for mask, kind, days in (
            (training, TRAINING, rng.integers(1, 4, n)),
            (respite, RESPITE, respite_days),
            (peer, PEER, None),
            (alleg, ALLEGATION, None),
            (complaint, COMPLAINT, None),
        ):
            sel = np.flatnonzero(mask)
            when = alleg_day[sel] if kind == ALLEGATION else random_day_in(rng, np.full(sel.size, ms), me)
            record.event(rows[sel], when, kind, None if days is None else days[sel])


@dataclass(frozen=True)
class CarerHistory:
    foster_carers: pl.DataFrame
    placements: pl.DataFrame
    carer_events: pl.DataFrame
    carer_enquiries: pl.DataFrame
    state: CarerState  # every carer at the end of the as-of month
    active: np.ndarray  # bool: active after the as-of month (end_date empty)
    carer_id: pl.Series
    end: np.ndarray
    factors: TerritoryFactors
    first_start: int


def _entrants(
    config: GeneratorConfig, territories: Territories, months: Months, rng: np.random.Generator
) -> tuple[pl.DataFrame, dict[str, np.ndarray]]:
    """Gives the carer_enquiries extract (ids filled later) and the approved applicants who become carers."""
    c = config
    as_of = day_number(c.as_of)
    first = int(add_months(np.array([months.start[0]]), -15)[0])
    n_months = months.n + 15
    month_start = add_months(np.array([first]), np.arange(n_months))
    conversion = c.enquiry_to_application * c.decision_mix["APPROVED"] / sum(c.decision_mix.values())
    per_month = c.carer_inflow_per_year * c.n_carers / 12 / conversion
    season = np.array([0.8, 1.0, 1.25, 1.2, 1.0, 0.9, 0.7, 0.7, 1.25, 1.2, 1.0, 0.8])
    month_of_year = (np.arange(n_months) + int(np.datetime64(int(first), "D").astype("datetime64[M]").astype(int))) % 12
    lam = per_month * season[month_of_year][:, None] * territories.weight[None, :]
    counts = rng.poisson(lam)  # months x territories
    mi, ti = np.nonzero(counts)
    reps = counts[mi, ti]
    mi, ti = np.repeat(mi, reps), np.repeat(ti, reps)
    length = add_months(month_start[mi], 1) - month_start[mi]
    enquiry = month_start[mi] + np.floor(rng.random(mi.size) * length).astype(np.int64)
    keep = enquiry <= as_of
    enquiry, ti = enquiry[keep], ti[keep]
    order = np.lexsort((ti, enquiry))
    enquiry, ti = enquiry[order], ti[order]
    n = enquiry.size

    channel = draw(rng, c.enquiry_channels, n)
    rel = np.array([v[1] for v in c.enquiry_channels.values()])
    share = np.array([v[0] for v in c.enquiry_channels.values()])
    p_apply = c.enquiry_to_application * rel / (rel * share / share.sum()).sum()
    applies = rng.random(n) < p_apply[channel]
    application = enquiry + np.round(rng.lognormal(np.log(c.days_to_application), 0.5, n)).astype(np.int64)
    decision = draw(rng, c.decision_mix, n)
    decision_day = np.where(
        decision == 2,
        application + rng.integers(20, 201, n),
        application + np.round(rng.lognormal(np.log(c.days_to_decision), 0.35, n)).astype(np.int64),
    )
    app_known = applies & (application <= as_of)
    dec_known = app_known & (decision_day <= as_of)
    approved = dec_known & (decision == 0)
    employment = decision_day + rng.integers(c.days_to_employment[0], c.days_to_employment[1] + 1, n)

    enquiries = pl.DataFrame(
        {
            "enquiry_date": enquiry,
            "channel_i": channel,
            "territory_i": ti,
            "application_date": np.where(app_known, application, NEVER),
            "decision_date": np.where(dec_known, decision_day, NEVER),
            "decision_i": np.where(dec_known, decision, -1),
            "approved": approved,
        }
    )
    sel = np.flatnonzero(approved)
    entrants = {"enquiry_row": sel, "territory": ti[sel], "approval": decision_day[sel], "start": employment[sel]}
    return enquiries, entrants


def _initial_placements(
    s: CarerState, rows: np.ndarray, t0: int, rec: Recorder, c: GeneratorConfig, rng: np.random.Generator
) -> None:
    """Places children with the carers in post at the first simulated day (placed before it)."""
    occupied = (rng.random((rows.size, MAX_PLACES)) < 0.80) & (np.arange(MAX_PLACES)[None, :] < s.places[rows][:, None])
    r, k = np.nonzero(occupied)
    carer = rows[r]
    age_now = rng.uniform(0.3, 17.8, r.size) * 365.25
    cb = t0 - np.round(age_now).astype(np.int64)
    since = t0 - np.round(
        np.minimum(rng.uniform(0, 6 * 365.25, r.size), np.minimum(t0 - s.start[carer], age_now))
    ).astype(np.int64)
    since = np.maximum(since, np.maximum(s.start[carer], cb))
    cx = rng.random(r.size) < c.complex_needs_share
    place_children(s, carer, k, cb, cx)
    s.placement[carer, k] = rec.placements.append(
        carer=carer, child_birth=cb, complex=cx, start=since, end=NEVER, reason=-1
    )


def simulate_carers(
    config: GeneratorConfig, territories: Territories, months: Months, rng: np.random.Generator
) -> CarerHistory:
    """Gives the foster-carer extracts, simulated month by month up to the as-of month, and the final state."""
    c = config
    as_of = day_number(c.as_of)
    t0 = int(months.start[0])
    n_terr = len(territories.weight)
    tf = territory_factors(n_terr, rng)
    enquiries, ent = _entrants(c, territories, months, rng)

    # The carers in post at the first simulated day, sized so the population is
    # about n_carers around mid-window after the slow decline.
    early = ent["start"] <= t0
    n0 = max(int(round(c.n_carers * 1.10)) - int(early.sum()), 1)
    n_total = n0 + ent["start"].size
    s = empty_state(n_total)
    bins = c.carer_initial_age_bins
    b = rng.choice(len(bins), n0, p=np.array([x[2] for x in bins]) / sum(x[2] for x in bins))
    age0 = rng.uniform(np.array([x[0] for x in bins])[b], np.array([x[1] for x in bins])[b])
    stock = np.arange(n0)
    newcomers = np.arange(n0, n_total)
    s.birth[stock] = t0 - np.round(age0 * 365.25).astype(np.int64)
    tenure = np.minimum(rng.exponential(c.carer_tenure_mean_years, n0), np.maximum(age0 - 25, 0.1))
    s.start[stock] = t0 - np.round(tenure * 365.25).astype(np.int64) - 1
    s.approval[stock] = s.start[stock] - rng.integers(30, 365, n0)
    s.territory[stock] = rng.choice(n_terr, n0, p=territories.weight)
    s.places[stock] = np.array(list(c.places_stock))[draw(rng, c.places_stock, n0)]

    n1 = newcomers.size
    entry_age = np.clip(rng.normal(c.carer_entry_age_mean, c.carer_entry_age_sd, n1), 25.0, 63.0)
    s.birth[newcomers] = ent["start"] - np.round(entry_age * 365.25).astype(np.int64)
    s.start[newcomers] = ent["start"]
    s.approval[newcomers] = ent["approval"]
    s.territory[newcomers] = ent["territory"]
    s.places[newcomers] = np.array(list(c.places_entrant))[draw(rng, c.places_entrant, n1)]
    s.association[:] = rng.random(n_total) < c.carer_association_share
    s.distance[:] = np.round(
        rng.lognormal(np.log(c.carer_distance_median_km), 0.6, n_total) * tf.distance[s.territory], 1
    )
    male = rng.random(n_total) < c.carer_male_share
    training = np.where(
        rng.random(n_total) < c.initial_training_share, add_months(s.start, rng.integers(3, 31, n_total)), NEVER
    )

    # Ids in order of employment start, as an HR register would number them.
    order = np.argsort(s.start, kind="stable")
    number = np.empty(n_total, dtype=np.int64)
    number[order] = np.arange(1, n_total + 1)
    carer_id = as_ids("AF", number, 6)
    derive(s, t0, c)

    rec = Recorder(n_total * 8)
    active = np.zeros(n_total, dtype=bool)
    end = np.full(n_total, NEVER, dtype=np.int64)
    reason = np.full(n_total, -1, dtype=np.int64)
    active[s.start <= t0] = True
    _initial_placements(s, np.flatnonzero(active), t0, rec, c, rng)
    start_month = s.start_month

    for m in range(months.n):
        month = Month(m, int(months.start[m]), int(months.end[m]))
        who = np.flatnonzero(active)
        hz = leaving_hazard(s.take(who), month, t0, c)
        dies = rng.random(who.size) < hz.p_death
        leaves = ~dies & (rng.random(who.size) < hz.p_leave)
        go = dies | leaves
        why = _reasons(rng, hz, dies)
        day = random_day_in(rng, np.full(who.size, month.start), month.end)
        day = np.where(hz.forced & ~dies, np.clip(s.retire_day[who] - 1, month.start, month.end), day)
        gone = who[go]
        end[gone] = day[go]
        reason[gone] = why[go]
        active[gone] = False
        _close_placements(s, gone, day[go], why[go], rec)
        advance(s, who[~go], month, t0, c, tf, rng, rec)
        active[(start_month == m) & (end == NEVER)] = True
        if m % 24 == 23 or m == months.n - 1:
            log.info(
                "carers: simulated %s (%d active, %d placements so far)",
                np.datetime64(month.start, "D").astype("datetime64[M]"),
                active.sum(),
                rec.placements.n,
            )

    tables = _carer_tables(c, s, carer_id, end, reason, male, training, rec, enquiries, ent, territories, as_of)
    return CarerHistory(
        *tables, state=s, active=active & (s.start <= as_of), carer_id=carer_id, end=end, factors=tf, first_start=t0
    )


def _reasons(rng: np.random.Generator, hz: Hazard, dies: np.ndarray) -> np.ndarray:
    """Gives the end reason of carers who leave, from what drove the hazard."""
    n = dies.size
    u = rng.random(n)
    age = hz.age
    general = np.select([u < 0.85, u < 0.91], [C_RESIGNATION, C_DISMISSAL], C_OTHER)
    after_allegation = np.select([u < 0.6, u < 0.75], [C_WITHDRAWN, C_DISMISSAL], C_RESIGNATION)
    older = np.where(u < np.where(age >= 62, 0.9, 0.5), C_RETIREMENT, C_RESIGNATION)
    why = np.where(hz.allegation_24m, after_allegation, np.where(age >= 60, older, general))
    why = np.where(rng.random(n) < hz.renewal_share, C_NOT_RENEWED, why)
    why = np.where(hz.forced, C_RETIREMENT, why)
    return np.where(dies, C_DEATH, why)


def _close_placements(s: CarerState, carers: np.ndarray, day: np.ndarray, why: np.ndarray, rec: Recorder) -> None:
    """Ends the placements of carers who leave on their last day (children moved; 'other' after a withdrawal)."""
    occupied = s.child_birth[carers] < NEVER
    r, k = np.nonzero(occupied)
    rows = s.placement[carers[r], k]
    rec.placements.end[rows] = day[r]
    rec.placements.reason[rows] = np.where(np.isin(why[r], [C_WITHDRAWN, C_DISMISSAL]), P_OTHER, PLANNED_MOVE)
    s.child_birth[carers[r], k] = NEVER
    s.placement[carers[r], k] = -1


def _carer_tables(c, s, carer_id, end, reason, male, training, rec, enquiries, ent, territories, as_of):
    """Gives the four foster-carer extracts, nothing dated after the as-of date except planned ends."""
    terr_ids = territories.table["territory_id"].to_numpy()
    training = np.where(training <= as_of, training, NEVER)
    carers = pl.DataFrame(
        {
            "carer_id": carer_id,
            "birth_date": as_dates(s.birth),
            "sex": np.where(male, "M", "F"),
            "territory_id": as_codes(terr_ids, s.territory),
            "employer_kind": np.where(s.association, "ASSOCIATION", "DEPARTMENT"),
            "approval_date": as_dates(s.approval),
            "approved_places": s.places,
            "employment_start_date": as_dates(s.start),
            "end_date": as_dates(end),
            "end_reason": as_codes(CARER_ENDS, reason),
            "initial_training_done_date": as_dates(np.where(training > end, NEVER, training)),
            "distance_to_service_km": s.distance,
        }
    ).sort("carer_id")

    p = rec.placements.view()
    # A placement still running whose child comes of age within a year shows its planned end.
    adult = add_years(p["child_birth"], 18) - 1
    planned = (p["end"] == NEVER) & (adult <= as_of + 365)
    p_end = np.where(planned, adult, p["end"])
    p_reason = np.where(planned, MAJORITY, p["reason"])
    child_number = np.arange(1, p["carer"].size + 1)
    placements = pl.DataFrame(
        {
            "placement_id": as_ids("PL", np.arange(1, p["carer"].size + 1), 7),
            "carer_id": carer_id.gather(p["carer"]),
            "child_id": as_ids("EN", child_number, 7),
            "child_birth_date": as_dates(p["child_birth"]),
            "start_date": as_dates(p["start"]),
            "end_date": as_dates(p_end),
            "end_reason": as_codes(PLACEMENT_ENDS, p_reason),
            "complex_needs": p["complex"],
        }
    )

    if rec.events:
        ev = [np.concatenate(parts) for parts in zip(*rec.events, strict=True)]
    else:
        ev = [np.zeros(0, dtype=np.int64)] * 4
    events = pl.DataFrame(
        {
            "carer_id": carer_id.gather(ev[0]),
            "event_date": as_dates(ev[1]),
            "event_type": as_codes(EVENT_TYPES, ev[2]),
            "days": pl.Series(ev[3].astype(np.int64)).scatter(np.flatnonzero(ev[3] < 0), None),
        }
    ).sort("event_date", "carer_id", "event_type")

    carer_of_enquiry = pl.Series([None] * enquiries.height, dtype=pl.String).scatter(
        ent["enquiry_row"], carer_id.slice(carer_id.len() - ent["enquiry_row"].size)
    )
    e = enquiries
    enquiry_table = pl.DataFrame(
        {
            "enquiry_id": as_ids("DA", np.arange(1, e.height + 1), 7),
            "enquiry_date": as_dates(e["enquiry_date"].to_numpy()),
            "channel": as_codes(CHANNELS, e["channel_i"].to_numpy()),
            "territory_id": as_codes(terr_ids, e["territory_i"].to_numpy()),
            "application_date": as_dates(e["application_date"].to_numpy()),
            "decision_date": as_dates(e["decision_date"].to_numpy()),
            "decision": as_codes(DECISIONS, e["decision_i"].to_numpy()),
            "carer_id": carer_of_enquiry,
        }
    )
    return carers, placements, events, enquiry_table
