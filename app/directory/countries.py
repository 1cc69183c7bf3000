"""Country codes: which ones are valid, what they are called, which states the UN counts.

ISO 3166-1 alpha-2 through pycountry, plus one deliberate exception: `XK`, the user-assigned
code that the EU, the IMF and most software use for Kosovo. ISO 3166 has no code for Kosovo,
but Russia keeps an office in Pristina and people there need an answer, so `XK` is accepted
as a country code everywhere in the directory (and nowhere else is a made-up code allowed).
"""

from functools import cache

import pycountry

# User-assigned codes we accept on purpose (ISO 3166-1 reserves XA-XZ for users).
USER_ASSIGNED: dict[str, str] = {"XK": "Kosovo"}

# Short English names where pycountry's formal name reads badly in a sentence
# ("Congo, The Democratic Republic of the"); the router may localise later.
_DISPLAY: dict[str, str] = {
    "RU": "Russia",
    "VA": "the Holy See",
    "CD": "DR Congo",
    "CG": "Republic of the Congo",
    "BN": "Brunei",
    "GB": "the United Kingdom",
    "US": "the United States",
    "NL": "the Netherlands",
    "PH": "the Philippines",
    "AE": "the United Arab Emirates",
    "CZ": "Czechia",
    "PS": "Palestine",
    "FM": "Micronesia",
}

# The 193 member states of the United Nations (https://www.un.org/en/about-us/member-states)
# and the two observer states (Holy See, State of Palestine). The gap report counts these:
# ISO 3166 also lists territories, which have no embassies of their own.
_UN_MEMBERS = """
    AF AL DZ AD AO AG AR AM AU AT AZ BS BH BD BB BY BE BZ BJ BT BO BA BW BR BN BG BF BI CV KH
    CM CA CF TD CL CN CO KM CG CR CI HR CU CY CZ KP CD DK DJ DM DO EC EG SV GQ ER EE SZ ET FJ
    FI FR GA GM GE DE GH GR GD GT GN GW GY HT HN HU IS IN ID IR IQ IE IL IT JM JP JO KZ KE KI
    KW KG LA LV LB LS LR LY LI LT LU MG MW MY MV ML MT MH MR MU MX FM MC MN ME MA MZ MM NA NR
    NP NL NZ NI NE NG MK NO OM PK PW PA PG PY PE PH PL PT QA KR MD RO RU RW KN LC VC WS SM ST
    SA SN RS SC SL SG SK SI SB SO ZA SS ES LK SD SR SE CH SY TJ TZ TH TL TG TO TT TN TR TM TV
    UG UA AE GB US UY UZ VU VE VN YE ZM ZW
"""
UN_MEMBERS: frozenset[str] = frozenset(_UN_MEMBERS.split())
UN_OBSERVERS: frozenset[str] = frozenset({"VA", "PS"})


def is_valid(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code in upper case, or one of our documented user-assigned ones."""
    return code in USER_ASSIGNED or _iso_name(code) is not None


def name(code: str | None) -> str:
    """An English name for a sentence; the code itself when it is not a known country."""
    if code is None:
        return "an unknown country"
    return _DISPLAY.get(code) or USER_ASSIGNED.get(code) or _iso_name(code) or code


@cache
def _iso_name(code: str) -> str | None:
    if len(code) != 2 or not code.isascii() or not code.isupper():
        return None
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    # common_name is the everyday one ("Iran", "South Korea"); name is formal.
    return str(getattr(country, "common_name", None) or country.name)


def sovereign_states() -> frozenset[str]:
    """UN members and observers: the countries a gap report should account for."""
    return UN_MEMBERS | UN_OBSERVERS
