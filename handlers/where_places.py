"""The street-level part of `/csp where` (issue 14): the streets with most crimes in the window's
latest 12 held months (police.uk's location text, with its LSOA and neighbourhood), how
concentrated the crime is ("half of burglaries at 41 of 1,210 locations"), and the map
(briefings/place_map.py). Small counts of a sensitive indicator are shown as "fewer than N",
as the rest of the answer shows them.
"""

from __future__ import annotations

from briefings.place_map import GRID, LABELS, MAX_ROWS, draw_summary_map
from data.catalogue import BY_SLUG
from data.contributions import Contributions
from data.place_queries import places_held
from data.place_summary import PlaceSummary, summarise_places
from handlers.reply import Block, Chart, Table, Text
from handlers.request import Request

STREETS = 10  # streets shown in chat; `cspbot export places` gives every map point


def place_blocks(req: Request, found: Contributions, below: int) -> list[Block]:
    """The busiest streets, the concentration and the map, over found.window.current."""
    if not places_held(req.db):
        return [Text("_Streets and the map need the street files imported again "
                     "(`cspbot ingest police-uk FILES`): this store was filled before they "
                     "were kept._")]
    name = BY_SLUG[found.indicator].name
    places = summarise_places(req.db, found.partnership, found.area, found.indicator,
                              found.window.current, STREETS, MAX_ROWS, GRID)
    if not places.streets:
        return [Text(f"No {name.lower()} was placed at a map point in {found.area_name} in "
                     "the latest 12 months.")]
    span = f"{places.months[0]}..{places.months[-1]}"
    blocks: list[Block] = [
        Text(f"*Where it happened* ({span}): half of {name.lower()} "
             f"({places.total:,} crimes) at {places.half_at:,} of {places.streets:,} locations."),
        Table(["Location", "LSOA", "Neighbourhood", "Crimes"],
              [[s.place, f"{s.lsoa_name} ({s.lsoa})", s.neighbourhood, _count(s.count, below)]
               for s in places.top_streets[:STREETS]])]
    if below == 0:
        blocks.append(_map(found, places, name))
    else:  # a sensitive indicator is not mapped point by point
        blocks.append(Text("_No map for a sensitive indicator: its small counts are not shown._"))
    return blocks


def _count(n: int, below: int) -> str:
    return f"fewer than {below}" if 0 < n < below else f"{n:,}"


def _map(found: Contributions, places: PlaceSummary, name: str) -> Chart:
    top = places.top_streets[:LABELS]
    busiest = "; ".join(f"{s.place}, {s.lsoa_name} ({s.count:,})" for s in top)
    alt = (f"Map of {name.lower()} in {found.area_name}, {places.months[0]} to "
           f"{places.months[-1]}: {places.total:,} crimes at {places.points:,} police.uk "
           f"map points, each a circle sized by its count. Busiest: {busiest}.")
    title = f"{name}, {found.area_name}, {places.months[0]} to {places.months[-1]}"
    c = draw_summary_map(title, places, alt)
    return Chart(c.png, c.alt_text, title, c.headers, c.rows,
                 filename=f"where-{found.indicator}-{found.window.month}.png")
