"""Fictional names for synthetic authorities: people, towns, streets and settings.

Names are drawn from pools by heritage so that a child whose home language is Polish usually has
a Polish name, as in a real authority's records. Every e-mail address uses a reserved example
domain (``example.org``, ``example.com``, ``example.net``) so that no generated invitation can
reach a real person.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

EMAIL_DOMAINS: tuple[str, ...] = ("example.org", "example.com", "example.net")
PRACTITIONER_DOMAIN = "example.org"
SETTING_DOMAIN = "example.net"
PARENT_DOMAINS: tuple[str, ...] = ("example.com", "example.net", "example.org")


@dataclass(frozen=True, slots=True)
class Heritage:
    """A pool of given names and surnames that go together."""

    girls: tuple[str, ...]
    boys: tuple[str, ...]
    adults_f: tuple[str, ...]
    adults_m: tuple[str, ...]
    surnames: tuple[str, ...]


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


HERITAGES: dict[str, Heritage] = {
    "english": Heritage(
        girls=_split(
            "Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella "
            "Grace Daisy Sienna Poppy Elsie Emily Ella Evelyn Phoebe Sofia Evie Charlotte "
            "Harper Matilda Ruby Alice Maisie Esme Hallie Millie Luna Orla Bonnie Robyn Nancy"
        ),
        boys=_split(
            "Noah Oliver George Arthur Leo Harry Oscar Archie Henry Theodore Freddie Jack "
            "Charlie Theo Alfie Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac "
            "Teddy Alexander Luca Edward James Joshua Albert Rory Reggie Jude Ronnie Dylan"
        ),
        adults_f=_split(
            "Sarah Emma Laura Rebecca Hannah Gemma Claire Rachel Kelly Lucy Charlotte Amy "
            "Jessica Natalie Victoria Joanne Helen Katie Danielle Stacey Lauren Kirsty Nicola "
            "Louise Zoe Jenna Leanne Hayley Megan Bethany Carly Abigail"
        ),
        adults_m=_split(
            "James David Daniel Thomas Matthew Christopher Andrew Michael Mark Paul Richard "
            "Ben Craig Adam Lee Scott Jamie Ryan Liam Nathan Gareth Stuart Dean Luke Kieran"
        ),
        surnames=_split(
            "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
            "Evans Walker White Roberts Green Hall Wood Jackson Clarke Harris Lewis Hughes "
            "Turner Hill Cooper Ward Morris Moore Clark Baker Harrison Morgan Patel Young "
            "Allen Mitchell Bell Kelly Watson Carter Marshall Dixon Holmes Pearson Shaw "
            "Fletcher Barker Lloyd Gibson Chapman Hunt Mason Ellis Webb Rowe Fox Lowe Pickering "
            "Ashworth Holloway Brindley Catterall Dunmore Fairclough Hargreaves Kershaw Lumb"
        ),
    ),
    "polish": Heritage(
        girls=_split("Zuzanna Zofia Hanna Julia Maja Lena Alicja Oliwia Laura Pola Antonina"),
        boys=_split("Jakub Antoni Jan Szymon Franciszek Filip Aleksander Mikolaj Wojciech Kacper"),
        adults_f=_split("Agnieszka Katarzyna Magdalena Monika Joanna Anna Ewelina Justyna Marta"),
        adults_m=_split("Piotr Tomasz Pawel Marcin Lukasz Krzysztof Michal Grzegorz Adam"),
        surnames=_split(
            "Nowak Wojcik Kowalczyk Wozniak Mazur Krawczyk Kaczmarek Zajac Krol Wrobel "
            "Pawlak Michalak Dudek Sikora Baran Szewczyk Kubiak Pietrzak"
        ),
    ),
    "romanian": Heritage(
        girls=_split("Maria Ioana Andreea Elena Sofia Daria Alexia Bianca Ilinca Irina"),
        boys=_split("Andrei Stefan Luca Matei David Mihai Darius Tudor Vlad Ionut"),
        adults_f=_split("Alina Cristina Mihaela Raluca Simona Gabriela Roxana Oana"),
        adults_m=_split("Florin Adrian Bogdan Marius Cosmin Razvan Sorin Catalin"),
        surnames=_split(
            "Popescu Ionescu Popa Dumitru Stan Stoica Gheorghe Matei Ciobanu Rusu Munteanu "
            "Constantin Moldovan Lungu Marin Tudose"
        ),
    ),
    "south_asian": Heritage(
        girls=_split("Aisha Amira Inaya Zara Hafsa Maryam Anaya Aleena Eshal Safa Simran Priya"),
        boys=_split("Muhammad Ayaan Zayn Ibrahim Yusuf Hamza Rayyan Arjun Aarav Eesa Harvir Dev"),
        adults_f=_split("Nadia Saima Farzana Shazia Rukhsana Parveen Harpreet Sunita Nasreen"),
        adults_m=_split("Imran Tariq Asif Shahid Kamran Rajesh Gurpreet Sandeep Faisal Javed"),
        surnames=_split(
            "Khan Hussain Ahmed Akhtar Iqbal Begum Ali Rahman Chowdhury Miah Uddin Islam "
            "Bibi Mahmood Rashid Sandhu Gill Dhillon Sidhu Kaur Singh Bains Mistry Sharma"
        ),
    ),
    "somali": Heritage(
        girls=_split("Hodan Ayan Sagal Hamdi Ifrah Najma Saynab Ubah Fartun Deeqa"),
        boys=_split("Abdirahman Mohamed Abdullahi Hassan Mustafe Liban Khalid Bilal Yahye"),
        adults_f=_split("Fadumo Halima Khadra Asha Sahra Nimco Ladan Hibo"),
        adults_m=_split("Abdi Ahmed Omar Yusuf Ismail Farah Mahad Guled"),
        surnames=_split("Farah Warsame Abdi Jama Hirsi Osman Aden Nur Ali Egal Duale Samatar"),
    ),
    "arabic": Heritage(
        girls=_split("Layla Noor Mariam Salma Yasmin Lina Rania Jana Dana Huda"),
        boys=_split("Omar Adam Karim Sami Zaid Ali Tariq Amir Khalil Rami"),
        adults_f=_split("Rana Dalia Samira Mona Hanan Reem Amal Nour"),
        adults_m=_split("Ahmad Mahmoud Khaled Walid Samir Hassan Bassam Ziad"),
        surnames=_split("Haddad Khoury Saleh Nasser Darwish Mansour Hamdan Aziz Barakat Qasim"),
    ),
    "west_african": Heritage(
        girls=_split("Adaeze Chioma Amara Temi Ife Kemi Zainab Ada Esi Abena"),
        boys=_split("Chidi Tobi Emeka Femi Kwame Kofi Dayo Ayo Tunde Sola"),
        adults_f=_split("Ngozi Funmilayo Folake Yetunde Adwoa Akosua Bisi Nkechi"),
        adults_m=_split("Oluwaseun Babatunde Chinedu Kwabena Segun Obinna Kayode"),
        surnames=_split(
            "Okafor Adeyemi Okonkwo Mensah Owusu Adebayo Eze Nwosu Boateng Asante Olawale"
        ),
    ),
    "portuguese": Heritage(
        girls=_split("Beatriz Leonor Matilde Carolina Mariana Ines Laura"),
        boys=_split("Santiago Tomas Rodrigo Martim Goncalo Duarte Miguel"),
        adults_f=_split("Ana Catarina Sofia Patricia Rita Joana"),
        adults_m=_split("Joao Pedro Ricardo Nuno Tiago Bruno"),
        surnames=_split("Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Sousa"),
    ),
    "turkish": Heritage(
        girls=_split("Elif Zeynep Defne Ecrin Asel Nehir"),
        boys=_split("Yusuf Eymen Mustafa Emir Kerem Aras"),
        adults_f=_split("Ayse Fatma Emine Hatice Derya Gul"),
        adults_m=_split("Mehmet Ahmet Murat Emre Hakan Serkan"),
        surnames=_split("Yilmaz Kaya Demir Sahin Celik Yildiz Aydin Ozturk Arslan"),
    ),
    "chinese": Heritage(
        girls=_split("Mei Yan Xinyi Ruoxi Hui Lin"),
        boys=_split("Hao Yichen Zihan Jun Wei Ming"),
        adults_f=_split("Li Xiu Ying Fang Jing"),
        adults_m=_split("Jian Qiang Lei Tao Bo"),
        surnames=_split("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou"),
    ),
    "caribbean": Heritage(
        girls=_split("Aaliyah Kiara Nia Imani Jada Tianna"),
        boys=_split("Tyrese Malachi Jayden Kai Nathaniel Josiah"),
        adults_f=_split("Marcia Paulette Sharon Keisha Andrea"),
        adults_m=_split("Winston Delroy Marcus Errol Dwayne"),
        surnames=_split("Campbell Brown Williams Francis Grant Bailey Reid Forbes Thompson"),
    ),
}

LANGUAGE_HERITAGE: dict[str, str] = {
    "English": "english",
    "Polish": "polish",
    "Romanian": "romanian",
    "Urdu": "south_asian",
    "Punjabi": "south_asian",
    "Bengali": "south_asian",
    "Gujarati": "south_asian",
    "Somali": "somali",
    "Arabic": "arabic",
    "Yoruba": "west_african",
    "Twi": "west_african",
    "Portuguese": "portuguese",
    "Turkish": "turkish",
    "Mandarin": "chinese",
}
"""Which name pool a family speaking a language draws from."""

COMMUNITY_LANGUAGES: tuple[tuple[str, float], ...] = (
    ("Polish", 3.0),
    ("Urdu", 3.0),
    ("Bengali", 2.0),
    ("Punjabi", 2.0),
    ("Romanian", 2.0),
    ("Somali", 1.5),
    ("Arabic", 1.5),
    ("Gujarati", 1.0),
    ("Portuguese", 1.0),
    ("Turkish", 1.0),
    ("Yoruba", 0.5),
    ("Twi", 0.5),
    ("Mandarin", 0.5),
)
"""Home languages other than English, weighted by how common they are in English towns."""

# English-speaking families come from every heritage, most from the English pool.
ENGLISH_SPEAKER_HERITAGES: tuple[tuple[str, float], ...] = (
    ("english", 0.78),
    ("south_asian", 0.08),
    ("caribbean", 0.05),
    ("west_african", 0.04),
    ("chinese", 0.02),
    ("arabic", 0.01),
    ("polish", 0.02),
)

TOWN_NAMES: tuple[str, ...] = _split(
    "Ashmere Brackenbury Thornwick Hollingford Kestlebridge Marlow-on-Heath Wrenfield "
    "Oakhurst Dunsford Fellbrook Hadleigh-Cross Larchmont Millbury Pennock Rushmere "
    "Stavebridge Tillingham Wexcombe Yarrowby Caldermoor"
)

STREETS: tuple[str, ...] = (
    "High Street",
    "Church Lane",
    "Station Road",
    "Mill Lane",
    "Victoria Road",
    "Park Avenue",
    "Chapel Street",
    "Queen Street",
    "The Green",
    "Orchard Way",
    "Meadow Close",
    "Brook Street",
    "Market Place",
    "Elm Grove",
    "Willow Crescent",
    "Albert Road",
    "School Lane",
    "King Street",
    "Beech Drive",
    "Manor Road",
    "Bridge Street",
    "Hawthorn Avenue",
    "Cedar Close",
    "Sycamore Road",
    "Fern Lane",
    "Canal Side",
    "Priory Walk",
    "Cherry Tree Road",
    "Castle Street",
    "Rectory Lane",
)

AREAS: tuple[str, ...] = (
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Riverside",
    "Hillside",
    "Parkside",
    "Old Town",
    "Brookside",
)

NURSERY_WORDS: tuple[str, ...] = (
    "Little Acorns",
    "Bluebell",
    "Little Wrens",
    "Hedgehogs",
    "Willow Den",
    "Puddle Ducks",
    "Sunflowers",
    "Tiny Steps",
    "Rainbow",
    "Stepping Stones",
    "Apple Tree",
    "Butterflies",
    "Owlets",
    "Ladybirds",
    "Treetops",
    "Honeypot",
    "Little Explorers",
    "Starfish",
    "Kingfishers",
    "Daisy Chain",
    "Conker Tree",
    "Bumblebees",
    "Meadow View",
    "Little Foxes",
    "Toadstool",
    "Robins",
    "Busy Fingers",
    "Jellytots",
    "Cosy Corner",
    "Oak Tree",
)

NURSERY_KINDS: tuple[str, ...] = (
    "Day Nursery",
    "Nursery",
    "Pre-school",
    "Playgroup",
    "Nursery & Pre-school",
)


def pick_heritage_for_language(rng: random.Random, language: str) -> str:
    """The name pool of a family whose home language is ``language``."""
    if language == "English":
        names = [h for h, _ in ENGLISH_SPEAKER_HERITAGES]
        weights = [w for _, w in ENGLISH_SPEAKER_HERITAGES]
        return rng.choices(names, weights)[0]
    return LANGUAGE_HERITAGE.get(language, "english")


def child_first_name(rng: random.Random, heritage: str) -> str:
    pool = HERITAGES[heritage]
    return rng.choice(pool.girls if rng.random() < 0.5 else pool.boys)


def adult_first_name(rng: random.Random, heritage: str, female_share: float = 0.5) -> str:
    pool = HERITAGES[heritage]
    return rng.choice(pool.adults_f if rng.random() < female_share else pool.adults_m)


def surname(rng: random.Random, heritage: str) -> str:
    return rng.choice(HERITAGES[heritage].surnames)


def adult_name(rng: random.Random, female_share: float = 0.5) -> str:
    """A workforce name: mostly English heritage, with the diversity of an English town."""
    names = [h for h, _ in ENGLISH_SPEAKER_HERITAGES] + ["polish", "romanian", "somali"]
    weights = [w for _, w in ENGLISH_SPEAKER_HERITAGES] + [0.03, 0.01, 0.01]
    heritage = rng.choices(names, weights)[0]
    return f"{adult_first_name(rng, heritage, female_share)} {surname(rng, heritage)}"


def slug(text: str) -> str:
    """Lower-case ASCII words joined by ``.``, for the local part of an e-mail address."""
    return re.sub(r"[^a-z0-9]+", ".", text.lower()).strip(".")


class EmailBook:
    """Hands out unique addresses: ``jo.bloggs@…``, then ``jo.bloggs2@…`` and so on."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def address(self, local: str, domain: str) -> str:
        base = slug(local) or "contact"
        candidate = f"{base}@{domain}"
        n = 1
        while candidate in self._used:
            n += 1
            candidate = f"{base}{n}@{domain}"
        self._used.add(candidate)
        return candidate
