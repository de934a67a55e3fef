"""The indicator catalogue: police.uk crime types, derived indicators and the words people type.

police.uk publishes 14 crime types; CSP Bot keeps each under police.uk's own slug and adds two
derived indicators that partnerships report on: all crime (every type but anti-social behaviour)
and serious acquisitive crime (burglary, robbery and vehicle crime).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from data.errors import DataError, did_you_mean


@dataclass(frozen=True)
class Indicator:
    slug: str
    name: str
    kind: str  # "police" (a police.uk crime type) or "derived" (a sum of police types)
    police_type: str | None = None  # the label in police.uk's "Crime type" column
    aliases: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    unit: str = "count"
    polarity: str = "lower-is-better"
    description: str = field(default="", compare=False)


POLICE_TYPES: tuple[Indicator, ...] = (
    Indicator("anti-social-behaviour", "Anti-social behaviour", "police", "Anti-social behaviour",
              ("asb", "antisocial behaviour", "anti social behaviour", "nuisance")),
    Indicator("bicycle-theft", "Bicycle theft", "police", "Bicycle theft",
              ("bicycle", "bike theft", "bikes", "cycle theft")),
    Indicator("burglary", "Burglary", "police", "Burglary", ("burglaries", "break-ins")),
    Indicator("criminal-damage-arson", "Criminal damage and arson", "police",
              "Criminal damage and arson",
              ("damage", "criminal damage", "arson", "vandalism", "criminal damage and arson")),
    Indicator("drugs", "Drugs", "police", "Drugs", ("drug", "drug offences")),
    Indicator("other-crime", "Other crime", "police", "Other crime", ()),
    Indicator("other-theft", "Other theft", "police", "Other theft", ("theft",)),
    Indicator("possession-of-weapons", "Possession of weapons", "police",
              "Possession of weapons", ("weapons", "weapon", "knife crime")),
    Indicator("public-order", "Public order", "police", "Public order",
              ("public order offences", "disorder")),
    Indicator("robbery", "Robbery", "police", "Robbery", ("robberies", "mugging")),
    Indicator("shoplifting", "Shoplifting", "police", "Shoplifting", ("shop theft",)),
    Indicator("theft-from-the-person", "Theft from the person", "police",
              "Theft from the person", ("theft from person", "pickpocketing")),
    Indicator("vehicle-crime", "Vehicle crime", "police", "Vehicle crime",
              ("vehicle", "vehicles", "car crime")),
    Indicator("violent-crime", "Violence and sexual offences", "police",
              "Violence and sexual offences",
              ("violence", "violent", "violence and sexual offences", "assault")),
)

DERIVED: tuple[Indicator, ...] = (
    Indicator("all-crime", "All crime", "derived", None, ("all", "crime", "total crime"),
              tuple(i.slug for i in POLICE_TYPES if i.slug != "anti-social-behaviour"),
              description="every police.uk crime type except anti-social behaviour"),
    Indicator("serious-acquisitive-crime", "Serious acquisitive crime", "derived", None,
              ("sac", "serious acquisitive", "acquisitive crime"),
              ("burglary", "robbery", "vehicle-crime"),
              description="burglary + robbery + vehicle crime"),
)

CATALOGUE: tuple[Indicator, ...] = POLICE_TYPES + DERIVED
BY_SLUG: dict[str, Indicator] = {i.slug: i for i in CATALOGUE}
POLICE_SLUGS = tuple(i.slug for i in POLICE_TYPES)  # police_counts' count columns, in order
SLUG_BY_POLICE_TYPE: dict[str, str] = {i.police_type: i.slug for i in POLICE_TYPES
                                       if i.police_type}


def normalise(word: str) -> str:
    """Lower case, hyphens and underscores as spaces, runs of spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"[-_]", " ", word.strip().lower()))


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for ind in CATALOGUE:
        for word in (ind.slug, ind.name, *ind.aliases):
            table[normalise(word)] = ind.slug
    return table


ALIASES: dict[str, str] = _alias_table()


def resolve_indicator(word: str) -> Indicator:
    """The indicator a user means by `word` (slug, name or alias), or a DataError saying why not."""
    slug = ALIASES.get(normalise(word))
    if slug is None:
        raise DataError(
            f"There is no indicator called '{word}'.{did_you_mean(normalise(word), ALIASES)}",
            "Indicators: " + ", ".join(i.slug for i in CATALOGUE) + ".")
    return BY_SLUG[slug]


def expand(slug: str) -> tuple[str, ...]:
    """The police.uk types an indicator sums: itself, or its components if derived."""
    ind = BY_SLUG[slug]
    return ind.components if ind.kind == "derived" else (ind.slug,)
