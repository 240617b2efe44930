"""A GeoJSON boundary file is read once per content in a process; each account gets its own copy, and a changed
file is read again (gep.account.inputs._read_once)."""

from __future__ import annotations

import json
import shutil

import gep


def _county(tmp_path):
    folder = tmp_path / "county"
    shutil.copytree(gep.example_config().parent, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_each_account_gets_its_own_copy_and_a_changed_file_is_read_again(tmp_path):
    folder = _county(tmp_path)
    first = gep.Account.from_config(folder / "gep.toml")._load_inputs()[0]["boundaries"]
    again = gep.Account.from_config(folder / "gep.toml")._load_inputs()[0]["boundaries"]
    assert again.collection == first.collection and again.collection is not first.collection
    again.collection["features"][0]["properties"]["name_en"] = "changed by one account"
    third = gep.Account.from_config(folder / "gep.toml")._load_inputs()[0]["boundaries"]
    assert third.collection == first.collection  # what one account did to its copy reaches no other
    path = folder / "townships.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["name_en"] = "Renamed Subdistrict"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    fresh = gep.Account.from_config(folder / "gep.toml")._load_inputs()[0]["boundaries"]
    names = {f["properties"]["region"]: f["properties"].get("name_en") for f in fresh.collection["features"]}
    assert names[doc["features"][0]["properties"]["region"]] == "Renamed Subdistrict"


def test_the_gep_metadata_of_a_file_with_a_byte_order_mark_is_kept(tmp_path):
    folder = _county(tmp_path)
    path = folder / "townships.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["gep"] = {"source": "a test", "status": "illustrative"}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8-sig")
    bnd = gep.Account.from_config(folder / "gep.toml")._load_inputs()[0]["boundaries"]
    assert bnd.collection["gep"] == {"source": "a test", "status": "illustrative"}
