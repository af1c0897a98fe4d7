"""Monthly simulation of careers on the budgeted posts: contracts, exits, transfers, postings and hires.

Each budgeted post is held by one contract or is vacant. Every month, holders
may leave (hazards by reason, the Ségur effect on voluntary exits), fixed-term
contracts reach their planned end (renewed back to back, converted to a CDI or
ended), some CDI holders move to a vacant post of another establishment, and
vacant posts get a job posting that is filled after a delay (or cancelled and
reposted). The result is the staff, job_postings and budgeted_posts extracts.

No one works above full time: a second part-time post, or a move to another establishment, starts
only once the person's contracts that end that month have ended. Each of the last 12 months has a
contract start and a posting opened, as a real monthly extract would (the staging checks ask whether
a file is missing otherwise): at small scale, a month without either gets a fixed-term renewal, or a
posting of a month next to it moved by a few days.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.demo.arrays import Table, as_codes, as_dates, as_ids, draw, match_by_key, pick
from pipelines.demo.config import EDUCATIVE, STAFF_FAMILIES, GeneratorConfig, Reference, segur_effect_of
from pipelines.demo.dates import (
    NEVER,
    Months,
    add_months,
    add_years,
    age_from_code,
    day_number,
    month_of,
    random_day_in,
    ymd,
    ymd_code,
)
from pipelines.demo.organisation import Establishments, Posts

log = logging.getLogger("vivier.demo")

CONTRACT_TYPES = ("CDI", "CDD", "INTERIM", "APPRENTICE")
CDI, CDD, INTERIM, APPRENTICE = range(4)
EXIT_REASONS = (
    "RESIGNATION",
    "MUTUAL_AGREEMENT",
    "END_OF_FIXED_TERM",
    "END_OF_TRIAL",
    "RETIREMENT",
    "DISMISSAL",
    "INTERNAL_TRANSFER",
    "DEATH",
    "OTHER",
)
RESIGNATION, MUTUAL, FIXED_TERM, TRIAL, RETIREMENT, DISMISSAL, TRANSFER, DEATH, OTHER = range(9)
OUTCOMES = ("OPEN", "FILLED", "CANCELLED")
OPEN, FILLED, CANCELLED = range(3)
HOW_FILLED = ("EXTERNAL", "TRANSFER", "CONCURRENT")  # who took the post: for the applications' channel


@dataclass
class SegurExposure:
    """Baseline expected voluntary exits of covered holder-months, and the part the effect removed or added."""

    baseline: dict[str, float] = field(default_factory=dict)
    change: dict[str, float] = field(default_factory=dict)

    def add(self, group: str, baseline: float, change: float) -> None:
        self.baseline[group] = self.baseline.get(group, 0.0) + baseline
        self.change[group] = self.change.get(group, 0.0) + change

    def relative(self, group: str | None = None) -> float:
        """Gives the exposure-weighted mean relative change of the hazard (all groups if None)."""
        groups = [group] if group else list(self.baseline)
        base = sum(self.baseline.get(g, 0.0) for g in groups)
        return sum(self.change.get(g, 0.0) for g in groups) / base if base else float("nan")


@dataclass(frozen=True)
class Workforce:
    staff: pl.DataFrame
    job_postings: pl.DataFrame
    posting_fill: np.ndarray  # HOW_FILLED index per posting row (for applications)
    segur: SegurExposure


class _Sim:
    """The state of every post and its holder while the months are simulated."""

    def __init__(
        self,
        config: GeneratorConfig,
        ref: Reference,
        est: Establishments,
        posts: Posts,
        months: Months,
        rng: np.random.Generator,
    ) -> None:
        self.c, self.ref, self.est, self.posts, self.months, self.rng = config, ref, est, posts, months, rng
        self.as_of = day_number(config.as_of)
        n = posts.n
        fam = posts.family
        self.org_family = est.organisation[posts.establishment].astype(np.int64) * len(STAFF_FAMILIES) + fam
        self.alive = np.zeros(n, dtype=bool)
        self.dead = np.zeros(n, dtype=bool)
        self.contract = np.full(n, -1, dtype=np.int64)  # current holder's contract row, -1 if vacant
        self.planned_end = np.full(n, NEVER, dtype=np.int64)
        self.spell_start = np.zeros(n, dtype=np.int64)  # start of the holder's continuous employment
        self.first_contract = np.zeros(n, dtype=bool)  # the holder's contract opened the spell (trial period)
        self.vacant_from = np.zeros(n, dtype=np.int64)
        self.posting = np.full(n, -1, dtype=np.int64)
        self.fill_day = np.full(n, NEVER, dtype=np.int64)
        self.cancel_day = np.full(n, NEVER, dtype=np.int64)
        self.pending_open = np.full(n, NEVER, dtype=np.int64)

        cap = int(n * 4)
        # ended: the last day worked of the person's latest ended contract (-1 if none ended yet).
        self.people = Table(cap, birth="i8", code="i8", retire="i8", sex="i1", level="f8", ended="i8")
        self.contracts = Table(
            cap, employee="i8", post="i8", ctype="i1", fte="f8", start="i8", end="i8", reason="i1", pay="f8"
        )
        self.postings = Table(cap, post="i8", opened="i8", closed="i8", outcome="i1", contract="i8", how="i1")

        # Per-family tables used every month.
        self.voluntary = np.array([config.voluntary_per_year[f] for f in STAFF_FAMILIES]) / 12.0
        self.fill_median = np.array([config.fill_median_days[f] for f in STAFF_FAMILIES])
        self.female = np.array([config.female_share[f] for f in STAFF_FAMILIES])
        self.hire_age = np.array([config.hire_age[f] for f in STAFF_FAMILIES])
        self.pay_2016 = np.array([config.pay_2016[f] for f in STAFF_FAMILIES])
        self.educative = np.isin(np.array(STAFF_FAMILIES), EDUCATIVE)
        groups = [ref.segur_group.get(f, "NON_COUVERT") for f in STAFF_FAMILIES]
        self.group_names = sorted(set(groups))
        self.group_index = np.array([self.group_names.index(g) for g in groups])
        self.contract_factor = np.array([config.contract_factor[t] for t in CONTRACT_TYPES])
        cov = [ref.coverage.get(f) for f in STAFF_FAMILIES]
        self.cover_day = np.array([day_number(d) if d else NEVER for d in cov], dtype=np.int64)
        self.cover_month = np.array(
            [int(month_of(np.array([day_number(d)]), int(months.start[0]))[0]) if d else 10**6 for d in cov]
        )
        self.effect = np.array([segur_effect_of(config, g) for g in groups])
        self.segur = SegurExposure()

    # ------------------------------------------------------------------ people and contracts
    def _year_table(self, table: dict[int, float], years: np.ndarray) -> np.ndarray:
        keys = np.array(sorted(table))
        values = np.array([table[k] for k in keys])
        return values[np.clip(np.searchsorted(keys, years, side="right") - 1, 0, len(keys) - 1)]

    def pay(self, family: np.ndarray, start: np.ndarray, level: np.ndarray) -> np.ndarray:
        """Gives the full-time monthly gross pay at contract start (grid, growth, Ségur amount, SMIC floor)."""
        years = ymd(start)[0]
        first, last = 2010, 2030
        growth = np.array([self.c.pay_growth.get(y, self.c.pay_growth_default) for y in range(first, last + 1)])
        index = np.cumprod(1 + growth)
        index = index / index[2016 - first]
        grid = self.pay_2016[family] * index[np.clip(years - first, 0, last - first)] * level
        grid = grid + np.where(start >= self.cover_day[family], self.c.segur_gross_eur, 0.0)
        return np.round(np.maximum(grid, self._year_table(self.c.smic, years)), 2)

    def new_people(self, family: np.ndarray, on: np.ndarray, age_shift: float = 0.0) -> np.ndarray:
        """Gives ids of new employees of each family, with birth dates so they are of hiring age on `on`."""
        n = family.size
        age = np.clip(self.rng.normal(self.hire_age[family] + age_shift, 8.0), 20.0, 64.0)
        birth = on - np.round(age * 365.25).astype(np.int64)
        sex = (self.rng.random(n) >= self.female[family]).astype(np.int8)  # 0 = F, 1 = M
        level = self.rng.lognormal(0.0, 0.06, n) * (1 + 0.008 * np.clip(age - 25, 0, 30))
        return self.people.append(
            birth=birth,
            code=ymd_code(birth),
            retire=add_years(birth, self.c.retirement_age_max),
            sex=sex,
            level=level,
            ended=-1,
        )

    def contract_length_end(self, ctype: np.ndarray, start: np.ndarray) -> np.ndarray:
        """Gives the planned last day of fixed-term contracts (NEVER for a CDI), never exactly the as-of date."""
        c = self.c
        months = np.select(
            [ctype == CDD, ctype == INTERIM, ctype == APPRENTICE],
            [
                self.rng.integers(c.cdd_months[0], c.cdd_months[1] + 1, ctype.size),
                self.rng.integers(c.interim_months[0], c.interim_months[1] + 1, ctype.size),
                self.rng.choice(np.array(c.apprentice_months), ctype.size),
            ],
            0,
        )
        end = add_months(start, months) - 1
        # A contract ending exactly on the as-of date would look like an exit on that day.
        end = np.where(end == self.as_of, end + 1, end)
        return np.where(ctype == CDI, NEVER, end)

    def hire_types(self, family: np.ndarray) -> np.ndarray:
        """Gives contract types for hires (apprentices only in educative families)."""
        t = draw(self.rng, self.c.hire_contract_mix, family.size).astype(np.int8)
        return np.where((t == APPRENTICE) & ~self.educative[family], CDD, t).astype(np.int8)

    def start_contracts(
        self,
        post: np.ndarray,
        employee: np.ndarray,
        ctype: np.ndarray,
        start: np.ndarray,
        spell_start: np.ndarray,
        first: np.ndarray,
        planned_end: np.ndarray | None = None,
    ) -> np.ndarray:
        """Gives the rows of contracts started on posts (the posts become held)."""
        fam = self.posts.family[post]
        if planned_end is None:
            planned_end = self.contract_length_end(ctype, start)
        rows = self.contracts.append(
            employee=employee,
            post=post,
            ctype=ctype,
            fte=self.posts.fte[post],
            start=start,
            end=NEVER,
            reason=-1,
            pay=self.pay(fam, start, self.people.level[employee]),
        )
        self.contract[post] = rows
        self.planned_end[post] = planned_end
        self.spell_start[post] = spell_start
        self.first_contract[post] = first
        return rows

    def end_contracts(self, post: np.ndarray, day: np.ndarray, reason: np.ndarray | int) -> None:
        """Ends the holders' contracts on `day` (last day worked); the posts fall vacant the next day."""
        rows = self.contract[post]
        self.contracts.end[rows] = day
        self.contracts.reason[rows] = reason
        np.maximum.at(self.people.ended, self.contracts.employee[rows], day)
        self.contract[post] = -1
        self.planned_end[post] = NEVER
        self.vacant_from[post] = day + 1

    # ------------------------------------------------------------------ postings
    def open_postings(self, post: np.ndarray, opened: np.ndarray) -> None:
        """Opens a posting on each vacant post: its fill day (or cancellation) is drawn now."""
        c, rng = self.c, self.rng
        fam = self.posts.family[post]
        year_factor = self._year_table(c.fill_year_factor, ymd(opened)[0])
        segur = np.where(opened >= self.cover_day[fam], 1.0 + c.segur_effect_time_to_fill, 1.0)
        delay = rng.lognormal(np.log(self.fill_median[fam] * year_factor * segur), c.fill_sigma)
        fill = np.maximum(opened + np.round(delay).astype(np.int64) + 1, self.vacant_from[post])
        cancel = rng.random(post.size) < c.posting_cancel_share
        cancel_day = opened + np.maximum(np.round(rng.uniform(0.2, 0.9, post.size) * (fill - opened)), 1)
        self.posting[post] = self.postings.append(
            post=post, opened=opened, closed=NEVER, outcome=OPEN, contract=-1, how=0
        )
        self.fill_day[post] = fill
        self.cancel_day[post] = np.where(cancel & (cancel_day < fill), cancel_day, NEVER).astype(np.int64)
        self.pending_open[post] = NEVER

    def close_postings(
        self, post: np.ndarray, day: np.ndarray, outcome: int, contract: np.ndarray | None = None, how: int = 0
    ) -> None:
        rows = self.posting[post]
        self.postings.closed[rows] = day
        self.postings.outcome[rows] = outcome
        if contract is not None:
            self.postings.contract[rows] = contract
            self.postings.how[rows] = how
        self.posting[post] = -1
        self.fill_day[post] = NEVER
        self.cancel_day[post] = NEVER

    def fall_vacant(self, post: np.ndarray, day_left: np.ndarray, reason: np.ndarray) -> None:
        """Schedules the replacement of holders who left (a budget cut retires the post instead)."""
        rng = self.rng
        vacant = day_left + 1
        retire = self.posts.retire_from[post] <= vacant
        self.dead[post[retire]] = True
        self.alive[post[retire]] = False
        post, day_left, reason = post[~retire], day_left[~retire], reason[~retire]
        known = np.isin(reason, [RESIGNATION, MUTUAL, RETIREMENT, FIXED_TERM])
        # Known departures are advertised during the notice period; others afterwards.
        notice = np.where(reason == FIXED_TERM, rng.integers(0, 31, post.size), rng.integers(15, 61, post.size))
        after = rng.integers(1, 22, post.size)
        self.pending_open[post] = np.where(known, day_left - notice, day_left + after)

    # ------------------------------------------------------------------ initial state
    def start(self) -> None:
        """Fills the posts budgeted at the first simulated day with people hired before it."""
        c, rng, p = self.c, self.rng, self.posts
        t0 = int(self.months.start[0])
        alive = np.flatnonzero((p.open_from <= t0) & (p.retire_from > t0))
        self.alive[alive] = True
        vacant = rng.random(alive.size) < 0.06
        held, empty = alive[~vacant], alive[vacant]
        fam = p.family[held]
        ctype = draw(rng, c.initial_contract_mix, held.size).astype(np.int8)
        ctype = np.where((ctype == APPRENTICE) & ~self.educative[fam], CDI, ctype).astype(np.int8)
        stock = ctype == CDI
        age_shift = np.where(stock, c.stock_age_shift, 0.0)
        people = self.new_people(fam, np.full(held.size, t0), 0.0)
        birth = t0 - np.round(np.clip(rng.normal(self.hire_age[fam] + age_shift, 9.0), 20.5, 63.5) * 365.25)
        self.people.birth[people] = birth.astype(np.int64)
        self.people.code[people] = ymd_code(self.people.birth[people])
        self.people.retire[people] = add_years(self.people.birth[people], c.retirement_age_max)
        age_days = t0 - self.people.birth[people]
        first_job_age = rng.uniform(20.0, 26.0, held.size) * 365.25
        tenure = np.minimum(
            rng.exponential(c.initial_tenure_mean_years * 365.25, held.size), np.maximum(age_days - first_job_age, 30)
        ).astype(np.int64)
        cstart = np.select(
            [ctype == CDI, ctype == CDD, ctype == INTERIM],
            [t0 - tenure, t0 - rng.integers(0, 181, held.size), t0 - rng.integers(0, 61, held.size)],
            t0 - rng.integers(0, 700, held.size),
        )
        planned = self.contract_length_end(ctype, cstart)
        planned = np.where(ctype == CDI, NEVER, np.maximum(planned, t0 + rng.integers(15, 120, held.size)))
        self.start_contracts(held, people, ctype, cstart, cstart, np.zeros(held.size, dtype=bool), planned)

        opened = t0 - rng.integers(0, 91, empty.size)
        self.vacant_from[empty] = opened
        self.open_postings(empty, opened)
        self.fill_day[empty] = np.maximum(self.fill_day[empty], t0)

    # ------------------------------------------------------------------ one month
    def month(self, m: int) -> None:
        """Simulates month m: budget changes, exits, transfers, postings, cancellations and hires."""
        ms, me = int(self.months.start[m]), int(self.months.end[m])
        self._new_posts(ms, me)
        leaving = self._exits(m, ms, me)
        self._transfers(ms, me, leaving)
        self._post_vacancies(me)
        self._retire_vacant(me)
        self._cancel(me)
        self._fill(me)

    def _new_posts(self, ms: int, me: int) -> None:
        p = self.posts
        new = np.flatnonzero(~self.alive & ~self.dead & (p.open_from >= ms) & (p.open_from <= me))
        self.alive[new] = True
        self.vacant_from[new] = p.open_from[new]
        # New posts are advertised shortly before the budget takes effect.
        self.pending_open[new] = p.open_from[new] - self.rng.integers(0, 31, new.size)

    def _exits(self, m: int, ms: int, me: int) -> np.ndarray:
        """Ends contracts by hazard or planned end; gives the posts whose holder's contract changed."""
        c, rng = self.c, self.rng
        held = np.flatnonzero(self.contract >= 0)
        rows = self.contract[held]
        ctype = self.contracts.ctype[rows]
        fam = self.posts.family[held]
        employee = self.contracts.employee[rows]
        age = age_from_code(self.people.code[employee], ms)
        planned_now = self.planned_end[held] <= me

        tenure = (ms - self.spell_start[held]) / 365.25
        year = int(self.months.year[m])
        base = (
            self.voluntary[fam]
            * _steps(c.tenure_factor, tenure)
            * _steps(c.age_factor, age)
            * self.contract_factor[ctype]
            * self._year_table(c.year_factor, np.array([year]))[0]
        )
        k = m - self.cover_month[fam]
        covered = k >= 0
        effect = self.effect[fam] * (1.0 + c.segur_effect_growth_per_year * np.maximum(k, 0) / 12.0)
        multiplier = np.where(covered, np.maximum(1.0 + effect, 0.0), 1.0)
        voluntary = base * multiplier
        if m >= self.months.window_start:
            exposed = covered & ~planned_now
            group = self.group_index[fam[exposed]]
            n_groups = len(self.group_names)
            baseline = np.bincount(group, weights=base[exposed], minlength=n_groups)
            change = np.bincount(group, weights=base[exposed] * (multiplier[exposed] - 1), minlength=n_groups)
            for g in np.flatnonzero(baseline):
                self.segur.add(self.group_names[g], float(baseline[g]), float(change[g]))

        in_trial = self.first_contract[held] & (ms - self.spell_start[held] < 92) & (ctype <= CDD)
        trial = np.where(in_trial, -np.log1p(-c.trial_exit_per_month), 0.0)
        death = 0.0008 * np.exp(0.09 * (age - 40)) / 12
        retirement = _steps(c.retirement_per_month, age)
        steady = (c.dismissal_per_year + c.other_exit_per_year) / 12
        total = voluntary + trial + steady + death + retirement
        birthday_max = self.people.retire[employee]
        forced = birthday_max <= me + 1
        leave = ((rng.random(held.size) < -np.expm1(-total)) | forced) & ~planned_now
        # The reason of each leaver, in proportion to the competing hazards.
        n = int(leave.sum())
        rates = np.stack(
            [
                voluntary[leave],
                trial[leave],
                np.full(n, c.dismissal_per_year / 12),
                np.full(n, c.other_exit_per_year / 12),
                death[leave],
                retirement[leave],
            ],
            axis=1,
        )
        cause = pick(rng, rng.random(n), rates)
        mutual = (ctype[leave] == CDI) & (rng.random(n) < c.mutual_agreement_share)
        reason = np.array([RESIGNATION, TRIAL, DISMISSAL, OTHER, DEATH, RETIREMENT])[cause]
        reason = np.where((reason == RESIGNATION) & mutual, MUTUAL, reason)
        reason = np.where(forced[leave], RETIREMENT, reason)
        day = random_day_in(rng, np.maximum(ms, self.contracts.start[rows[leave]]), me)
        day = np.where(forced[leave], np.clip(birthday_max[leave] - 1, ms, me), day)
        go = held[leave]
        self.end_contracts(go, day, reason)
        self.fall_vacant(go, day, reason)

        # Fixed-term contracts reaching their planned end this month.
        due = held[planned_now]
        dtype = ctype[planned_now]
        end = self.planned_end[due]
        u = rng.random(due.size)
        renew = (dtype == CDD) & (u < c.cdd_renew)
        convert = ((dtype == CDD) & (u >= c.cdd_renew) & (u < c.cdd_renew + c.cdd_convert)) | (
            (dtype == APPRENTICE) & (u < c.apprentice_convert)
        )
        stays = renew | convert
        people = self.contracts.employee[self.contract[due]]
        spell = self.spell_start[due]
        self.end_contracts(due, end, FIXED_TERM)
        self.fall_vacant(due[~stays], end[~stays], np.full((~stays).sum(), FIXED_TERM))
        new_type = np.where(renew, CDD, CDI)[stays].astype(np.int8)
        self.start_contracts(
            due[stays], people[stays], new_type, end[stays] + 1, spell[stays], np.zeros(stays.sum(), dtype=bool)
        )
        return np.concatenate([go, due])

    def _transfers(self, ms: int, me: int, changed: np.ndarray) -> None:
        """Moves some CDI holders to a vacant post of the same family in another establishment."""
        c, rng = self.c, self.rng
        held = np.flatnonzero(self.contract >= 0)
        held = held[~np.isin(held, changed)]
        rows = self.contract[held]
        count = np.bincount(self.contracts.employee[self.contract[self.contract >= 0]], minlength=self.people.n)
        eligible = (
            (self.contracts.ctype[rows] == CDI)
            & (ms - self.spell_start[held] >= 365)
            & (count[self.contracts.employee[rows]] == 1)
            & (self.contracts.start[rows] < ms)
        )
        movers = held[eligible & (rng.random(held.size) < c.transfer_per_year / 12)]
        targets = np.flatnonzero((self.contract < 0) & self.alive & (self.posting >= 0))
        li, ri = match_by_key(rng, self.org_family[movers], self.org_family[targets])
        src, dst = movers[li], targets[ri]
        # The new contract starts the next day, which must not be after the as-of date.
        last = min(me, self.as_of - 1)
        day = random_day_in(rng, ms, last, src.size)
        # A contract of the mover's that ended this month after that day would overlap the new one (above
        # full time): the move waits for its end.
        people = self.contracts.employee[self.contract[src]]
        day = np.maximum(day, self.people.ended[people])
        ok = (
            (self.posts.establishment[src] != self.posts.establishment[dst])
            & (day <= last)
            & (self.fill_day[dst] > day + 1)
            & (self.cancel_day[dst] > day + 1)
            & (self.postings.opened[self.posting[dst]] <= day + 1)
        )
        src, dst, day, people = src[ok], dst[ok], day[ok], people[ok]
        if src.size == 0:
            return
        spell = self.spell_start[src]
        self.end_contracts(src, day, TRANSFER)
        self.fall_vacant(src, day, np.full(src.size, TRANSFER))
        rows = self.start_contracts(
            dst, people, np.full(dst.size, CDI, dtype=np.int8), day + 1, spell, np.zeros(dst.size, dtype=bool)
        )
        self.close_postings(dst, day + 1, FILLED, rows, how=1)

    def _post_vacancies(self, me: int) -> None:
        post = np.flatnonzero(self.alive & (self.contract < 0) & (self.posting < 0) & (self.pending_open <= me))
        self.open_postings(post, self.pending_open[post])

    def _retire_vacant(self, me: int) -> None:
        p = self.posts
        post = np.flatnonzero(self.alive & (self.contract < 0) & (p.retire_from <= me))
        post = post[(self.posting[post] < 0) | (self.fill_day[post] >= p.retire_from[post])]
        with_posting = post[self.posting[post] >= 0]
        closed = np.maximum(p.retire_from[with_posting], self.postings.opened[self.posting[with_posting]])
        self.close_postings(with_posting, closed, CANCELLED)
        self.alive[post] = False
        self.dead[post] = True
        self.pending_open[post] = NEVER

    def _cancel(self, me: int) -> None:
        post = np.flatnonzero((self.posting >= 0) & (self.cancel_day <= me))
        day = self.cancel_day[post]
        self.close_postings(post, day, CANCELLED)
        self.pending_open[post] = day + self.rng.integers(7, 61, post.size)

    def _fill(self, me: int) -> None:
        """Hires on postings due this month: a new person, or someone already holding a small part-time post."""
        c, rng = self.c, self.rng
        post = np.flatnonzero((self.posting >= 0) & (self.fill_day <= me) & self.alive)
        if post.size == 0:
            return
        day = self.fill_day[post]
        fam = self.posts.family[post]
        ctype = self.hire_types(fam)
        employee = np.full(post.size, -1, dtype=np.int64)
        spell = day.copy()
        first = np.ones(post.size, dtype=bool)
        how = np.zeros(post.size, dtype=np.int8)

        # Two concurrent part-time contracts: the hire already holds one post of fte <= 0.5.
        small = (self.posts.fte[post] <= 0.5) & (rng.random(post.size) < c.concurrent_part_time)
        held = np.flatnonzero(self.contract >= 0)
        emp_held = self.contracts.employee[self.contract[held]]
        count = np.bincount(emp_held, minlength=self.people.n)
        pool = held[
            (self.posts.fte[held] <= 0.5)
            & (count[emp_held] == 1)
            & (self.contracts.start[self.contract[held]] < day.min())
        ]
        li, ri = match_by_key(rng, fam[small], self.posts.family[pool])
        who = np.flatnonzero(small)[li]
        employee[who] = self.contracts.employee[self.contract[pool[ri]]]
        # The pool counts the contracts held now, but one that ended this month on or after the hire day would
        # still run beside the two others (up to 1.5 fte): the hire starts the day after it ends.
        day[who] = np.maximum(day[who], self.people.ended[employee[who]] + 1)
        spell[who] = self.spell_start[pool[ri]]
        first[who] = False
        ctype[who] = np.where(ctype[who] == APPRENTICE, CDI, ctype[who])
        how[who] = 2

        new = employee < 0
        employee[new] = self.new_people(fam[new], day[new])
        rows = self.start_contracts(post, employee, ctype, day, spell, first)
        for kind in (0, 2):
            sel = how == kind
            self.close_postings(post[sel], day[sel], FILLED, rows[sel], how=kind)

    # ------------------------------------------------------------------ output
    def tables(self, est: Establishments) -> tuple[pl.DataFrame, pl.DataFrame, np.ndarray]:
        """Gives the staff and job_postings extracts (nothing dated after the as-of date)."""
        k = self.contracts.view()
        ongoing = k["end"] == NEVER
        planned = np.full(k["end"].size, NEVER, dtype=np.int64)
        held = np.flatnonzero(self.contract >= 0)
        planned[self.contract[held]] = self.planned_end[held]
        k["end"] = np.where(ongoing, planned, k["end"])
        k["reason"] = np.where(ongoing & (planned < NEVER), FIXED_TERM, k["reason"]).astype(np.int8)
        k = renew_in_months_without_start(k, self.as_of)
        end, reason = k["end"], k["reason"]
        est_ids = est.table["establishment_id"].to_numpy()
        emp = k["employee"]
        staff = (
            pl.DataFrame(
                {
                    "employee_id": as_ids("M", emp + 1, 7),
                    "contract_id": as_ids("C", np.arange(k["end"].size) + 1, 8),
                    "birth_date": as_dates(self.people.birth[emp]),
                    "sex": as_codes(("F", "M"), self.people.sex[emp]),
                    "job_family": as_codes(STAFF_FAMILIES, self.posts.family[k["post"]]),
                    "establishment_id": as_codes(est_ids, self.posts.establishment[k["post"]]),
                    "contract_type": as_codes(CONTRACT_TYPES, k["ctype"]),
                    "fte": k["fte"],
                    "start_date": as_dates(k["start"]),
                    "end_date": as_dates(end),
                    "exit_reason": as_codes(EXIT_REASONS, reason),
                    "monthly_gross_pay": k["pay"],
                }
            )
            .filter(pl.col("start_date") <= self.c.as_of)
            .sort("employee_id", "start_date", "contract_id")
        )

        q = self.postings.view()
        keep = q["opened"] <= self.as_of
        q["opened"] = open_in_months_without_posting(q["post"], q["opened"], q["closed"], keep, self.as_of)
        due_later = q["closed"] > self.as_of  # closed after the as-of date: still open then
        outcome = np.where(due_later, OPEN, q["outcome"])
        closed = np.where(due_later, NEVER, q["closed"])
        contract = np.where(outcome == FILLED, q["contract"], -1)
        postings = pl.DataFrame(
            {
                "posting_id": as_ids("OF", np.arange(q["post"].size) + 1, 7),
                "establishment_id": as_codes(est_ids, self.posts.establishment[q["post"]]),
                "job_family": as_codes(STAFF_FAMILIES, self.posts.family[q["post"]]),
                "fte": self.posts.fte[q["post"]],
                "opened_date": as_dates(q["opened"]),
                "closed_date": as_dates(closed),
                "outcome": as_codes(OUTCOMES, outcome),
                "contract_id": as_ids("C", contract + 1, 8).scatter(np.flatnonzero(contract < 0), None),
            }
        ).filter(pl.Series(keep))
        return staff, postings, q["how"][keep]


# The staging suites warn when one of the last 12 months has no contract start or no posting opened (a monthly
# file missing?): at small scale, a month can go by without either, so the generator fills such months.
COVERED_MONTHS = 12


def last_months(as_of: int, n: int = COVERED_MONTHS) -> list[tuple[int, int]]:
    """Gives the first and last day of each of the `n` months that end with the as-of month, oldest first."""
    months = np.datetime64(int(as_of), "D").astype("datetime64[M]") - np.arange(n - 1, -1, -1)
    first = months.astype("datetime64[D]").astype(np.int64)
    last = (months + 1).astype("datetime64[D]").astype(np.int64) - 1
    return list(zip(first.tolist(), last.tolist(), strict=True))


def renew_in_months_without_start(k: dict[str, np.ndarray], as_of: int) -> dict[str, np.ndarray]:
    """Gives the contracts (`end` and `reason` with the planned ends) with, in each of the last months where no
    contract starts, one fixed-term contract running through the month split into two back to back on its first
    day: a renewal. No one's headcount, fte or exits change (the next contract starts the next day)."""
    k = {name: column.copy() for name, column in k.items()}
    for first, last in last_months(as_of):
        if ((k["start"] >= first) & (k["start"] <= last)).any():
            continue
        running = np.flatnonzero(np.isin(k["ctype"], (CDD, INTERIM)) & (k["start"] < first) & (k["end"] >= last))
        if running.size == 0:
            continue
        row = running[np.argsort(k["ctype"][running] != CDD, kind="stable")[0]]  # a CDD if there is one
        renewal = {name: column[row : row + 1].copy() for name, column in k.items()}
        renewal["start"][:] = first
        k = {name: np.concatenate([column, renewal[name]]) for name, column in k.items()}
        k["end"][row] = first - 1
        k["reason"][row] = FIXED_TERM
    return k


def open_in_months_without_posting(
    post: np.ndarray, opened: np.ndarray, closed: np.ndarray, kept: np.ndarray, as_of: int
) -> np.ndarray:
    """Gives the postings' opening days with a posting opening in each of the last months: an empty month takes
    the nearest posting of the month before (moved to its first day, if still open then) or after (moved to its
    last day, if no earlier posting of its post is still open then). When that month has no other posting,
    it takes one from its own neighbour in turn, up to three months away: no month is emptied."""
    opened = opened.copy()
    month = _month_number(opened)
    for first, _ in last_months(as_of):
        target = _month_number(np.array([first]))[0]
        if (kept & (month == target)).any():
            continue
        chains = [(distance, side) for distance in (1, 2, 3) for side in (-1, 1)]
        for distance, side in chains:
            source = target + side * distance
            if (kept & (month == source)).sum() < 2:
                continue
            moved = _move_along(post, opened, month, closed, kept, source, target)
            if moved is not None:
                opened, month = moved
                break
    return opened


def _month_number(days: np.ndarray) -> np.ndarray:
    return np.asarray(days).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def _move_along(
    post: np.ndarray,
    opened: np.ndarray,
    month: np.ndarray,
    closed: np.ndarray,
    kept: np.ndarray,
    source: int,
    target: int,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Gives the opening days and months after moving one posting from each month, from the one next to `target`
    back to `source`, into its neighbour towards `target`; None if one of the moves cannot be made."""
    opened, month = opened.copy(), month.copy()
    side = 1 if source > target else -1
    for to in range(target, source, side):
        donor = to + side
        rows = np.flatnonzero(kept & (month == donor))
        if side < 0:  # moved later, to the first day of `to`: the posting must still be open then
            day = int(np.datetime64(int(to), "M").astype("datetime64[D]").astype(np.int64))
            rows = rows[closed[rows] > day]
            order = rows[np.argsort(-opened[rows], kind="stable")]
            ok = order[:1]
        else:  # moved earlier, to the last day of `to`: no earlier posting of its post may still be open then
            day = int((np.datetime64(int(to), "M") + 1).astype("datetime64[D]").astype(np.int64)) - 1
            order = rows[np.argsort(opened[rows], kind="stable")]
            ok = [r for r in order if not (closed[(post == post[r]) & (opened < opened[r])] >= day).any()][:1]
        if len(ok) == 0:
            return None
        opened[ok[0]], month[ok[0]] = day, to
    return opened, month


def _steps(table: tuple[tuple[float, float], ...], x: np.ndarray) -> np.ndarray:
    """Gives the value of the last (threshold, value) step whose threshold is <= x."""
    thresholds = np.array([t for t, _ in table])
    values = np.array([v for _, v in table])
    return values[np.clip(np.searchsorted(thresholds, x, side="right") - 1, 0, len(values) - 1)]


def simulate_workforce(
    config: GeneratorConfig, ref: Reference, est: Establishments, posts: Posts, months: Months, rng: np.random.Generator
) -> Workforce:
    """Gives the staff and job_postings extracts and the planted Ségur exposure, month by month."""
    sim = _Sim(config, ref, est, posts, months, rng)
    sim.start()
    for m in range(months.n):
        sim.month(m)
        if m % 24 == 23 or m == months.n - 1:
            log.info(
                "staff: simulated %s (%d contracts, %d postings so far)",
                np.datetime64(int(months.start[m]), "D").astype("datetime64[M]"),
                sim.contracts.n,
                sim.postings.n,
            )
    staff, postings, how = sim.tables(est)
    return Workforce(staff, postings, how, sim.segur)
