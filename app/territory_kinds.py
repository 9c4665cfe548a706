"""The kinds of SOATE territorial units and the groupings of them that the modules use: the one place these codes
are spelled (tests/test_core.py fails on a kind code written anywhere else in app/, models/, views/, charts/).

Side-effect free (no Flask, no database), so models, seeds and scripts import it without an app. The labels of the
kinds (the "territory_kind" classifier) are declared in models/reference.py from `TERRITORY_KINDS`.

The groupings differ on purpose; each answers one question, and a module that needs a new question gets a new
named grouping here rather than a tuple of its own:

===========================  =====  ====  ========  ==============  ============
kind                         cert.  LSG   property  settlement      voter lists
                             body   unit  owner     (passport cnt)
===========================  =====  ====  ========  ==============  ============
oblast                                                              yes
city_republican              yes    yes   yes                       yes
rayon                                                               yes
city_district                yes                                    yes
city_oblast                  yes    yes   yes                       yes
city_rayon                   yes    yes   yes                       yes
aiyl_aimak                   yes    yes   yes                       yes
urban_type_settlement               yes             yes             yes
settlement                                          yes             yes
village_under_city                                  yes             yes
village                                             yes             yes
other
===========================  =====  ====  ========  ==============  ============

- A city district (Bishkek, Osh) has its own administration, which issues and signs household-book certificates,
  but it keeps no passport or land queue and owns no property: the city does.
- An urban-type settlement keeps a passport and a land queue of its own and is counted among the settlements of
  a passport, but it is not an issuing body: certificates for its households come from the aiyl aimak or city
  above it (app.services.household_book.issuing_territory). This is how the modules behaved when the groupings
  were collected here; the table records it, it does not decide it.
"""

OBLAST = "oblast"
CITY_REPUBLICAN = "city_republican"
RAYON = "rayon"
CITY_DISTRICT = "city_district"
CITY_OBLAST = "city_oblast"
CITY_RAYON = "city_rayon"
AIYL_AIMAK = "aiyl_aimak"
URBAN_TYPE_SETTLEMENT = "urban_type_settlement"
SETTLEMENT = "settlement"
VILLAGE_UNDER_CITY = "village_under_city"
VILLAGE = "village"
OTHER = "other"

#: Every kind, in the classifier's order (all are system items: the tree's import and the groupings rely on them).
TERRITORY_KINDS = (OBLAST, CITY_REPUBLICAN, RAYON, CITY_DISTRICT, CITY_OBLAST, CITY_RAYON, AIYL_AIMAK,
                   URBAN_TYPE_SETTLEMENT, SETTLEMENT, VILLAGE_UNDER_CITY, VILLAGE, OTHER)

#: The units directly under the republic: the oblasts and the cities of republican significance (Bishkek, Osh).
OBLAST_LEVEL = (OBLAST, CITY_REPUBLICAN)

#: Cities of every significance (a city passport counts at least one settlement: the city itself).
CITY_KINDS = (CITY_REPUBLICAN, CITY_OBLAST, CITY_RAYON)

#: Local communities that own municipal property: aiyl aimaks and cities (not a city district, not a settlement).
PROPERTY_OWNER_KINDS = (AIYL_AIMAK,) + CITY_KINDS

#: Units with an executive body that issues and signs household-book certificates (Law "On local
#: self-government", art. 34): an aiyl aimak (its aiyl okmotu), a city (its mayor's office) and a city district
#: (its administration). A household's certificate comes from the nearest of these above it.
LSG_BODY_KINDS = PROPERTY_OWNER_KINDS + (CITY_DISTRICT,)

#: Units of local self-government that keep an e-passport and a land queue: aiyl aimaks, cities and urban-type
#: settlements.
LSG_UNIT_KINDS = PROPERTY_OWNER_KINDS + (URBAN_TYPE_SETTLEMENT,)

#: Populated places, counted as a passport's "number of settlements".
SETTLEMENT_KINDS = (VILLAGE, SETTLEMENT, URBAN_TYPE_SETTLEMENT, VILLAGE_UNDER_CITY)

#: Units a voter list can be made for: every unit from an oblast down to a village, but not an unclassified one.
VOTER_LIST_KINDS = tuple(kind for kind in TERRITORY_KINDS if kind != OTHER)
