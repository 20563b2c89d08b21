"""Name pools for the synthetic demo program: diverse, with accents, apostrophes and spaces.

Names are drawn within one heritage group so that given and family names fit together.
The weights are a rough picture of a US urban program, not a statistic: they exist to
exercise search (accents, typos, "de la Cruz", "O'Brien") and the duplicate warning.
Every name here is invented as a combination; any match with a real person is chance.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Heritage:
    key: str
    weight: float
    female: tuple[str, ...]
    male: tuple[str, ...]
    family: tuple[str, ...]
    # (language, share of people in this group who prefer it over English)
    language: tuple[str, float] = ("English", 0.0)


HERITAGES: tuple[Heritage, ...] = (
    Heritage(
        "general",
        0.42,
        female=(
            "Ashley",
            "Jessica",
            "Amanda",
            "Brittany",
            "Sarah",
            "Jennifer",
            "Heather",
            "Nicole",
            "Stephanie",
            "Kayla",
            "Megan",
            "Rebecca",
            "Danielle",
            "Crystal",
            "Amber",
            "Samantha",
            "Courtney",
            "Lindsey",
            "Rachel",
            "Katie",
            "Zoë",
            "Renée",
            "Holly",
            "Tara",
        ),
        male=(
            "James",
            "Michael",
            "Christopher",
            "Joshua",
            "Matthew",
            "Daniel",
            "Anthony",
            "Brandon",
            "Tyler",
            "Justin",
            "Cody",
            "Dustin",
            "Travis",
            "Kyle",
            "Ryan",
            "Robert",
            "William",
            "Joseph",
            "Steven",
            "Jeremy",
            "Bryce",
            "Shane",
            "Derek",
            "Nathan",
        ),
        family=(
            "Smith",
            "Johnson",
            "Williams",
            "Brown",
            "Miller",
            "Davis",
            "Wilson",
            "Moore",
            "Taylor",
            "Anderson",
            "Thomas",
            "White",
            "Harris",
            "Martin",
            "Thompson",
            "Clark",
            "Lewis",
            "Walker",
            "Hall",
            "Young",
            "Allen",
            "King",
            "Wright",
            "Scott",
            "Green",
            "Baker",
            "Adams",
            "Nelson",
            "Hill",
            "Campbell",
            "Mitchell",
            "Carter",
            "Phillips",
            "Evans",
            "Turner",
            "Parker",
            "Collins",
            "Edwards",
            "Stewart",
            "Morris",
            "Cook",
            "Rogers",
            "Morgan",
            "Cooper",
            "Peterson",
            "Reed",
            "Bailey",
            "Kelly",
            "Howard",
            "Ward",
            "Cox",
            "Brooks",
            "Bennett",
            "Gray",
            "Hughes",
            "Price",
            "Sanders",
            "Myers",
            "Foster",
            "St. John",
            "Van Dyke",
        ),
    ),
    Heritage(
        "hispanic",
        0.22,
        female=(
            "María",
            "Guadalupe",
            "Inés",
            "Lucía",
            "Sofía",
            "Ximena",
            "Yesenia",
            "Ana",
            "Rocío",
            "Marisol",
            "Verónica",
            "Beatriz",
            "Leticia",
            "Araceli",
            "Mónica",
            "Daniela",
            "Ángela",
        ),
        male=(
            "José",
            "Jesús",
            "Luis",
            "Carlos",
            "Raúl",
            "Ramón",
            "Andrés",
            "Héctor",
            "Juan Carlos",
            "Miguel",
            "Alejandro",
            "Joaquín",
            "Rubén",
            "Óscar",
            "Martín",
            "Sebastián",
            "Efraín",
        ),
        family=(
            "García",
            "Rodríguez",
            "Martínez",
            "Hernández",
            "López",
            "González",
            "Pérez",
            "Sánchez",
            "Ramírez",
            "Torres",
            "Flores",
            "Rivera",
            "Gómez",
            "Díaz",
            "Muñoz",
            "Peña",
            "Núñez",
            "Álvarez",
            "Castillo",
            "Ortiz",
            "Mendoza",
            "Vásquez",
            "de la Cruz",
            "Ibáñez",
            "Beltrán",
        ),
        language=("Spanish", 0.3),
    ),
    Heritage(
        "african_american",
        0.15,
        female=(
            "Aaliyah",
            "Imani",
            "Keisha",
            "Tamika",
            "Ebony",
            "Latoya",
            "Shanice",
            "Jasmine",
            "Destiny",
            "Monique",
            "Deja",
            "Tiana",
        ),
        male=(
            "DeShawn",
            "Jamal",
            "Darnell",
            "Malik",
            "Tyrone",
            "Andre",
            "Marcus",
            "Terrence",
            "Jalen",
            "Darius",
            "Reginald",
            "Cedric",
        ),
        family=(
            "Washington",
            "Jefferson",
            "Jackson",
            "Robinson",
            "Johnson",
            "Williams",
            "Brown",
            "Jones",
            "Harris",
            "Banks",
            "Freeman",
            "Mack",
            "Booker",
            "Gaines",
            "Dawson",
            "Holloway",
            "McCoy",
            "Simmons",
        ),
    ),
    Heritage(
        "vietnamese",
        0.04,
        female=("Linh", "Mai", "Hương", "Thảo", "Ngọc", "Trang", "Phương"),
        male=("Minh", "Tuấn", "Dũng", "Huy", "Khoa", "Quang", "Bảo"),
        family=("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Võ", "Đặng", "Bùi"),
        language=("Vietnamese", 0.4),
    ),
    Heritage(
        "irish",
        0.05,
        female=("Siobhán", "Aoife", "Niamh", "Bridget", "Maeve", "Caitlin"),
        male=("Seán", "Ciarán", "Liam", "Patrick", "Declan", "Eoin"),
        family=(
            "O'Brien",
            "O'Connor",
            "McCarthy",
            "Murphy",
            "Kelly",
            "Sullivan",
            "Byrne",
            "Ó Súilleabháin",
        ),
    ),
    Heritage(
        "eastern_european",
        0.04,
        female=("Katarzyna", "Małgorzata", "Agnieszka", "Olga", "Natalia", "Zuzana"),
        male=("Tomasz", "Wojciech", "Dmitri", "Nikolai", "Paweł", "Jiří"),
        family=(
            "Kowalski",
            "Nowak",
            "Wiśniewski",
            "Ivanov",
            "Petrov",
            "Dvořák",
            "Kozłowski",
            "Shevchenko",
        ),
        language=("Polish", 0.15),
    ),
    Heritage(
        "west_african",
        0.02,
        female=("Ngozi", "Chiamaka", "Abena", "Adaeze", "Folake"),
        male=("Kwame", "Chukwuemeka", "Kofi", "Oluwaseun", "Emeka"),
        family=("Okonkwo", "Adeyemi", "Mensah", "Okafor", "Boateng", "Eze"),
    ),
    Heritage(
        "arab",
        0.02,
        female=("Fatima", "Amira", "Layla", "Nour", "Yasmin"),
        male=("Omar", "Mohammed", "Khalid", "Youssef", "Tariq"),
        family=("Haddad", "Khoury", "Al-Sayed", "Nasser", "Mansour", "Saleh"),
        language=("Arabic", 0.3),
    ),
    Heritage(
        "native_american",
        0.02,
        female=("Winona", "Dakota", "Shawna", "Tallulah", "Cheyenne"),
        male=("Hoskie", "Tahoma", "Dakota", "Wyatt", "Nakai"),
        family=("Begay", "Yazzie", "Tsosie", "Running Bear", "Whitehorse", "Benally"),
    ),
    Heritage(
        "european_other",
        0.02,
        female=("Chloé", "Céline", "Ingrid", "Søs", "Annelie"),
        male=("François", "André", "René", "Björn", "Søren", "Jürgen"),
        family=("Lefèvre", "Dubois", "Müller", "Schäfer", "Øberg", "Søndergaard", "Lindqvist"),
    ),
    Heritage(
        "east_south_asian",
        0.02,
        female=("Priya", "Ananya", "Mei", "Ji-woo", "Hana"),
        male=("Ravi", "Arjun", "Tenzin", "Wei", "Min-jun"),
        family=("Patel", "Shah", "Kim", "Park", "Chen", "Wang", "Gurung"),
    ),
)

# Legal name -> the name people actually use, for the preferred-name field.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Robert": ("Bobby", "Rob"),
    "William": ("Will", "Billy"),
    "Joseph": ("Joe", "Joey"),
    "Christopher": ("Chris",),
    "Michael": ("Mike",),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Daniel": ("Danny",),
    "Jennifer": ("Jen",),
    "Rebecca": ("Becca",),
    "Samantha": ("Sam",),
    "Stephanie": ("Steph",),
    "Katarzyna": ("Kasia",),
    "Małgorzata": ("Gosia",),
    "Guadalupe": ("Lupe",),
    "Jesús": ("Chuy",),
    "Alejandro": ("Alex",),
    "Chukwuemeka": ("Emeka",),
    "Oluwaseun": ("Seun",),
    "Patrick": ("Paddy",),
    "Dmitri": ("Dima",),
    "Nikolai": ("Kolya",),
}

RELATIONSHIPS = (
    "Mother",
    "Father",
    "Sister",
    "Brother",
    "Partner",
    "Spouse",
    "Aunt",
    "Friend",
    "Grandmother",
    "Sponsor",
    "Daughter",
    "Cousin",
)

STREETS = (
    "Water Street",
    "Harbor Road",
    "Elm Street",
    "Maple Avenue",
    "Front Street",
    "Mill Lane",
    "Church Street",
    "Union Avenue",
    "Bridge Street",
    "Lakeview Drive",
    "Pine Street",
    "Oak Court",
    "Washington Avenue",
    "Ridge Road",
    "Spring Street",
    "Cedar Lane",
    "Market Street",
    "Railroad Avenue",
    "Hillside Terrace",
    "Canal Street",
)


@dataclass(frozen=True)
class PersonName:
    given: str
    family: str
    preferred: str
    language: str
    heritage: str


def _weighted_heritage(rng: random.Random) -> Heritage:
    return rng.choices(HERITAGES, weights=[h.weight for h in HERITAGES])[0]


def draw_name(rng: random.Random, sex: str) -> PersonName:
    heritage = _weighted_heritage(rng)
    pool = heritage.female if sex == "female" else heritage.male
    if sex not in ("female", "male"):
        pool = heritage.female + heritage.male
    given = rng.choice(pool)
    family = rng.choice(heritage.family)
    # Some families carry two surnames ("García López"), as many Hispanic patients do.
    if heritage.key == "hispanic" and rng.random() < 0.15:
        second = rng.choice(heritage.family)
        if second != family:
            family = f"{family} {second}"
    preferred = ""
    if given in NICKNAMES and rng.random() < 0.5:
        preferred = rng.choice(NICKNAMES[given])
    language_name, share = heritage.language
    language = language_name if rng.random() < share else "English"
    return PersonName(
        given=given, family=family, preferred=preferred, language=language, heritage=heritage.key
    )


def draw_contact_name(rng: random.Random) -> str:
    heritage = _weighted_heritage(rng)
    return f"{rng.choice(heritage.female + heritage.male)} {rng.choice(heritage.family)}"
