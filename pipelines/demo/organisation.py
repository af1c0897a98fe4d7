"""Territories, establishments and the tableau des emplois (budgeted posts) of the demo associations."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from pipelines.demo.arrays import as_codes, rank_within
from pipelines.demo.config import STAFF_FAMILIES, GeneratorConfig
from pipelines.demo.dates import NEVER, Months, from_ymd, ymd

# Fictional place words; none is meant to name a real place.
_PLACE_WORDS = (
    "Lirance",
    "Verdonne",
    "Aubrette",
    "Sablonne",
    "Morvelle",
    "Caudière",
    "Brévanne",
    "Ostrelle",
    "Fontclair",
    "Miraval",
    "Serpentine",
    "Grandpré",
    "Roseval",
    "Bellerive",
    "Chantemerle",
    "Vaudrelle",
    "Lorvance",
    "Pierrefeu",
    "Clairbois",
    "Montsalve",
    "Haverne",
    "Ternois",
    "Ambrelle",
    "Cendrelle",
    "Valcroze",
)
_PLACE_PREFIXES = ("", "Haute-", "Basse-", "Val-de-")
_CIRCONSCRIPTIONS = ("Nord", "Sud", "Est", "Ouest", "Centre", "Littoral", "Plaine", "Montagne", "Vallée", "Côte")
_HOUSE_NAMES = (
    "Les Tilleuls",
    "Le Phare",
    "Les Glycines",
    "La Passerelle",
    "L'Escale",
    "Les Saules",
    "Le Relais",
    "La Boussole",
    "Les Lucioles",
    "L'Oiseau-Lyre",
    "Le Tremplin",
    "Les Marronniers",
    "La Source",
    "L'Envol",
    "Les Hirondelles",
    "Le Chêne",
    "La Clairière",
    "Les Coquelicots",
    "L'Horizon",
    "Le Moulin",
    "La Roseraie",
    "Les Embruns",
    "Le Verger",
    "La Ruche",
    "Les Alizés",
    "Le Cèdre",
    "La Maison Verte",
    "Les Peupliers",
)
_ORG_WORDS = (
    "Horizon Enfance",
    "Les Saules",
    "Sauvegarde de l'Enfance",
    "Entraide Jeunesse",
    "La Main Tendue",
    "Avenir Famille",
    "Le Sillon",
    "Accueil et Protection",
    "Pierre Lumière",
    "Les Amis de l'Enfance",
)
_KIND_LABEL = {
    "MECS": "MECS",
    "EMERGENCY_SHELTER": "Foyer d'urgence",
    "AEMO_SERVICE": "Service AEMO",
    "FOSTER_SERVICE": "Service de placement familial",
    "DAY_SERVICE": "Accueil de jour",
    "HEADQUARTERS": "Siège",
    "OTHER": "Service",
}
_SMALL_KINDS = ("MECS", "AEMO_SERVICE", "HEADQUARTERS", "FOSTER_SERVICE", "DAY_SERVICE")


@dataclass(frozen=True)
class Territories:
    table: pl.DataFrame  # territory_id, name
    weight: np.ndarray  # relative size (carers, establishments)
    code: np.ndarray  # two-digit département-like code for FINESS-like ids


@dataclass(frozen=True)
class Establishments:
    table: pl.DataFrame  # establishment_id, name, kind, territory_id, organisation
    kind: np.ndarray  # str
    organisation: np.ndarray  # int index
    posts: np.ndarray  # posts at opening
    budget_start: np.ndarray  # day the first budget row is valid from
    opened_in_window: np.ndarray  # bool


@dataclass(frozen=True)
class Posts:
    """Budgeted posts (one per person-sized slot) over time."""

    establishment: np.ndarray  # int index
    family: np.ndarray  # int index into STAFF_FAMILIES
    fte: np.ndarray
    open_from: np.ndarray  # day the post enters the budget
    retire_from: np.ndarray  # day the post leaves the budget (NEVER if it stays)

    @property
    def n(self) -> int:
        return len(self.fte)


def make_territories(config: GeneratorConfig, rng: np.random.Generator) -> Territories:
    """Gives the territories: circonscriptions of one département, or fictional départements at national scale."""
    n = config.n_territories
    if config.scale == "national":
        names = [f"{p}{w}" for p in _PLACE_PREFIXES for w in _PLACE_WORDS][:n]
        ids = [f"D{i + 1:02d}" for i in range(n)]
        # Lognormal sizes, like DREES per-département AF counts (median ~280, p90 ~560).
        weight = rng.lognormal(0.0, 0.55, n)
        code = np.array([f"{i + 1:02d}" for i in range(n)])
    else:
        names = [
            f"Territoire {_CIRCONSCRIPTIONS[i % len(_CIRCONSCRIPTIONS)]}"
            + (f" {i // len(_CIRCONSCRIPTIONS) + 1}" if i >= len(_CIRCONSCRIPTIONS) else "")
            for i in range(n)
        ]
        ids = [f"T{i + 1:02d}" for i in range(n)]
        weight = rng.uniform(0.7, 1.3, n)
        code = np.array(["99"] * n)  # no real département has code 99
    table = pl.DataFrame({"territory_id": ids, "name": names})
    return Territories(table, weight / weight.sum(), code)


def make_establishments(
    config: GeneratorConfig, territories: Territories, months: Months, rng: np.random.Generator
) -> Establishments:
    """Gives the establishments with their kind, territory, association and size in posts."""
    n = config.n_establishments
    kinds = list(config.establishment_kinds)
    shares = np.array([config.establishment_kinds[k][0] for k in kinds])
    if config.scale == "small":
        kind = np.array([_SMALL_KINDS[i % len(_SMALL_KINDS)] for i in range(n)])
    else:
        kind = np.array(kinds)[rng.choice(len(kinds), n, p=shares / shares.sum())]
        kind[: len(kinds)] = kinds[: min(n, len(kinds))]  # every kind at least once
    size_factor = np.array([config.establishment_kinds[k][1] for k in kind])
    weight = size_factor * rng.lognormal(0.0, 0.45, n)
    posts = np.maximum(np.round(config.n_posts * weight / weight.sum()), 4).astype(np.int64)

    # Associations: each has a home territory where most of its establishments are.
    n_org = config.n_organisations
    org_home = rng.choice(len(territories.weight), n_org, p=territories.weight)
    org_weight = rng.pareto(1.5, n_org) + 1.0  # a few large associations
    organisation = rng.choice(n_org, n, p=org_weight / org_weight.sum())
    organisation[:n_org] = np.arange(min(n, n_org))[:n_org]  # every association has an establishment
    away = rng.random(n) < 0.15
    territory = np.where(away, rng.choice(len(territories.weight), n, p=territories.weight), org_home[organisation])

    opened = (rng.random(n) < config.share_opening_in_window) & (config.scale != "small")
    opened[: len(kinds)] = False
    # Establishments that open in the window do so after its first year; the others
    # have had a budget since 1 January of a year before the simulation starts.
    late = months.n - 6 > months.window_start + 12
    open_month = rng.integers(months.window_start + 12, months.n - 6, n) if late else np.full(n, months.window_start)
    first_year = int(ymd(np.array([months.start[0]]))[0][0])
    budget_start = np.where(
        opened,
        months.start[np.clip(open_month, 0, months.n - 1)],
        from_ymd(rng.integers(2005, first_year + 1, n), 1, 1),
    )

    seq = np.arange(n)
    ids = np.char.add(np.char.add(territories.code[territory], "0"), np.char.zfill((seq * 7 + 1001).astype(str), 6))
    house = np.array(_HOUSE_NAMES)[rng.integers(0, len(_HOUSE_NAMES), n)]
    town = np.array(_PLACE_WORDS)[rng.integers(0, len(_PLACE_WORDS), n)]
    org_names = np.array(
        [
            f"Association {_ORG_WORDS[i % len(_ORG_WORDS)]}"
            + (
                f" {chr(65 + (i // len(_ORG_WORDS)) % 26)}{i // (26 * len(_ORG_WORDS)) or ''}"
                if i >= len(_ORG_WORDS)
                else ""
            )
            for i in range(n_org)
        ]
    )
    names = [
        f"{_KIND_LABEL[k]} {org_names[o].removeprefix('Association ')}"
        if k == "HEADQUARTERS"
        else f"{_KIND_LABEL[k]} {h} ({t})"
        for k, o, h, t in zip(kind, organisation, house, town, strict=True)
    ]
    table = pl.DataFrame(
        {
            "establishment_id": ids,
            "name": names,
            "kind": kind,
            "territory_id": territories.table["territory_id"].to_numpy()[territory],
            "organisation": org_names[organisation],
        }
    )
    return Establishments(table, kind, organisation, posts, budget_start.astype(np.int64), opened)


def make_posts(
    config: GeneratorConfig, est: Establishments, months: Months, rng: np.random.Generator
) -> tuple[Posts, pl.DataFrame]:
    """Gives every post that is ever budgeted and the budgeted_posts extract (rows per budget change)."""
    fam_index = {f: i for i, f in enumerate(STAFF_FAMILIES)}
    # Initial posts per establishment x family.
    counts = np.zeros((len(est.kind), len(STAFF_FAMILIES)), dtype=np.int64)
    for kind, mix in config.family_mix.items():
        rows = np.flatnonzero(est.kind == kind)
        if rows.size == 0:
            continue
        p = np.zeros(len(STAFF_FAMILIES))
        for fam, share in mix.items():
            p[fam_index[fam]] = share
        counts[rows] = rng.multinomial(est.posts[rows], p / p.sum())
    cell_est, cell_fam = np.nonzero(counts)
    n_cells = len(cell_est)
    cell_n = counts[cell_est, cell_fam]
    post_cell = np.repeat(np.arange(n_cells), cell_n)

    # Budget changes: a few per cell, mostly on 1 January (the budget year).
    n_changes = rng.poisson(config.budget_changes_per_cell, n_cells)
    ch_cell = np.repeat(np.arange(n_cells), n_changes)
    m = rng.integers(1, months.n, ch_cell.size)
    january = rng.random(ch_cell.size) < 0.6
    m = np.where(january, m - (ymd(months.start[m])[1] - 1), m)
    m = np.clip(m, 1, months.n - 1)
    ch_day = months.start[m]
    ch_day = np.maximum(ch_day, est.budget_start[cell_est[ch_cell]] + 31)  # after the establishment opens
    ch_day = months.start[np.clip(np.searchsorted(months.start, ch_day), 0, months.n - 1)]
    keep = ch_day <= months.end[-1]
    ch_cell, ch_day = ch_cell[keep], ch_day[keep]
    order = np.lexsort((ch_day, ch_cell))
    ch_cell, ch_day = ch_cell[order], ch_day[order]
    first = np.ones(ch_cell.size, dtype=bool)
    first[1:] = (ch_cell[1:] != ch_cell[:-1]) | (ch_day[1:] != ch_day[:-1])
    ch_cell, ch_day = ch_cell[first], ch_day[first]  # one change per cell and day
    increase = rng.random(ch_cell.size) < config.budget_increase_share

    # A decrease retires one of the cell's initial posts (the k-th decrease of a
    # cell takes the k-th initial post in a random order); extra decreases add.
    dec_cell, dec_day = ch_cell[~increase], ch_day[~increase]
    dec_rank = rank_within(dec_cell)
    shuffled = rng.permutation(post_cell.size)
    order = shuffled[np.argsort(post_cell[shuffled], kind="stable")]  # each cell's posts, shuffled
    cell_start = np.concatenate([[0], np.cumsum(cell_n)[:-1]])
    feasible = dec_rank < cell_n[dec_cell] - 1  # keep at least one post in the cell
    retire_from = np.full(post_cell.size, NEVER, dtype=np.int64)
    target = order[cell_start[dec_cell[feasible]] + dec_rank[feasible]]
    retire_from[target] = dec_day[feasible]
    increase[~increase] = ~feasible  # an impossible decrease becomes an increase

    inc_cell, inc_day = ch_cell[increase], ch_day[increase]
    all_cell = np.concatenate([post_cell, inc_cell])
    open_from = np.concatenate([est.budget_start[cell_est[post_cell]], inc_day])
    retire_from = np.concatenate([retire_from, np.full(inc_cell.size, NEVER, dtype=np.int64)])
    fam = cell_fam[all_cell]
    fte = _draw_fte(config, fam, rng)
    posts = Posts(cell_est[all_cell], fam, fte, open_from.astype(np.int64), retire_from)

    # budgeted_fte per cell after each change = sum of fte of the posts in budget.
    events = pl.DataFrame(
        {
            "cell": np.concatenate([all_cell, all_cell]),
            "day": np.concatenate([posts.open_from, posts.retire_from]),
            "delta": np.concatenate([fte, -fte]),
        }
    ).filter(pl.col("day") < NEVER)
    rows = (
        events.group_by("cell", "day")
        .agg(pl.col("delta").sum())
        .sort("cell", "day")
        .with_columns(
            budgeted_fte=pl.col("delta").cum_sum().over("cell").round(2).clip(lower_bound=0.0),
            valid_to=pl.col("day").shift(-1).over("cell") - 1,
        )
    )
    cell = rows["cell"].to_numpy()
    budget = pl.DataFrame(
        {
            "establishment_id": est.table["establishment_id"].to_numpy()[cell_est[cell]],
            "job_family": as_codes(STAFF_FAMILIES, cell_fam[cell]),
            "valid_from": rows["day"].cast(pl.Int32).cast(pl.Date),
            "valid_to": rows["valid_to"].cast(pl.Int32).cast(pl.Date),
            "budgeted_fte": rows["budgeted_fte"],
        }
    )
    return posts, budget


def _draw_fte(config: GeneratorConfig, family: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Gives the FTE of each post, drawn from its job family's mix."""
    fte = np.empty(family.size)
    for i, name in enumerate(STAFF_FAMILIES):
        rows = np.flatnonzero(family == i)
        mix = config.fte_by_family.get(name, config.fte_default)
        values = np.array(list(mix))
        p = np.array(list(mix.values()))
        fte[rows] = values[rng.choice(len(values), rows.size, p=p / p.sum())]
    return fte
