"""Compile data/territory_names.csv: Kyrgyz and English names of the SOATE units below the rayon level.

Run by a maintainer when a source changes, never at set-up (the app only reads the compiled CSV):

    python data/tools/build_territory_names.py --oad PATH_TO_OAD_CHECKOUT --wof PATH_TO_WOF_CHECKOUT

Sources (see data/README.md, "Territory names"):
  * Open Admin Data, "Kyrgyzstan Administrative Divisions" (CC BY 4.0): Kyrgyz names of aiyl aimaks, towns and
    urban-type settlements, keyed by SOATE code (their ids are the SOATE code with "KG" in place of "417").
  * Who's On First, whosonfirst-data-admin-kg (CC BY 4.0; localities from GeoNames, CC BY 4.0): Kyrgyz names
    (`name:kir_x_preferred`) of villages, with a Russian name and a point but no SOATE code.

Villages are matched, never guessed:
  1. the SOATE village's Russian name and the WOF locality's Russian names are reduced to one key (lower case,
     ё→е, "имени"/"им." dropped, no spaces or hyphens);
  2. a candidate must lie in the same oblast and either in the same rayon (WOF county → SOATE rayon, table below)
     or within 25 km of the village's aiyl aimak centre (Open Admin Data coordinates);
  3. the Kyrgyz name must be Cyrillic (no Russian "дж") and be a spelling of the Russian one: both reduce to the same
     sound key (sound_key, equivalent_forms), so a renamed village's new name or a misspelt one is never attached;
  4. all remaining candidates must agree on one Kyrgyz name; otherwise the village keeps no Kyrgyz name.
English names are a documented transliteration (ASCII, scheme below) of the Kyrgyz name, or of the Russian name
where no Kyrgyz name was found.
"""
import argparse
import csv
import json
import math
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.dirname(HERE)
OAD_SOURCE = "oad"  # Open Admin Data, by SOATE code
WOF_SOURCE = "wof"  # Who's On First / GeoNames, matched by name and place
SPELLING_SOURCE = "wof-spelling"  # the source's spelling of the same Russian name elsewhere (see spell_unmatched)

# WOF county (rayon) ids → SOATE codes of the units they stand for; counties of cities map to the city.
WOF_COUNTY_TO_SOATE = {
    1091691813: "41704220000000", 1091691455: "41702205000000", 1091691175: "41704210000000",
    1091690943: "41703211000000", 1091690903: "41703204000000", 1091690561: "41706207000000",
    1091691655: "41708203000000", 1091690603: "41706211000000", 1091690161: "41707220000000",
    1091691903: "41702420000010", 1091690427: "41705214000000", 1091691031: "41703207000000",
    1091692295: "41711000000000", 1091690779: "41703230000000", 1091690519: "41706259000000",
    1091691731: "41708223000000", 1091691273: "41702215000000", 1091691555: "41708209000000",
    1091692021: "41703410000010", 1091691355: "41702210000000", 1091691101: "41704230000000",
    1091690479: "41705258000000", 1091690357: "41707215000000", 1091690665: "41706246000000",
    1091690751: "41706226000000", 1091691853: "41702410000010", 1091691775: "41708213000000",
    1091691143: "41704235000000", 1091691931: "41703220400010", 1091692173: "41705430000010",
    1091690385: "41705236000000", 1091692051: "41703430000010", 1091690313: "41707225000000",
    1091691579: "41708217000000", 1091691221: "41704245000000", 1091692087: "41704400000010",
    1091690641: "41706242000000", 1091690981: "41703215000000", 1091691511: "41708219000000",
    1091691613: "41708222000000", 1091692131: "41705420000010", 1091691053: "41703220000000",
    1091692213: "41707400000010", 1091690143: "41707232000000", 1091691975: "41703420000010",
    1091690861: "41703223000000", 1091692255: "41708400000010", 1091690815: "41703225000000",
    1091691319: "41702220000000", 1091691407: "41702225000000", 1091690705: "41706255000000",
    1091691689: "41708206000000",
}
# WOF region ids → SOATE oblast (or republican city) codes; WOF's own HASC codes are wrong for Jalal-Abad.
WOF_REGION_TO_SOATE = {
    85672995: "41705000000000", 85672975: "41711000000000", 85672981: "41708000000000",
    85672997: "41703000000000", 85672987: "41704000000000", 85673005: "41706000000000",
    1108804891: "41721000000000", 85673003: "41707000000000", 85672983: "41702000000000",
}
# Units matched by name: everything below the rayon that Open Admin Data (aiyl aimaks, towns) did not name.
MATCHED_KINDS = {"village", "village_under_city", "settlement", "city_rayon", "urban_type_settlement"}
RADIUS_KM = 25.0

# Kyrgyz (and Russian) Cyrillic → ASCII Latin for English names, after the forms used for the oblasts and rayons
# in territories_l1_l2.csv ("Jeti-Oguz", "Ysyk-Kol", "Tup"): ж→j, ө→o, ү→u, ң→ng, ы→y, soft and hard signs
# dropped. Russian-only letters follow BGN/PCGN (щ→shch, ц→ts, х→kh).
TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "ң": "ng", "о": "o", "ө": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ү": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}


def transliterate(text):
    out = []
    upper_next = False
    for i, ch in enumerate(text):
        low = ch.lower()
        if low not in TRANSLIT:
            out.append(ch)
            continue
        latin = TRANSLIT[low]
        if low == "е" and (i == 0 or not text[i - 1].isalpha()):
            latin = "ye"  # word-initial е is pronounced "ye" (Ед → Yed)
        if low == "д" and text[i + 1:i + 2].lower() == "ж":
            upper_next = ch.isupper()  # Russian "дж" renders Kyrgyz ж: one "j", capital if the д was
            continue
        if (ch.isupper() or upper_next) and latin:
            latin = latin[0].upper() + latin[1:]
        upper_next = False
        out.append(latin)
    return "".join(out)


def kyrgyz_spelling(name):
    """Open Admin Data writes some names with ӊ (en with tail); Kyrgyz orthography uses ң."""
    return name.replace("ӊ", "ң").replace("Ӊ", "Ң").strip()


def name_key(name):
    """One key for Russian spellings of a village name."""
    t = name.lower().replace("ё", "е")
    t = re.sub(r"\b(село|с\.|пос\.|поселок|посёлок)\s*", "", t)
    return re.sub(r"[^0-9a-zа-яөүң]", "", t)


def sound_key(name):
    """Kyrgyz and Russian spellings of one name folded together: Russian writes Kyrgyz ж as "дж", ө as "е" or "о",
    ү as "ю" or "у", ң as "н" (Көк-Жар ~ Кок-Джар ~ Кек-Джар, Түп ~ Тюп, Жаңы ~ Джаны)."""
    t = name_key(name)
    t = t.replace("дж", "ж").replace("ң", "н").replace("ь", "").replace("ъ", "")
    t = re.sub(r"[оөеёэ]", "о", t)
    return re.sub(r"[уүю]", "у", t)


def equivalent_forms(name_ru):
    """The sound keys a Kyrgyz spelling of this Russian name may have. Besides the letter folding of sound_key:
    Russian writes Kyrgyz ы as и (Кызыл-Кия ~ Кызыл-Кыя) and adds -о/-а to names after persons (Баетово ~ Баетов);
    Kyrgyz renders "имени X" as "X атындагы" and "Первое Мая"/"Первомайское" as "Биринчи Май"."""
    bases = {name_ru, name_ru.replace("и", "ы")}
    bases |= {re.sub(r"(ов|ев|ин)[оа]$", r"\1", b) for b in bases}
    named = re.match(r"(?i)\s*(им\.|имени)\s*(.+)$", name_ru)
    if named:
        person = named.group(2)
        bases |= {f"{person} атындагы", f"{re.sub(r'а$', '', re.sub(r'а(?= )', '', person))} атындагы"}
    if re.fullmatch(r"(?i)перво(е|го)?\s*-?\s*мая|первомайское|первомай", name_ru.strip()):
        bases.add("Биринчи Май")
    return {sound_key(b) for b in bases}


def is_cyrillic_name(name):
    """A Kyrgyz name is Cyrillic; "дж" is how Russian spells Kyrgyz ж, so such a "Kyrgyz" name is a Russian one."""
    return (bool(name) and re.fullmatch(r"[А-Яа-яЁёӨөҮүҢң0-9 .\-–()]+", name) is not None
            and "дж" not in name.lower())


def distance_km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371 * 2 * math.asin(math.sqrt(h))


def git_show(repo, path):
    return subprocess.run(["git", f"--git-dir={repo}", "show", f"HEAD:{path}"], check=True, capture_output=True,
                          text=True).stdout


def git_files(repo, prefix):
    out = subprocess.run(["git", f"--git-dir={repo}", "ls-tree", "-r", "--name-only", "HEAD", prefix], check=True,
                         capture_output=True, text=True).stdout
    return out.split()


def git_commit(repo):
    return subprocess.run(["git", f"--git-dir={repo}", "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()


def read_soate():
    with open(os.path.join(DATA, "soate_ru.csv"), encoding="utf-8") as fh:
        return {row["soate"]: row for row in csv.DictReader(fh)}


def ancestors(soate, code):
    chain = []
    while code:
        chain.append(code)
        code = soate[code]["parent_soate"] if code in soate else ""
    return chain


def read_oad(repo):
    units = {}
    for record in json.loads(git_show(repo, "data/all-settlement.json")) + \
            json.loads(git_show(repo, "data/all-district.json")):
        code = "417" + record["id"][2:]
        geo = record.get("geo") or {}
        point = (float(geo["lat"]), float(geo["lon"])) if geo.get("lat") and geo.get("lon") else None
        units[code] = {"name": kyrgyz_spelling(record["name"]["local"]), "point": point}
    return units


def read_wof(repo):
    places = []
    for path in git_files(repo, "data"):
        if not path.endswith(".geojson") or "-alt-" in path:
            continue
        props = json.loads(git_show(repo, path))["properties"]
        if props.get("wof:placetype") != "locality" or props.get("wof:superseded_by"):
            continue
        kir = [n for n in props.get("name:kir_x_preferred", []) if is_cyrillic_name(n)]
        rus = props.get("name:rus_x_preferred", []) + props.get("name:rus_x_variant", [])
        hierarchy = (props.get("wof:hierarchy") or [{}])[0]
        if not kir:
            continue
        places.append({
            "id": props["wof:id"], "ky": kyrgyz_spelling(kir[0]),
            "sounds": {sound_key(n) for n in rus + props.get("name:kir_x_preferred", []) if n},
            "point": (props["geom:latitude"], props["geom:longitude"]),
            "oblast": WOF_REGION_TO_SOATE.get(hierarchy.get("region_id")),
            "rayon": WOF_COUNTY_TO_SOATE.get(hierarchy.get("county_id")),
        })
    return places


def level3_name(row, oad_name):
    oad_name = re.sub(r"\s*ш\.$", "", oad_name)  # "Көк-Жаңгак ш.": the Russian names of towns are bare
    if row["kind"] == "aiyl_aimak":
        return f"{oad_name} айыл аймагы", f"{transliterate(oad_name)} aiyl aimak"
    return oad_name, transliterate(oad_name)


def tidy_kyrgyz(ky, ru):
    """GeoNames' spelling, put right where the Russian name shows how: the same separators (Кара-Жыгач, not
    Каражыгач or Кара Жыгач) when the letters line up one to one, "атындагы" in lower case. A name with ё that is
    not the Russian name itself (Тёолёс) is Russian phonetics, not Kyrgyz spelling: None."""
    if "ё" in ky.lower():
        if ky.lower().replace("ё", "е") != ru.lower().replace("ё", "е"):
            return None
        return ru
    ky = re.sub(r"\bАтындагы\b", "атындагы", ky)
    letters_ky = re.sub(r"[ -]", "", ky)
    aligned_ru = re.sub(r"(?i)д(?=ж)", "", ru)  # Russian "дж" is one Kyrgyz letter
    if len(letters_ky) == len(re.sub(r"[ -]", "", aligned_ru)):
        out, i = [], 0
        for ch in aligned_ru:
            if ch in " -":
                out.append(ch)
            else:
                out.append(letters_ky[i])
                i += 1
        ky = "".join(out)
    # capitals where the Russian name has them: "Ак-булак" → "Ак-Булак"
    ru_parts, ky_parts = re.split(r"([ -])", ru), re.split(r"([ -])", ky)
    if len(ru_parts) == len(ky_parts):
        ky = "".join(k[:1].upper() + k[1:] if r[:1].isupper() and k != "атындагы" else k
                     for r, k in zip(ru_parts, ky_parts))
    return ky


def has_kyrgyz_letters(name):
    return re.search(r"[өүңӨҮҢ]", name) is not None


def spellings(by_sound, name_ru, forms):
    """How the source spells this Russian name in Kyrgyz, over every place it has under any of its forms."""
    seen = {}
    for form in forms:
        for place in by_sound.get(form, []):
            if sound_key(place["ky"]) in forms:
                ky = tidy_kyrgyz(place["ky"], name_ru)
                if ky:
                    seen.setdefault(ky, set()).add(place["id"])
    return {ky: len(ids) for ky, ids in seen.items()}


def match_villages(soate, oad, wof, rows_out, report):
    by_sound = {}
    for place in wof:
        for key in place["sounds"]:
            by_sound.setdefault(key, []).append(place)
    for code, row in sorted(soate.items()):
        if row["kind"] not in MATCHED_KINDS or code in rows_out:
            continue
        chain = ancestors(soate, code)
        oblast = chain[-1]
        rayon = next((c for c in chain if soate[c]["level"] == "2"), None)
        centre = next((oad[c]["point"] for c in chain[1:] if c in oad and oad[c]["point"]), None)
        forms = equivalent_forms(row["name_ru"])
        candidates = {}
        for form in forms:
            for place in by_sound.get(form, []):
                if place["oblast"] != oblast:
                    continue
                near = centre is not None and distance_km(centre, place["point"]) <= RADIUS_KM
                if place["rayon"] == rayon or near:
                    candidates[place["id"]] = place
        if not candidates:
            report["no_candidate"].append((code, row["name_ru"]))
            continue
        # the Kyrgyz name itself must be one of the forms of the Russian name (a renamed village is not matched)
        names = {p["ky"] for p in candidates.values() if sound_key(p["ky"]) in forms}
        if not names:
            report["dissimilar"].append((code, row["name_ru"], sorted({p["ky"] for p in candidates.values()})))
            continue
        # "Кек-Алма" and "Көк-Алма" are one name, one spelt the Russian way: keep the Kyrgyz spelling
        if len({sound_key(n) for n in names}) == 1 and any(has_kyrgyz_letters(n) for n in names):
            names = {n for n in names if has_kyrgyz_letters(n)}
        if len(names) > 1:
            report["ambiguous"].append((code, row["name_ru"], sorted(names)))
            continue
        ky = tidy_kyrgyz(names.pop(), row["name_ru"])
        if ky is None:
            report["dissimilar"].append((code, row["name_ru"], sorted(names)))
            continue
        # a misspelling at this one place (Ак-Төрөк for Ак-Терек, where 11 others read Ак-Терек) is not used
        counts = spellings(by_sound, row["name_ru"], forms)
        best = max(counts.values(), default=0)
        if best >= 3 and best >= 3 * counts.get(ky, 0):
            report["outvoted"].append((code, row["name_ru"], ky, counts))
            continue
        rows_out[code] = {"name_ky": ky, "name_en": transliterate(ky), "source_ky": WOF_SOURCE,
                          "source_en": f"translit:{WOF_SOURCE}"}


def spell_unmatched(soate, wof, rows_out, report):
    """Villages the source does not have at their place still get the source's Kyrgyz spelling of their Russian
    name when it is attested at two or more other places and every attestation agrees (Кек-Джар → Көк-Жар).
    Only spellings of the same word (sound_key), never a translation (имени X, Первомайское) or a new name."""
    by_sound = {}
    for place in wof:
        for key in place["sounds"]:
            by_sound.setdefault(key, []).append(place)
    for code, name_ru in report["no_candidate"]:
        forms = {sound_key(name_ru), sound_key(name_ru.replace("и", "ы"))}
        counts = spellings(by_sound, name_ru, forms)
        if len(counts) == 1 and next(iter(counts.values())) >= 2:
            ky = next(iter(counts))
            rows_out[code] = {"name_ky": ky, "name_en": transliterate(ky), "source_ky": SPELLING_SOURCE,
                              "source_en": f"translit:{SPELLING_SOURCE}"}
            report["spelled"].append((code, name_ru, ky))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--oad", required=True, help="git dir of open-admin-data/kyrgyzstan-administrative-divisions")
    parser.add_argument("--wof", required=True, help="git dir of whosonfirst-data/whosonfirst-data-admin-kg")
    parser.add_argument("--out", default=os.path.join(DATA, "territory_names.csv"))
    args = parser.parse_args(argv)

    soate = read_soate()
    with open(os.path.join(DATA, "territories_l1_l2.csv"), encoding="utf-8") as fh:
        top = {row["soate"] for row in csv.DictReader(fh)}
    oad = read_oad(args.oad)
    wof = read_wof(args.wof)
    rows_out = {}
    for code, row in soate.items():
        if code in top or code not in oad:
            continue
        ky, en = level3_name(row, oad[code]["name"])
        rows_out[code] = {"name_ky": ky, "name_en": en, "source_ky": OAD_SOURCE, "source_en": f"translit:{OAD_SOURCE}"}
    # "город Ош" (41700000000021, kind other) is the city of Osh listed again under itself: the city's own names
    osh = "41700000000021"
    if osh in soate and osh not in rows_out:
        rows_out[osh] = {"name_ky": "Ош шаары", "name_en": "Osh City", "source_ky": "soate_l1_l2:41721000000000",
                         "source_en": "soate_l1_l2:41721000000000"}
    report = {"no_candidate": [], "dissimilar": [], "ambiguous": [], "outvoted": [], "spelled": []}
    match_villages(soate, oad, wof, rows_out, report)
    spell_unmatched(soate, wof, rows_out, report)
    # Whatever has no Kyrgyz name still gets an English one, transliterated from Russian (documented as such);
    # aiyl aimaks are left out: their Russian names are adjectives ("Ак-Дебенский") with no safe English form.
    for code, row in soate.items():
        if code in top or code in rows_out or row["kind"] == "aiyl_aimak":
            continue
        rows_out[code] = {"name_ky": "", "name_en": transliterate(row["name_ru"].removeprefix("г. ")),
                          "source_ky": "", "source_en": "translit:ru"}

    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["soate", "name_ru", "name_ky", "name_en", "source_ky", "source_en"])
        for code in sorted(rows_out):
            r = rows_out[code]
            writer.writerow([code, soate[code]["name_ru"], r["name_ky"], r["name_en"], r["source_ky"], r["source_en"]])
    print(f"{args.out}: {len(rows_out)} rows; OAD {git_commit(args.oad)[:12]}, WOF {git_commit(args.wof)[:12]}")
    for label in ("no_candidate", "dissimilar", "ambiguous", "outvoted", "spelled"):
        print(f"{label}: {len(report[label])}")
        for item in report[label]:
            print("   ", *item)
    return 0


if __name__ == "__main__":
    sys.exit(main())
