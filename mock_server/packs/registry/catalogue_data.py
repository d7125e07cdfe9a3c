"""Cars commonly seen on Norwegian roads, 2005-2025, with plausible registry figures.

Figures are typical type-approval values for one common variant of each model; they are meant to be
coherent (weights, powers, consumption and years fit together), not to describe a particular trim.
The table is laid out one model per block and one powertrain per line, so it is kept out of the
formatter's reach.
"""

# fmt: off
from __future__ import annotations

from .catalogue import CarModel, Drive, Factory, FuelKind, Powertrain, Tyre

Make = tuple[str, str, str]  # merke, merkeKode, fabrikantNavn
Years = tuple[int, int]


def _ice(kind: FuelKind, years: Years, code: str, kw: float, cc: int, cylinders: int, gearbox: str,
         curb: int, total: int, trailer: int, vmax: int, co2: int, litres: float) -> Powertrain:
    """Petrol or diesel: (engine code, kW, cm3, cylinders, gearbox, curb/total/braked-trailer kg,
    top speed, CO2 g/km, l/100 km)."""
    return Powertrain(kind, years, code, gearbox, curb, total, trailer, vmax,  # type: ignore[arg-type]
                      engine_kw=kw, displacement_cc=cc, cylinders=cylinders, co2_g_km=co2,
                      litres_100km=litres)


def _ev(years: Years, code: str, kw: float | None, hour_kw: float, curb: int, total: int, trailer: int,
        vmax: int, wh: int, km: int) -> Powertrain:
    """Battery electric: (motor code, peak kW, 30-minute kW, masses, top speed, Wh/km, range km)."""
    return Powertrain("electric", years, code, "A", curb, total, trailer, vmax, motor_kw=kw,
                      motor_hour_kw=hour_kw, energy_wh_km=wh, range_km=km)


def _hev(years: Years, code: str, kw: float, cc: int, cylinders: int, motor_kw: float, hour_kw: float,
         curb: int, total: int, trailer: int, vmax: int, co2: int, litres: float) -> Powertrain:
    """Self-charging hybrid: engine figures, then the electric motor's peak and 30-minute kW."""
    return Powertrain("hybrid", years, code, "A", curb, total, trailer, vmax, engine_kw=kw,
                      displacement_cc=cc, cylinders=cylinders, motor_kw=motor_kw, motor_hour_kw=hour_kw,
                      co2_g_km=co2, litres_100km=litres)


def _phev(years: Years, code: str, kw: float, cc: int, cylinders: int, motor_kw: float, hour_kw: float,
          curb: int, total: int, trailer: int, vmax: int, co2: int, litres: float, wh: int,
          km: int) -> Powertrain:
    """Plug-in hybrid: as _hev, with weighted CO2 and fuel, then Wh/km and electric range."""
    return Powertrain("plug_in_hybrid", years, code, "A", curb, total, trailer, vmax, engine_kw=kw,
                      displacement_cc=cc, cylinders=cylinders, motor_kw=motor_kw, motor_hour_kw=hour_kw,
                      co2_g_km=co2, litres_100km=litres, energy_wh_km=wh, range_km=km)


def _model(make: Make, name: str, type_code: str, body: str, doors: int, seats: int,
           size: tuple[int, int, int], wheelbase: int, track: tuple[int, int], drive: Drive,
           factories: tuple[Factory, ...], descriptor: str, position_9: str | None, tyres: tuple[Tyre, ...],
           approval: tuple[str, str], popularity: int, *powertrains: Powertrain) -> CarModel:
    return CarModel(make[0], make[1], make[2], name, type_code, factories, descriptor, position_9, body,
                    doors, seats, size, wheelbase, track, drive, tyres, approval, popularity, powertrains)


def _one(wmi: str, plant: str) -> tuple[Factory, ...]:
    """A model built in one place throughout."""
    return (Factory(2000, wmi, plant),)


T15 = Tyre("195/65R15", "6JX15", 91, "H", 43)
T15S = Tyre("175/65R15", "5.5JX15", 84, "T", 39)
T16 = Tyre("205/55R16", "6.5JX16", 91, "V", 46)
T17 = Tyre("225/45R17", "7JX17", 91, "W", 49)
T17W = Tyre("215/55R17", "6.5JX17", 94, "V", 41)
T17S = Tyre("225/65R17", "7JX17", 102, "H", 39)
T18 = Tyre("235/45R18", "8JX18", 94, "V", 44)
T18S = Tyre("235/55R18", "7.5JX18", 100, "V", 50)
T19S = Tyre("235/55R19", "7.5JX19", 101, "T", 45)

# Makes as the registry spells them. VOLKSWAGEN, FORD, MITSUBISHI and OPEL carry the merkeKode seen in
# registry answers; the other codes follow the same four-digit form.
VW: Make = ("VOLKSWAGEN", "5750", "VOLKSWAGEN AG")
TESLA: Make = ("TESLA", "5524", "TESLA INC")
TOYOTA: Make = ("TOYOTA", "5465", "TOYOTA MOTOR CORPORATION")
VOLVO: Make = ("VOLVO", "5850", "VOLVO CAR CORPORATION")
SKODA: Make = ("SKODA", "5105", "SKODA AUTO A.S.")
NISSAN: Make = ("NISSAN", "4230", "NISSAN MOTOR CO., LTD")
HYUNDAI: Make = ("HYUNDAI", "2920", "HYUNDAI MOTOR COMPANY")
KIA: Make = ("KIA", "3320", "KIA CORPORATION")
BMW: Make = ("BMW", "1000", "BAYERISCHE MOTOREN WERKE AG")
AUDI: Make = ("AUDI", "0560", "AUDI AG")
FORD: Make = ("FORD", "2600", "FORD-WERKE GMBH")
PEUGEOT: Make = ("PEUGEOT", "4490", "AUTOMOBILES PEUGEOT")
MITSUBISHI: Make = ("MITSUBISHI", "4011", "MITSUBISHI MOTORS CORPORATION")
OPEL: Make = ("OPEL", "4350", "ADAM OPEL AG")

CATALOGUE: tuple[CarModel, ...] = (
    _model(
        VW, "GOLF", "1K", "AC", 5, 5, (4204, 1759, 1479), 2578, (1541, 1514), "front",
        _one("WVW", "W"), "ZZZ1K", "Z", (T15, T16), ("e1", "0242"), 8,
        _ice("petrol", (2005, 2012), "CAXA", 90, 1390, 4, "M", 1271, 1780, 1300, 200, 149, 6.3),
        _ice("diesel", (2008, 2012), "CAYC", 77, 1598, 4, "M", 1314, 1820, 1400, 190, 119, 4.5),
    ),
    _model(
        VW, "GOLF", "AU", "AC", 5, 5, (4258, 1799, 1452), 2637, (1549, 1520), "front",
        _one("WVW", "W"), "ZZZAU", "Z", (T16, T17), ("e1", "0623"), 9,
        _ice("petrol", (2013, 2019), "CZCA", 92, 1395, 4, "M", 1245, 1760, 1400, 204, 116, 5.0),
        _ice("diesel", (2013, 2018), "CRLB", 110, 1968, 4, "A", 1395, 1890, 1600, 216, 109, 4.1),
        _ev((2014, 2020), "EAZ", None, 100.0, 1540, 2020, 0, 150, 127, 300),
    ),
    _model(
        VW, "GOLF", "CD", "AC", 5, 5, (4284, 1789, 1456), 2636, (1543, 1513), "front",
        _one("WVW", "W"), "ZZZCD", "Z", (T16, T17), ("e1", "1883"), 6,
        _ice("petrol", (2020, 2025), "DPCA", 110, 1498, 4, "A", 1360, 1830, 1500, 224, 134, 5.9),
        _phev((2021, 2025), "DGE", 110, 1395, 4, 80, 50, 1624, 2080, 1500, 220, 28, 1.2, 156, 62),
    ),
    _model(
        VW, "ID.3", "E1", "AB", 5, 5, (4261, 1809, 1552), 2770, (1536, 1548), "rear",
        _one("WVW", "Z"), "ZZZE1", "Z", (Tyre("215/55R18", "7.5JX18", 95, "T", 50),), ("e1", "2386"), 7,
        _ev((2020, 2025), "EBJ", 150, 70, 1794, 2260, 1000, 160, 155, 420),
    ),
    _model(
        VW, "ID.4", "E2", "AC", 5, 5, (4584, 1852, 1640), 2765, (1587, 1566), "rear",
        _one("WVG", "Z"), "ZZZE2", "Z", (Tyre("235/60R18", "8JX18", 107, "V", 40),), ("e1", "2425"), 9,
        _ev((2021, 2025), "EBJ", 150, 70, 2049, 2660, 1000, 160, 170, 500),
        _ev((2021, 2025), "EBH", 220, 80, 2224, 2730, 1200, 180, 183, 480),
    ),
    _model(
        VW, "PASSAT", "3C", "AC", 5, 5, (4767, 1832, 1462), 2786, (1586, 1570), "front",
        _one("WVW", "E"), "ZZZ3C", "Z", (T17W, T18), ("e1", "0307"), 8,
        _ice("diesel", (2005, 2014), "CBAB", 103, 1968, 4, "M", 1510, 2090, 1800, 209, 145, 5.5),
        _ice("diesel", (2015, 2023), "DFGA", 110, 1968, 4, "A", 1582, 2170, 2000, 217, 116, 4.4),
        _phev((2015, 2022), "CUK", 115, 1395, 4, 85, 55, 1660, 2250, 1600, 225, 40, 1.8, 132, 50),
    ),
    _model(
        TESLA, "MODEL 3", "3", "AA", 4, 5, (4694, 1849, 1443), 2875, (1580, 1580), "rear",
        (Factory(2019, "5YJ", "F"), Factory(2021, "LRW", "C")), "3E7EK", None,
        (Tyre("235/45R18", "8.5JX18", 98, "W", 40),), ("e4", "0055"), 10,
        _ev((2019, 2025), "3D1", 208, 150, 1745, 2140, 1000, 225, 144, 491),
    ),
    _model(
        TESLA, "MODEL Y", "Y", "AC", 5, 5, (4751, 1921, 1624), 2890, (1636, 1636), "all",
        (Factory(2021, "LRW", "C"), Factory(2022, "XP7", "B")), "YGCEK", None,
        (Tyre("255/45R19", "9.5JX19", 104, "V", 45),), ("e4", "0099"), 10,
        _ev((2021, 2025), "3D3", 220, 120, 1979, 2461, 1600, 217, 168, 533),
    ),
    _model(
        TESLA, "MODEL S", "S", "AB", 5, 5, (4970, 1964, 1445), 2960, (1662, 1700), "rear",
        _one("5YJ", "F"), "SA7E2", None, (Tyre("245/45R19", "8JX19", 102, "Y", 40),), ("e4", "0024"), 3,
        _ev((2013, 2021), "1S", 310, 81, 2108, 2590, 0, 210, 181, 480),
    ),
    _model(
        TOYOTA, "RAV4", "A4", "AC", 5, 5, (4605, 1845, 1675), 2660, (1570, 1570), "all",
        _one("JTM", "D"), "RFREV", None, (T17S,), ("e11", "1149"), 5,
        _ice("diesel", (2013, 2015), "2AD-FTV", 110, 2231, 4, "M", 1660, 2160, 2000, 190, 149, 5.7),
        _hev((2016, 2018), "2AR-FXE", 114, 2494, 4, 105, 30, 1715, 2270, 1650, 180, 118, 5.1),
    ),
    _model(
        TOYOTA, "RAV4", "A5", "AC", 5, 5, (4600, 1855, 1685), 2690, (1600, 1620), "all",
        _one("JTM", "D"), "W43FV", None, (Tyre("225/60R18", "7JX18", 100, "H", 35),), ("e11", "1944"), 7,
        _hev((2019, 2025), "A25A-FXS", 131, 2487, 4, 88, 40, 1735, 2270, 1650, 180, 126, 5.6),
        _phev((2021, 2025), "A25A-FXS", 136, 2487, 4, 134, 48, 1910, 2395, 1500, 180, 22, 1.0, 165, 75),
    ),
    _model(
        TOYOTA, "COROLLA", "E21", "AC", 5, 5, (4650, 1790, 1435), 2700, (1530, 1540), "front",
        _one("SB1", "0"), "Z93BE", None, (T16,), ("e11", "1887"), 6,
        _hev((2019, 2025), "2ZR-FXE", 72, 1798, 4, 53, 20, 1370, 1845, 750, 180, 101, 4.5),
    ),
    _model(
        TOYOTA, "AURIS", "E18", "AB", 5, 5, (4330, 1760, 1475), 2600, (1535, 1525), "front",
        _one("SB1", "0"), "ME56E", None, (T16,), ("e11", "0412"), 4,
        _ice("petrol", (2007, 2018), "1ZR-FAE", 97, 1598, 4, "M", 1250, 1750, 1300, 200, 153, 6.6),
        _hev((2011, 2018), "2ZR-FXE", 73, 1798, 4, 60, 20, 1380, 1805, 0, 180, 91, 3.9),
    ),
    _model(
        TOYOTA, "YARIS", "P13", "AB", 5, 5, (3950, 1695, 1510), 2510, (1470, 1460), "front",
        _one("VNK", "0"), "KC3D3", None, (T15S,), ("e11", "0519"), 5,
        _ice("petrol", (2005, 2019), "1KR-FE", 51, 998, 3, "M", 980, 1420, 0, 155, 110, 4.8),
        _hev((2012, 2025), "1NZ-FXE", 54, 1497, 4, 45, 15, 1085, 1565, 0, 165, 82, 3.6),
    ),
    _model(
        VOLVO, "XC40", "X", "AC", 5, 5, (4425, 1863, 1652), 2702, (1601, 1626), "front",
        _one("YV1", "2"), "XZ16V", None, (T18S,), ("e9", "00203"), 6,
        _ice("petrol", (2018, 2021), "B4204T47", 140, 1969, 4, "A", 1634, 2150, 2100, 210, 159, 7.0),
        _phev((2020, 2023), "B3154T9", 132, 1477, 3, 60, 40, 1811, 2250, 1800, 180, 38, 1.7, 174, 45),
        _ev((2020, 2025), "EAD", 300, 80, 2188, 2650, 1500, 180, 230, 418),
    ),
    _model(
        VOLVO, "XC60", "U", "AC", 5, 5, (4688, 1902, 1658), 2865, (1653, 1657), "all",
        _one("YV1", "2"), "UZA8V", None, (Tyre("235/60R18", "8JX18", 103, "V", 42),), ("e4", "0027"), 6,
        _ice("diesel", (2009, 2019), "D5244T", 120, 2400, 5, "A", 1840, 2430, 2000, 205, 169, 6.4),
        _phev((2018, 2025), "B4204T35", 233, 1969, 4, 65, 35, 2090, 2620, 2100, 180, 49, 2.1, 220, 45),
    ),
    _model(
        VOLVO, "V60", "Z", "AC", 5, 5, (4761, 1850, 1432), 2872, (1610, 1600), "front",
        _one("YV1", "2"), "ZWA8V", None, (Tyre("225/50R17", "7.5JX17", 98, "V", 50),), ("e4", "0030"), 6,
        _ice("diesel", (2011, 2018), "D4204T14", 140, 1969, 4, "A", 1640, 2190, 1800, 225, 117, 4.5),
        _phev((2019, 2025), "B4204T34", 228, 1969, 4, 107, 99, 2009, 2500, 2000, 180, 36, 1.6, 190, 55),
    ),
    _model(
        VOLVO, "V70", "B", "AC", 5, 5, (4823, 1861, 1547), 2816, (1588, 1585), "front",
        _one("YV1", "1"), "BW71V", None, (Tyre("225/55R16", "7JX16", 99, "W", 50),), ("e4", "0014"), 4,
        _ice("diesel", (2005, 2016), "D5244T4", 136, 2400, 5, "A", 1675, 2180, 1800, 215, 166, 6.3),
    ),
    _model(
        SKODA, "OCTAVIA", "1Z", "AC", 5, 5, (4572, 1769, 1468), 2578, (1541, 1514), "front",
        _one("TMB", "0"), "JG41Z", None, (T16,), ("e8", "0150"), 6,
        _ice("diesel", (2005, 2012), "BKC", 77, 1896, 4, "M", 1375, 1950, 1500, 190, 143, 5.4),
    ),
    _model(
        SKODA, "OCTAVIA", "5E", "AC", 5, 5, (4667, 1814, 1465), 2686, (1549, 1520), "front",
        _one("TMB", "0"), "JG9NE", None, (T16,), ("e13", "0443"), 7,
        _ice("diesel", (2013, 2019), "CRKB", 110, 1968, 4, "M", 1367, 1967, 1600, 218, 106, 4.1),
        _ice("petrol", (2013, 2019), "CZEA", 110, 1395, 4, "M", 1247, 1847, 1500, 219, 119, 5.2),
    ),
    _model(
        SKODA, "OCTAVIA", "NX", "AC", 5, 5, (4689, 1829, 1468), 2686, (1541, 1515), "front",
        _one("TMB", "0"), "JC9NX", None, (Tyre("205/55R17", "7JX17", 95, "V", 46),), ("e13", "1776"), 5,
        _ice("diesel", (2020, 2025), "DTUA", 110, 1968, 4, "A", 1512, 2100, 1800, 225, 127, 4.8),
        _phev((2021, 2024), "DGE", 110, 1395, 4, 85, 50, 1657, 2150, 1600, 220, 30, 1.3, 150, 60),
    ),
    _model(
        SKODA, "ENYAQ", "5A", "AC", 5, 5, (4649, 1879, 1616), 2765, (1587, 1566), "rear",
        _one("TMB", "0"), "JC9NY", None, (T19S,), ("e8", "2011"), 7,
        _ev((2021, 2025), "EBJ", 150, 70, 2021, 2540, 1000, 160, 168, 510),
    ),
    _model(
        NISSAN, "LEAF", "ZE0", "AB", 5, 5, (4445, 1770, 1550), 2700, (1540, 1535), "front",
        _one("SJN", "U"), "FAAZE", None, (T16,), ("e11", "0790"), 7,
        _ev((2011, 2017), "EM61", 80, 45, 1520, 1945, 0, 144, 150, 199),
    ),
    _model(
        NISSAN, "LEAF", "ZE1", "AB", 5, 5, (4490, 1791, 1540), 2700, (1540, 1555), "front",
        _one("SJN", "U"), "FAAZ1", None, (Tyre("215/50R17", "6.5JX17", 91, "V", 40),), ("e11", "1633"), 6,
        _ev((2018, 2025), "EM57", 110, 50, 1580, 1995, 0, 144, 170, 270),
    ),
    _model(
        NISSAN, "QASHQAI", "J11", "AC", 5, 5, (4377, 1806, 1595), 2646, (1565, 1560), "front",
        _one("SJN", "U"), "FANJ1", None, (Tyre("215/60R17", "6.5JX17", 96, "H", 40),), ("e11", "0812"), 5,
        _ice("diesel", (2007, 2021), "K9K", 81, 1461, 4, "M", 1395, 1910, 1200, 182, 99, 3.8),
        _ice("petrol", (2014, 2021), "HRA2", 85, 1197, 4, "M", 1300, 1845, 1000, 185, 129, 5.6),
    ),
    _model(
        HYUNDAI, "KONA", "OS", "AC", 5, 5, (4180, 1800, 1570), 2600, (1559, 1568), "front",
        _one("KMH", "U"), "K281H", None, (Tyre("215/55R17", "7JX17", 94, "V", 50),), ("e11", "4911"), 5,
        _ice("petrol", (2018, 2023), "G3LC", 88, 998, 3, "M", 1275, 1780, 1250, 181, 125, 5.4),
        _ev((2019, 2023), "EM16", 150, 100, 1685, 2170, 0, 167, 154, 449),
    ),
    _model(
        HYUNDAI, "IONIQ 5", "NE", "AC", 5, 5, (4635, 1890, 1605), 3000, (1628, 1637), "rear",
        _one("KMH", "U"), "KM81C", None, (T19S,), ("e11", "5123"), 6,
        _ev((2021, 2025), "EM16", 160, 70, 1910, 2430, 1600, 185, 179, 481),
    ),
    _model(
        HYUNDAI, "IONIQ", "AE", "AB", 5, 5, (4470, 1820, 1450), 2700, (1555, 1569), "front",
        _one("KMH", "U"), "C851C", None, (T16,), ("e11", "4560"), 4,
        _ev((2016, 2022), "EM17", 88, 40, 1420, 1880, 0, 165, 115, 280),
        _hev((2016, 2022), "G4LE", 77, 1580, 4, 32, 20, 1370, 1870, 1300, 185, 79, 3.4),
    ),
    _model(
        HYUNDAI, "I30", "PD", "AC", 5, 5, (4585, 1795, 1475), 2650, (1549, 1557), "front",
        _one("TMA", "Z"), "D281C", None, (T16,), ("e11", "3815"), 4,
        _ice("petrol", (2012, 2024), "G4LD", 103, 1353, 4, "M", 1285, 1850, 1400, 203, 124, 5.5),
    ),
    _model(
        KIA, "NIRO", "DE", "AC", 5, 5, (4355, 1805, 1545), 2700, (1555, 1569), "front",
        _one("KNA", "7"), "CC81C", None, (Tyre("205/60R16", "6.5JX16", 92, "H", 50),), ("e11", "4795"), 7,
        _hev((2016, 2022), "G4LE", 77, 1580, 4, 32, 20, 1425, 1930, 1300, 162, 88, 3.8),
        _phev((2017, 2022), "G4LE", 77, 1580, 4, 44.5, 22, 1519, 2000, 1300, 172, 29, 1.3, 105, 49),
        _ev((2019, 2022), "EM17", 150, 100, 1737, 2230, 750, 167, 159, 455),
    ),
    _model(
        KIA, "CEED", "CD", "AC", 5, 5, (4600, 1800, 1465), 2650, (1573, 1581), "front",
        _one("U5Y", "7"), "H551D", None, (T16,), ("e11", "4870"), 4,
        _ice("petrol", (2007, 2024), "G4FJ", 103, 1353, 4, "M", 1298, 1820, 1410, 204, 130, 5.7),
        _ice("diesel", (2010, 2018), "D4FB", 81, 1582, 4, "M", 1390, 1920, 1500, 184, 109, 4.2),
    ),
    _model(
        BMW, "i3", "I01", "AB", 4, 4, (3999, 1775, 1578), 2570, (1571, 1576), "rear",
        _one("WBY", "V"), "1Z210", None, (Tyre("155/70R19", "5JX19", 84, "Q", 43),), ("e1", "1311"), 5,
        _ev((2013, 2022), "IB1P25B", 125, 75, 1270, 1670, 0, 150, 131, 300),
    ),
    _model(
        BMW, "320d Touring", "3K", "AC", 5, 5, (4633, 1811, 1460), 2810, (1543, 1583), "rear",
        _one("WBA", "F"), "8K510", None, (Tyre("225/50R17", "7.5JX17", 94, "W", 30),), ("e1", "0395"), 4,
        _ice("diesel", (2005, 2019), "B47D20A", 140, 1995, 4, "A", 1595, 2145, 1800, 230, 118, 4.5),
    ),
    _model(
        AUDI, "e-tron 55 quattro", "GE", "AC", 5, 5, (4901, 1935, 1629), 2928, (1655, 1651), "all",
        _one("WAU", "B"), "ZZZGE", "Z", (Tyre("255/55R19", "8JX19", 111, "H", 38),), ("e1", "2031"), 5,
        _ev((2019, 2023), "EASA", 300, 95, 2565, 3130, 1800, 200, 236, 417),
    ),
    _model(
        AUDI, "A4 AVANT", "8W", "AC", 5, 5, (4725, 1842, 1434), 2820, (1572, 1555), "front",
        _one("WAU", "N"), "ZZZF4", "Z", (Tyre("225/50R17", "7.5JX17", 98, "W", 35),), ("e1", "1478"), 4,
        _ice("diesel", (2008, 2015), "CAGA", 105, 1968, 4, "M", 1540, 2110, 1800, 215, 134, 5.1),
        _ice("diesel", (2016, 2024), "DETA", 110, 1968, 4, "A", 1555, 2125, 1900, 224, 114, 4.4),
    ),
    _model(
        AUDI, "A3", "8P", "AB", 5, 5, (4292, 1765, 1423), 2578, (1534, 1507), "front",
        _one("WAU", "A"), "ZZZ8P", "Z", (T16,), ("e1", "0219"), 3,
        _ice("petrol", (2005, 2012), "CAXC", 92, 1390, 4, "M", 1250, 1785, 1300, 203, 144, 6.2),
    ),
    _model(
        FORD, "FOCUS", "DYB", "AC", 5, 5, (4556, 1823, 1505), 2648, (1544, 1534), "front",
        _one("WF0", "W"), "XXXGC", "D", (T16,), ("e13", "0289"), 5,
        _ice("petrol", (2005, 2018), "M8DA", 92, 1596, 4, "M", 1300, 1825, 1200, 193, 139, 6.0),
        _ice("diesel", (2011, 2018), "T1DA", 85, 1560, 4, "M", 1380, 1910, 1500, 190, 98, 3.8),
    ),
    _model(
        FORD, "Kuga", "DFK", "AC", 5, 5, (4626, 1882, 1690), 2710, (1596, 1580), "front",
        _one("WF0", "J"), "XXXWP", "G", (T17S,), ("e13", "0356"), 5,
        _phev((2020, 2025), "BGDA", 112, 2488, 4, 80.6, 42.4, 1781, 2320, 1200, 200, 26, 1.2, 157, 56),
    ),
    _model(
        FORD, "Mustang Mach-E", "LSK", "AB", 5, 5, (4713, 1881, 1624), 2984, (1624, 1614), "rear",
        _one("3FM", "M"), "TK3SU", None, (Tyre("225/60R18", "7.5JX18", 100, "H", 45),), ("e13", "2387"), 4,
        _ev((2021, 2025), "S", 273, 124, 2073, 2640, 750, 180, 195, 400),
    ),
    _model(
        PEUGEOT, "208", "U", "AB", 5, 5, (4055, 1745, 1430), 2540, (1478, 1484), "front",
        _one("VF3", "W"), "UHNSZ", None, (Tyre("195/55R16", "6.5JX16", 87, "H", 23),), ("e2", "1892"), 5,
        _ice("petrol", (2012, 2025), "HMZ", 60, 1199, 3, "M", 1090, 1600, 1150, 188, 104, 4.5),
        _ev((2020, 2025), "ZKX", 100, 57, 1530, 1910, 0, 150, 160, 340),
    ),
    _model(
        MITSUBISHI, "OUTLANDER", "GG2W", "AC", 5, 5, (4695, 1800, 1710), 2670, (1540, 1540), "all",
        _one("JMB", "Z"), "XLGG2", None, (Tyre("225/55R18", "7JX18", 98, "H", 38),), ("e1", "0890"), 5,
        _phev((2014, 2021), "4B11", 87, 1998, 4, 60, 25, 1810, 2310, 1500, 170, 42, 1.8, 134, 52),
    ),
    _model(
        OPEL, "ASTRA", "P-J", "AB", 5, 5, (4419, 1814, 1510), 2685, (1544, 1558), "front",
        _one("W0L", "G"), "PD68E", None, (Tyre("205/60R16", "6.5JX16", 92, "H", 39),), ("e1", "0141"), 4,
        _ice("petrol", (2005, 2015), "A14XER", 74, 1398, 4, "M", 1323, 1895, 850, 178, 124, 5.3),
    ),
)
# fmt: on
