"""Give a generated authority awkward names (quotes, separators, accents, long lines)."""
import csv, sys
from pathlib import Path
folder = Path(sys.argv[1])
def edit(name, key, changes):
    path = folder / name
    with open(path, newline="", encoding="utf-8") as h:
        rows = list(csv.DictReader(h))
    fields = list(rows[0].keys())
    for row in rows:
        for col, value in changes.get(row[key], {}).items():
            row[col] = value
    with open(path, "w", newline="", encoding="utf-8") as h:
        w = csv.DictWriter(h, fieldnames=fields, lineterminator="\n")
        w.writeheader(); w.writerows(rows)
edit("children.csv", "child_id", {
    "C00032": {"name": 'Zoë "Zee" O\'Brien-Ängström; Jr., the 2nd', "parent_name": "Anne\\Marie ^Caret", "home_language": "Polish"},
    "C00070": {"name": "Maximilian-Alexander Featherstonehaugh-Cholmondeley Wolfeschlegelsteinhausen", "parent_email": ""},
    "C00026": {"name": "Łucja Żółć 🌟", "parent_name": "Mère: Dvořák, \"Éva\""},
    "C00005": {"name": "Ali,Bader;Khan\\Test", "home_language": "Brazilian Portuguese"},
    "C00079": {"parent_name": "Séamus Ó Briain ^^"},
})
edit("settings.csv", "setting_id", {
    "S0020": {"name": "St. Mary's: Nursery, Pre-school; & Café", "address": "1\\2 Church Lane, Ångby; \"Old\" Town"},
    "S0012": {"name": "Tiny Tots — Ünïcødé Nursery with a very long name that must fold twice or more in feeds"},
})
edit("practitioners.csv", "practitioner_id", {
    "P002": {"name": "Siân O'Neill, RGN; HV", "base_name": "Clinic \"North\""},
    "P001": {"name": 'Zoë "Zee" Ängström^2'},
})
edit("key_persons.csv", "key_person_id", {
    "K00032": {"name": "Ké^y Pér\"son, Jr."},
})
cfg = (folder / "config.toml").read_text()
cfg = cfg.replace('name = "Danielle Kelly"', 'name = "Islington IR Team, Families; Health"')
cfg = cfg.replace("[contact]\n", '[contact]\nphone = "020 7527 0000"\nrearrange = "Text 07700 900123; or reply to this e-mail, we read every one."\n')
(folder / "config.toml").write_text(cfg)
