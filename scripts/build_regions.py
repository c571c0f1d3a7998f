"""Regenerate maturity/core/data/regions.csv (provinces and prefecture-level cities).

Source: the MIT-licensed adcodes table shipped by the PyPI package ``cpca`` 0.5.5
(Ministry of Civil Affairs codes, 2020). English names are pinyin from ``pypinyin``.
Run once by hand: ``pip install cpca==0.5.5 pypinyin`` then ``python scripts/build_regions.py``.
"""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

from pypinyin import lazy_pinyin

MUNICIPALITIES = {"11", "12", "31", "50"}
PROVINCE_EN = {
    "11": "Beijing",
    "12": "Tianjin",
    "13": "Hebei",
    "14": "Shanxi",
    "15": "Inner Mongolia",
    "21": "Liaoning",
    "22": "Jilin",
    "23": "Heilongjiang",
    "31": "Shanghai",
    "32": "Jiangsu",
    "33": "Zhejiang",
    "34": "Anhui",
    "35": "Fujian",
    "36": "Jiangxi",
    "37": "Shandong",
    "41": "Henan",
    "42": "Hubei",
    "43": "Hunan",
    "44": "Guangdong",
    "45": "Guangxi",
    "46": "Hainan",
    "50": "Chongqing",
    "51": "Sichuan",
    "52": "Guizhou",
    "53": "Yunnan",
    "54": "Tibet",
    "61": "Shaanxi",
    "62": "Gansu",
    "63": "Qinghai",
    "64": "Ningxia",
    "65": "Xinjiang",
    "71": "Taiwan",
    "81": "Hong Kong",
    "82": "Macao",
}
SUFFIXES = [
    ("自治州", " Autonomous Prefecture"),
    ("地区", " Prefecture"),
    ("盟", " League"),
    ("市", ""),
    ("林区", " Forestry District"),
]


def english_city(name: str) -> str:
    if name == "省直辖县级行政区划":
        return "County-level divisions under the province"
    for zh, en in SUFFIXES:
        if name.endswith(zh):
            return "".join(lazy_pinyin(name[: -len(zh)])).capitalize() + en
    return "".join(lazy_pinyin(name)).capitalize()


def main() -> None:
    # Located without importing cpca, which needs a compiled dependency we do not use.
    spec = importlib.util.find_spec("cpca")
    assert spec is not None and spec.origin is not None, "pip install cpca==0.5.5"
    source = Path(spec.origin).parent / "resources" / "adcodes.csv"
    rows = list(csv.DictReader(source.open(encoding="utf-8")))
    out: list[tuple[str, str, str, str, str]] = []
    names = {r["adcode"][:6]: r["name"] for r in rows}
    for code12 in sorted(r["adcode"] for r in rows):
        code = code12[:6]
        if code12[6:] != "000000" or code[4:] != "00":
            continue
        province = code[:2]
        if code[2:] == "0000":
            out.append((code, "", "province", names[code], PROVINCE_EN.get(province, "")))
        elif province in MUNICIPALITIES:
            if code[2:4] == "01":
                out.append(
                    (
                        code,
                        province + "0000",
                        "city",
                        names[province + "0000"],
                        PROVINCE_EN[province],
                    )
                )
        else:
            out.append((code, province + "0000", "city", names[code], english_city(names[code])))
    for province, en in (("71", "Taiwan"), ("81", "Hong Kong"), ("82", "Macao")):
        zh = {"71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区"}[province]
        if not any(c == province + "0000" for c, *_ in out):
            out.append((province + "0000", "", "province", zh, en))
    target = Path(__file__).resolve().parent.parent / "maturity" / "core" / "data" / "regions.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "parent", "level", "name_zh", "name_en"])
        writer.writerows(sorted(out))
    print(f"wrote {len(out)} rows to {target}")


if __name__ == "__main__":
    main()
