"""tekniskeData of a generated car: axles, tyres, body, environment, drivetrain, seats, towing, weights."""

from __future__ import annotations

from random import Random
from typing import TYPE_CHECKING, Any

from . import codes
from .catalogue import CarModel, Powertrain

if TYPE_CHECKING:
    from .generator import GeneratedCar

Record = dict[str, Any]
DRIVER_KG = 75  # nyttelast is what remains of the total weight after the curb weight and the driver
WLTP_FROM_YEAR = 2019  # the registry reports WLTP figures for cars registered from 2019


def technical_data(car: GeneratedCar, rng: Random) -> Record:
    model, powertrain, year = car.model, car.powertrain, car.first_registered.year
    curb_kg = powertrain.curb_kg + rng.choice((0, 0, 10, 15, 25, 40))
    has_towbar = powertrain.trailer_braked_kg > 0 and rng.random() < 0.4
    return {
        "akslinger": _axles(model, powertrain),
        "bremser": {"abs": True, "tilhengerBremseforbindelse": []},
        "dekkOgFelg": _tyres(model),
        "dimensjoner": {"bredde": model.size_mm[1], "hoyde": model.size_mm[2], "lengde": model.size_mm[0]},
        "generelt": {
            "fabrikant": [{"fabrikantNavn": model.manufacturer}],
            "handelsbetegnelse": [model.name],
            "merke": [{"merke": model.make, "merkeKode": model.make_code}],
            "tekniskKode": codes.CLASS_M1,
            "typebetegnelse": model.type_code,
        },
        "karosseriOgLasteplan": _body(car, rng),
        "miljodata": _environment(powertrain, year),
        "motorOgDrivverk": _drivetrain(powertrain, year),
        "ovrigeTekniskeData": [],
        "persontall": {
            "sitteplassListe": {"sitteplass": [{"beltestrammer": True}]},
            "sitteplasserForan": 2,
            "sitteplasserTotalt": model.seats,
        },
        "tilhengerkopling": {"kopling": [_towbar(rng)] if has_towbar else []},
        "vekter": _weights(powertrain, curb_kg),
    }


def _axles(model: CarModel, powertrain: Powertrain) -> Record:
    front_load = round(powertrain.total_kg * 0.53, -1)
    rear_load = round(powertrain.total_kg * 0.56, -1)

    def group(number: int, load: float, driven: bool, steered: bool) -> Record:
        axle: Record = {"antallHjul": 2}
        if number == 1:
            axle["avstandTilNesteAksling"] = model.wheelbase_mm
        axle |= {
            "drivAksel": driven,
            "id": number,
            "plasseringAksel": str(number),
            "sporvidde": model.track_mm[number - 1],
            "styreAksel": steered,
            "tekniskTillattAkselLast": int(load),
        }
        return {
            "akselListe": {"aksel": [axle]},
            "id": number,
            "plasseringAkselGruppe": str(number),
            "tekniskTillattAkselGruppeLast": int(load),
        }

    return {
        "akselGruppe": [
            group(1, front_load, model.drive in ("front", "all"), True),
            group(2, rear_load, model.drive in ("rear", "all"), False),
        ],
        "antallAksler": 2,
    }


def _tyres(model: CarModel) -> Record:
    def on_axle(axle_id: int, tyre: Any) -> Record:
        return {
            "akselId": axle_id,
            "belastningskodeDekk": str(tyre.load_index + axle_id - 1),
            "dekkdimensjon": tyre.dimension,
            "felgdimensjon": tyre.rim,
            "hastighetskodeDekk": tyre.speed_code,
            "innpress": str(tyre.offset_mm),
            "tvilling": False,
        }

    return {
        "akselDekkOgFelgKombinasjon": [
            {"akselDekkOgFelg": [on_axle(1, tyre), on_axle(2, tyre)]} for tyre in model.tyres
        ]
    }


def _body(car: GeneratedCar, rng: Random) -> Record:
    model = car.model
    if model.position_9 == "Z":  # VW group: the model code sits at positions 7-8
        vin_layout = "??????" + car.vin[6:8] + "?" * 9
    else:
        vin_layout = "???" + car.vin[3:5] + "?" * 12
    return {
        "antallDorer": [model.doors],
        "dorUtforming": [],
        "karosseritype": codes.BODY_TYPES[model.body],
        "kjennemerketypeBak": codes.PLATE_LARGE_NARROW,
        "kjennemerkestorrelseBak": codes.PLATE_LARGE_NARROW,
        "kjennemerketypeForan": codes.PLATE_LARGE_NARROW,
        "kjennemerkestorrelseForan": codes.PLATE_LARGE_NARROW,
        "kjoringSide": "HOYRE",
        "oppbygningUnderstellsnummer": vin_layout,
        "plasseringAvDorer": codes.DOORS_FOUR if model.body == "AA" else codes.DOORS_FOUR_AND_HATCH,
        "plasseringFabrikasjonsplate": list(codes.PLATE_ON_B_PILLAR),
        "plasseringUnderstellsnummer": [rng.choice(codes.VIN_LOCATIONS)],
        "rFarge": [car.colour],
    }


def _environment(powertrain: Powertrain, year: int) -> Record:
    wltp = year >= WLTP_FROM_YEAR
    groups: list[Record] = []
    exhaust = exhaust_emissions(powertrain, year)
    if powertrain.has_engine:
        fuel = codes.FUEL_DIESEL if powertrain.kind == "diesel" else codes.FUEL_PETROL
        groups.append(
            {
                "drivstoffKodeMiljodata": fuel,
                "forbrukOgUtslipp": [_sorted(_fuel_figures(powertrain, wltp) | exhaust)],
                "lyd": {
                    "kjorestoy": 68 if powertrain.kind == "diesel" else 70,
                    "standstoy": 76 if powertrain.kind == "diesel" else 72,
                    "stoyMalingOppgittAv": codes.NOISE_BY_MANUFACTURER,
                    "vedAntallOmdreininger": 3000 if powertrain.kind == "diesel" else 3750,
                },
            }
        )
    if powertrain.has_motor:
        # A WLTP plug-in hybrid repeats the exhaust figures in its electric group, as the registry does.
        shared = exhaust if powertrain.kind == "plug_in_hybrid" and wltp else {}
        electric: Record = {
            "drivstoffKodeMiljodata": codes.FUEL_ELECTRIC,
            "forbrukOgUtslipp": [_sorted(_electric_figures(powertrain, wltp) | shared)],
        }
        if powertrain.kind == "electric":
            electric["lyd"] = (
                {"kjorestoy": 66, "stoyMalingOppgittAv": codes.NOISE_BY_MANUFACTURER} if wltp else {}
            )
        groups.append(electric)
    if powertrain.kind == "electric":
        euro = codes.EURO_ZERO
    else:
        euro = codes.EURO_4 if year < 2011 else codes.EURO_5 if year < 2015 else codes.EURO_6
    return {"euroKlasse": euro, "miljoOgdrivstoffGruppe": groups, "okoInnovasjon": False}


def exhaust_emissions(powertrain: Powertrain, year: int) -> Record:
    """The type-approval exhaust figures (utslipp*, mg/km) of an engine, as real records carry them:
    CO, hydrocarbons and NOx for petrol engines, NOx with HC+NOx for diesels, particles for diesels
    and later petrol engines, a factory particle filter on diesels from 2011 and on petrol engines
    from 2019. Electric cars have none. The same engine and year always give the same figures."""
    if not powertrain.has_engine:
        return {}
    rng = Random(f"{powertrain.engine_code}|{powertrain.kind}|{year >= WLTP_FROM_YEAR}")
    tightened = 0.6 if year >= 2015 else 1.0  # Euro 6 roughly halved the limits
    figures: Record = {"utslippCOmgPrKm": round(rng.uniform(50, 600) * tightened, 1)}
    if powertrain.kind == "diesel":
        nox = round(rng.uniform(20, 160) * tightened, 1)
        figures |= {
            "utslippNOxMgPrKm": nox,
            "utslippTHCogNOxMgPrKm": round(nox + rng.uniform(5, 30), 1),
            "utslippPartikkelAntallPrKm": float(rng.randint(10, 200) * 100_000_000),
            "utslippPartiklerMgPrKm": round(rng.uniform(0.1, 0.8), 2),
        }
        if year >= 2011:
            figures["partikkelfilterFabrikkmontert"] = True
        return figures
    nmhc = round(rng.uniform(5, 30), 1)
    figures |= {
        "utslippNMHCmgPrKm": nmhc,
        "utslippNOxMgPrKm": round(rng.uniform(1, 35), 1),
        "utslippTHCmgPrKm": round(nmhc + rng.uniform(1, 5), 1),
    }
    if year >= 2015:
        figures["utslippPartikkelAntallPrKm"] = float(rng.randint(100, 900) * 1_000_000_000)
        figures["utslippPartiklerMgPrKm"] = round(rng.uniform(0.05, 0.7), 2)
    if year >= WLTP_FROM_YEAR:
        figures["partikkelfilterFabrikkmontert"] = rng.random() < 0.7
    return figures


def _sorted(figures: Record) -> Record:
    """The registry lists these fields in alphabetical order."""
    return dict(sorted(figures.items()))


def _fuel_figures(powertrain: Powertrain, wltp: bool) -> Record:
    co2, litres = powertrain.co2_g_km, powertrain.litres_100km
    if powertrain.kind == "plug_in_hybrid":
        if wltp:
            return {
                "malemetode": codes.METHOD_WLTP,
                "wltpKjoretoyspesifikk": {
                    "co2VektetKombinert": float(co2 or 0),
                    "forbrukVektetKombinert": litres,
                },
            }
        return {
            "malemetode": codes.METHOD_OTHER,
            "vektetKombinertDrivstoff": litres,
            "vektetKombinertDrivstoffCO2": co2,
        }
    if wltp:
        return {
            "malemetode": codes.METHOD_WLTP,
            "wltpKjoretoyspesifikk": {"co2Kombinert": float(co2 or 0), "forbrukKombinert": litres},
        }
    return {
        "co2BlandetKjoring": float(co2 or 0),
        "forbrukBlandetKjoring": litres,
        "malemetode": codes.METHOD_NEDC,
    }


def _electric_figures(powertrain: Powertrain, wltp: bool) -> Record:
    if powertrain.energy_wh_km is None:  # self-charging hybrids report no electric consumption
        return {"malemetode": codes.METHOD_WLTP if wltp else codes.METHOD_OTHER}
    if wltp:
        return {
            "malemetode": codes.METHOD_WLTP,
            "wltpKjoretoyspesifikk": {
                "elEnergiforbruk": powertrain.energy_wh_km,
                "rekkeviddeKmBlandetkjoring": powertrain.range_km,
            },
        }
    return {
        "elEnergiforbruk": powertrain.energy_wh_km,
        "malemetode": codes.METHOD_OTHER,
        "rekkeviddeKm": powertrain.range_km,
    }


def _drivetrain(powertrain: Powertrain, year: int) -> Record:
    hybrid = {
        "plug_in_hybrid": codes.HYBRID_PLUG_IN,
        "hybrid": codes.HYBRID_SELF_CHARGING,
    }.get(powertrain.kind, codes.HYBRID_NONE)
    motors: list[Record] = []
    if powertrain.has_engine:
        motors.append(_engine(powertrain, year))
    if powertrain.has_motor:
        fuel: Record = {"drivstoffKode": codes.FUEL_ELECTRIC, "maksEffektPrTime": powertrain.motor_hour_kw}
        if powertrain.motor_kw is not None:
            fuel["maksNettoEffekt"] = powertrain.motor_kw
        motor: Record = {"arbeidsprinsipp": codes.PRINCIPLE_ELECTRIC, "drivstoff": [fuel]}
        if powertrain.kind == "electric":
            motor["motorKode"] = powertrain.engine_code
        motors.append(motor)
    result: Record = {
        "girkassetype": codes.GEARBOX[powertrain.gearbox],
        "girutvekslingPrGir": [],
        "hybridKategori": hybrid,
        "maksimumHastighet": [powertrain.top_speed],
        "maksimumHastighetMalt": [],
        "motor": motors,
    }
    if powertrain.has_engine:
        result["obd"] = True
    if year >= WLTP_FROM_YEAR and powertrain.kind in ("electric", "plug_in_hybrid"):
        result["utelukkendeElektriskDrift"] = powertrain.kind == "electric"
    return result


def _engine(powertrain: Powertrain, year: int) -> Record:
    diesel = powertrain.kind == "diesel"
    if year >= WLTP_FROM_YEAR:
        principle = codes.PRINCIPLE_DIESEL_4 if diesel else codes.PRINCIPLE_OTTO_4
    else:
        principle = codes.PRINCIPLE_DIESEL if diesel else codes.PRINCIPLE_OTTO
    return {
        "antallSylindre": powertrain.cylinders,
        "arbeidsprinsipp": principle,
        "drivstoff": [
            {
                "drivstoffKode": codes.FUEL_DIESEL if diesel else codes.FUEL_PETROL,
                "maksNettoEffekt": powertrain.engine_kw,
            }
        ],
        "motorKode": powertrain.engine_code,
        "partikkelfilterMotor": diesel and year >= 2011,
        "slagvolum": powertrain.displacement_cc,
        "sylinderArrangement": codes.CYLINDERS_INLINE,
    }


def _towbar(rng: Random) -> Record:
    return {
        "belastningLoddrettMaks": rng.choice((75, 80, 90, 100)),
        "eftype": f"E{rng.choice((4, 11, 13, 20))} 55R-01{rng.randint(0, 9999):04d}",
        "type": codes.TOW_BALL_50MM,
    }


def _weights(powertrain: Powertrain, curb_kg: int) -> Record:
    trailer = powertrain.trailer_braked_kg
    return {
        "egenvekt": curb_kg,
        "egenvektMinimum": powertrain.curb_kg,
        "nyttelast": powertrain.total_kg - curb_kg - DRIVER_KG,
        "tillattTaklast": 100 if powertrain.total_kg >= 2100 else 75,
        "tillattTilhengervektMedBrems": trailer,
        "tillattTilhengervektUtenBrems": min(750, curb_kg // 2) if trailer else 0,
        "tillattTotalvekt": powertrain.total_kg,
        "tillattVertikalKoplingslast": 75 if trailer else 0,
        "tillattVogntogvekt": powertrain.total_kg + trailer if trailer else 0,
        "vogntogvektAvhBremsesystem": [],
    }
