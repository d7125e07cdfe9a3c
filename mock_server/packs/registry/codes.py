"""Registry code values (KodeverkType) exactly as Statens vegvesen returns them.

Every code object has the registry's key order and omits what the registry omits (some colours
carry no kodeBeskrivelse). Records built from these constants must be deep-copied before they leave
the generator, because the constants are shared.
"""

from __future__ import annotations

from typing import Any

Code = dict[str, Any]


def code(
    value: str, name: str | None = None, description: str | None = None, type_id: str | None = None
) -> Code:
    """A KodeverkType object; absent parts are left out (the registry never sends null)."""
    result: Code = {}
    if description is not None:
        result["kodeBeskrivelse"] = description
    if name is not None:
        result["kodeNavn"] = name
    if type_id is not None:
        result["kodeTypeId"] = type_id
    result["kodeVerdi"] = value
    result["tidligereKodeVerdi"] = []
    return result


_FUEL = "TEKNISKEDATA.DRIVSTOFFTYPE"
FUEL_PETROL = code("1", "Bensin", "Bensin", _FUEL)
FUEL_DIESEL = code("2", "Diesel", "Diesel", _FUEL)
FUEL_ELECTRIC = code("5", "Elektrisk", "Elektrisk", _FUEL)

_HYBRID = "TEKNISKEDATA.HYBRIDKATEGORI"
HYBRID_NONE = code("INGEN", "Ingen", "Ingen eller ikke relevant", _HYBRID)
HYBRID_PLUG_IN = code("LADBAR", "Ladbar hybrid", "Ladbar hybrid", _HYBRID)
HYBRID_SELF_CHARGING = code("IKKE_LADBAR", "Ikke ladbar hybrid", "Ikke ladbar hybrid", _HYBRID)

_PRINCIPLE = "TEKNISKEDATA.ARBEIDSPRINSIPP"
PRINCIPLE_OTTO = code("OTTO", "Otto", "Otto", _PRINCIPLE)
PRINCIPLE_OTTO_4 = code("OTTO_4_TAKTER", "Otto, 4 takter", " 4 takter\tOtto, 4 takter", _PRINCIPLE)
PRINCIPLE_DIESEL = code("DIESEL", "Diesel", "Diesel", _PRINCIPLE)
PRINCIPLE_DIESEL_4 = code("DIESEL_4_TAKTER", "Diesel, 4 takter", " 4 takter\tDiesel, 4 takter", _PRINCIPLE)
PRINCIPLE_ELECTRIC = code("ELEKTRISK", "Elektrisk", "Elektrisk", _PRINCIPLE)

_GEARBOX = "TEKNISKEDATA.GIRKASSETYPE"
GEARBOX = {"A": code("A", "Automat", "Automat", _GEARBOX), "M": code("M", "Manuell", "Manuell", _GEARBOX)}

CYLINDERS_INLINE = code("REKKE", "Rekke", "Rekke", "TEKNISKEDATA.SYLINDERARRANGEMENT")

_EURO = "TEKNISKEDATA.AVGASSKODE"
EURO_ZERO = code("0", "0-utslipp", "0-utslipp", _EURO)
EURO_4 = code(
    "4L",
    "Euro 4L - 70/220/EØF*2003/76/EF",
    "Euro 4L - 70/220/EØF*2003/76/EF - omfatter også tunge bensin M og N",
    _EURO,
)
EURO_5 = code(
    "5L",
    "Euro 5L - EF 715/2007*EF 459/2012 (med bokstavene A til M)",
    "Euro 5L - EF 715/2007*EF 459/2012 (med bokstavene A til M)",
    _EURO,
)
EURO_6 = code(
    "6L",
    "Euro 6L - EF 715/2007*EF 459/2012 (med bokstavene N til ZC)",
    "Euro 6L - EF 715/2007*EF 459/2012 (med bokstavene N til ZC)",
    _EURO,
)

_METHOD = "MALEMETODETYPE"
METHOD_OTHER = code("ANNEN", "MALEMETODETYPE_ANNEN", "Annen", _METHOD)
METHOD_NEDC = code("NEDC", "MALEMETODETYPE_NEDC", "NEDC (Lette kjøretøy)", _METHOD)
METHOD_WLTP = code("WLTP", "MALEMETODETYPE_WLTP", "WLTP", _METHOD)

NOISE_BY_MANUFACTURER = code("1", "Produsent", "Produsent", "TEKNISKEDATA.KILDE_STOYMALING")

_BODY = "TEKNISKEDATA.KAROSSERITYPE"
BODY_TYPES: dict[str, Code] = {
    "AA": code(
        "AA",
        "Sedan (AA)",
        "Sedan ISO-standard 3833:1977, def. nr. 3.1.1.1, herunder også kjøretøy med flere enn fire "
        "sidevinduer",
        _BODY,
    ),
    "AB": code("AB", "Kombikupé (AB)", "Sedan (AA) med overhengslet dør bak på kjøretøyet", _BODY),
    "AC": code("AC", "Stasjonsvogn (AC)", "Stasjonsvogn ISO-standard 3833:1977, def. nr. 3.1.1.4", _BODY),
}

_PLATE_SIZE = "TEKNISKEDATA.KJENNEMERKESTORRELSE"
PLATE_LARGE_NARROW = code("SS", "Stort smalt", "Stort smalt", _PLATE_SIZE)

_DOORS = "TEKNISKEDATA.PLASSERINGDORER"
DOORS_FOUR_AND_HATCH = code(
    "4_SIDE_1_BAK", "4 sidedører og bakluke/-dør", "4 sidedører og bakluke/-dør", _DOORS
)
DOORS_FOUR = code("4_SIDE", "4 sidedører", "4 sidedører", _DOORS)

_MARKING = "TEKNISKEDATA.PLASSERINGMERKING"
PLATE_ON_B_PILLAR = [
    code("B_STOLPE_VENSTRE", "Stolpe B - Venstre", "B-stolpe venstre", _MARKING),
    code("B_STOLPE_HOYRE", "Stolpe B - Høyre", "B-stolpe høyre", _MARKING),
]
VIN_LOCATIONS = [
    code("MOTORROM_HOYRE", "Motorrom - høyre", "Motorrom - Høyre", _MARKING),
    code("KUPE_GULV_HOYRE", "Kupé - gulv høyre side", "Kupé – gulv høyre side", _MARKING),
    code("MOTORROM", "Motorrom", "Motorrom", _MARKING),
]

TOW_BALL_50MM = code("Kule_50_mm", "Kule, 50 mm", " Kule, 50 mm", "TEKNISKEDATA.HENGERFESTETYPE")

_COLOUR = "TEKNISKEDATA.KAROSSERIFARGE"
# (code, weight): weights follow what Norwegian roads look like, grey, white and black first.
COLOURS: list[tuple[Code, int]] = [
    (code("05", "Grå", None, _COLOUR), 26),
    (code("01", "Hvit", "herunder: Antikkhvit, offwhite", _COLOUR), 22),
    (
        code(
            "06",
            "Svart",
            "herunder: Blåsvart, grafitt mørk, gråsort, koksgrå mørk, koksgrå mørk metallic",
            _COLOUR,
        ),
        18,
    ),
    (code("11", "Sølv", "herunder: Sølv metallic", _COLOUR), 12),
    (code("03", "Blå", None, _COLOUR), 11),
    (code("02", "Rød", "herunder: Burgunder", _COLOUR), 6),
    (code("04", "Grønn", "herunder: Grønngrå, blågrå", _COLOUR), 2),
    (code("08", "Brun", None, _COLOUR), 2),
    (code("09", "Gul", "herunder: Oker, sennep, elfenben", _COLOUR), 1),
]

PLATE_TYPE_ORDINARY = code("ORDINART", "Ordinære kjennemerker", "Sorte tegn på hvit bunn")
USE_PRIVATE = code("EGENTRANSP_ANNEN", "Egentransport", "Annen egentransport.")
STATUS_REGISTERED = code("REGISTRERT", None, "Registrert")
STATUS_DEREGISTERED = code("AVREGISTRERT", None, "Avregistrert")
STATUS_SCRAPPED = code("VRAKET", None, "Vraket")
APPROVAL_COC = code("COC", "COC")
TAX_PASSENGER_CAR = code("101", "Personbil", "Personbil, unntatt ambulanse")
CLASS_M1 = code(
    "M1", "Personbil", "Bil for persontransport med høyst 8 sitteplasser i tillegg til førersetet (Personbil)"
)
SUBCLASS_NONE = code("INGENKODE")
TAX_REQUIREMENT = {
    "kravomrade": code("AVGIFTSKLASSIFISERING_00", None, "Avgiftsklassifisering"),
    "kravoppfyllelse": code("KRAV_1", None, "Forskrift om engangsavgift og avgiftsvedtak"),
}
WEIGHT_REMARK = {
    "merknad": "Egenvekt og nyttelast er veiledende - avhengig av utstyr",
    "merknadtypeKode": "TYPEGODKJENNINGSMERKNAD",
}

# Commercial vehicles (vans and trucks), for the explicit records of a fleet (commercial.py).
CLASS_N1 = code("N1", "Varebil", "Bil for godstransport med tillatt totalvekt ikke over 3 500 kg (Varebil)")
CLASS_N2 = code(
    "N2",
    "Lastebil",
    "Bil for godstransport med tillatt totalvekt over 3 500 kg, ikke over 12 000 kg (Lastebil)",
)
CLASS_N3 = code("N3", "Lastebil", "Bil for godstransport med tillatt totalvekt over 12 000 kg (Lastebil)")
COMMERCIAL_CLASSES = {"N1": CLASS_N1, "N2": CLASS_N2, "N3": CLASS_N3}
TAX_VAN = code("106", "Varebil klasse 2", "Varebil klasse 2")
TAX_TRUCK = code("201", "Lastebil", "Lastebil med tillatt totalvekt over 3 500 kg")
BODY_VAN = code("BB", "Varebil (BB)", "Varebil ISO-standard 3833:1977", "TEKNISKEDATA.KAROSSERITYPE")
BODY_TRUCK = code("BA", "Lastebil (BA)", "Lastebil ISO-standard 3833:1977", "TEKNISKEDATA.KAROSSERITYPE")
