"""Executive bodies of local self-government and their official names in Kyrgyz, Russian and English.

Law "On local self-government" (2021): the executive body of an aiyl aimak is its aiyl okmotu (айыл өкмөтү),
that of a city its mayor's office (мэрия), of a Bishkek district its administration. These bodies issue
certificates from the household book and sign them.

A Kyrgyz document names the body in Kyrgyz ("Ак-Булуң айыл өкмөтү"): from the unit's Kyrgyz name where the
reference data has one ("Ак-Булуң айыл аймагы"); otherwise `body_names` derives the Kyrgyz toponym from SOATE's
Russian adjective by the regular correspondences (Дж → Ж, Кок- → Көк-, -инский → -а, …). Either is a default that
admins correct where a place has its own spelling (Administration → Signing certificates, the names)."""
import re

from app.territory_kinds import AIYL_AIMAK, CITY_DISTRICT

# Russian renderings of Kyrgyz morphemes (whole hyphen-separated parts), back to Kyrgyz spelling
_MORPHEMES = {
    "Кок": "Көк", "Кек": "Көк", "Уч": "Үч", "Терт": "Төрт", "Чон": "Чоң", "Мин": "Миң", "Джаны": "Жаңы",
    "Жаны": "Жаңы", "Кюн": "Күн", "Кель": "Көл", "Куль": "Көл", "Кол": "Көл", "Гюль": "Гүл", "Тюп": "Түп",
    "Добо": "Дөбө", "Дебе": "Дөбө", "Тюбе": "Төбө", "Бель": "Бел", "Юрт": "Үрт", "Ункюр": "Үңкүр",
    "Озгорюш": "Өзгөрүш", "Озгоруш": "Өзгөрүш", "Тоо": "Тоо", "Моюн": "Мойун", "Кумыр": "Көмүр",
}
_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяңөү",
                  ["a", "b", "v", "g", "d", "e", "yo", "j", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                   "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "ng", "o", "u"]))


def latin(text):
    """A plain transliteration of a Kyrgyz name for the English form (Kyrgyz Republic passport style)."""
    out = []
    for char in text:
        low = char.lower()
        if low in _LATIN:
            value = _LATIN[low]
            out.append(value.capitalize() if char != low and value else value)
        else:
            out.append(char)
    return "".join(out)


def _kyrgyz_spelling(name):
    name = name.replace("Дж", "Ж").replace("дж", "ж")
    parts = re.split(r"(\s*-\s*|\s+)", name)
    return "".join(_MORPHEMES.get(part, part) for part in parts).replace(" - ", "-")


def toponym_from_adjective(adjective):
    """'Ак-Булунский' → 'Ак-Булун', 'Ала-Букинский' → 'Ала-Бука', 'Суу-Башынский' → 'Суу-Башы',
    'Кум-Бельский' → 'Кум-Бел' (Kyrgyz spelling restored for the parts that have a regular one)."""
    words = adjective.split(" ")
    last = words[-1]
    for ending, replacement in (("инский", "а"), ("ынский", "ы"), ("янский", "я"), ("льский", "л"),
                                ("ский", ""), ("цкий", "ц")):
        if last.endswith(ending) and len(last) > len(ending) + 1:
            last = last[: -len(ending)] + replacement
            break
    return _kyrgyz_spelling(" ".join(words[:-1] + [last]))


def _genitive_ru(phrase):
    """Genitive of a Russian 'adjective + noun' territorial name: 'Ак-Булунский айылный аймак' →
    'Ак-Булунского айылного аймака', 'Ленинский район' → 'Ленинского района'."""
    words = []
    for word in phrase.split(" "):
        if re.search(r"[сц]кий$", word):
            word = word[:-2] + "ого"
        elif word.endswith("ный"):
            word = word[:-2] + "ого"
        elif word in ("аймак", "район"):
            word += "а"
        words.append(word)
    return " ".join(words)


def _nominative_ru(word):
    """A person's name from the Russian genitive: 'Зулпуева' → 'Зулпуев', 'Токтомата' → 'Токтомат',
    'Крупской' → 'Крупская'."""
    if word.endswith("ой") and len(word) > 4:
        return word[:-2] + "ая" if word.endswith("ской") else word[:-2] + "а"
    if re.search(r"(ов|ев|ин)а$", word) or re.search(r"[бвгджзклмнпрстфхцчшщ]а$", word):
        return word[:-1]
    return word


def body_names_ru(name_ru):
    match = re.fullmatch(r"(?:(.+?)\s+)?айылный аймак(?:\s+(.+))?", name_ru, flags=re.IGNORECASE)
    before, after = (match.group(1), match.group(2)) if match else (None, name_ru)
    return "Айыл окмоту " + (_genitive_ru(f"{before} айылный аймак") if before else "айылного аймака") + \
        (f" {after}" if after else "")


def body_names(territory):
    """{'ky': …, 'ru': …, 'en': …}: the official name of the executive body of `territory` (an aiyl aimak or a
    city), e.g. 'Ак-Булун айыл өкмөтү' / 'Айыл окмоту Ак-Булунского айылного аймака' / 'Ak-Bulun aiyl okmotu'."""
    name_ru = (territory.name_ru or "").strip()
    kind = territory.kind
    if kind == AIYL_AIMAK and (territory.name_ky or "").endswith(" айыл аймагы"):
        # the unit's own Kyrgyz name (reference data) wins over the derived one
        stem = territory.name_ky[: -len(" айыл аймагы")]
        en = re.sub(r"\s+aiyl aimak$", "", territory.name_en or "") or latin(stem)
        return {"ky": f"{stem} айыл өкмөтү", "ru": body_names_ru(name_ru), "en": f"{en} aiyl okmotu"}
    if kind == AIYL_AIMAK:
        match = re.fullmatch(r"(?:(.+?)\s+)?айылный аймак(?:\s+(.+))?", name_ru, flags=re.IGNORECASE)
        before, after = (match.group(1), match.group(2)) if match else (None, name_ru)
        stem = None
        if before:
            stem = toponym_from_adjective(before) if before.endswith(("ский", "цкий")) else _kyrgyz_spelling(before)
        honoured = re.match(r"(?:им\.|имени)\s*(.+)", after or "")
        if honoured:  # "… имени К.Белекбаева": "К.Белекбаев атындагы …" (Kyrgyz names the person in the nominative)
            person = " ".join(_nominative_ru(word) for word in honoured.group(1).split(" "))
            ky = f"{person} атындагы {stem + ' ' if stem else ''}айыл өкмөтү"
            en = f"{latin(stem) + ' ' if stem else ''}aiyl okmotu named after {latin(person)}"
        else:
            place = " ".join(p for p in (stem, after) if p)
            ky, en = f"{place} айыл өкмөтү", f"{latin(place)} aiyl okmotu"
        return {"ky": ky, "ru": body_names_ru(name_ru), "en": en}
    if kind == CITY_DISTRICT:
        ky = territory.name_ky or _kyrgyz_spelling(re.sub(r"ский район$", " району", name_ru))
        ky = re.sub(r"району$", "районунун", ky)
        en = re.sub(r"\s*\(.*\)", "", territory.name_en or latin(ky))
        return {"ky": f"{ky} администрациясы", "ru": f"Администрация {_genitive_ru(name_ru)}",
                "en": f"{en} Administration"}
    # cities: the mayor's office
    city_ru = re.sub(r"^г\.\s*", "", name_ru)
    city_ky = re.sub(r"\s+шаары$", "", territory.name_ky or _kyrgyz_spelling(city_ru))
    city_en = re.sub(r"\s+City$", "", territory.name_en or latin(city_ky))
    return {"ky": f"{city_ky} шаарынын мэриясы", "ru": f"Мэрия города {city_ru}", "en": f"{city_en} City Hall"}
