"""The example county's report in a real browser (headless Chromium) and its PDF (poppler).

On CI (``GEP_REQUIRE_BROWSER=1``, set by ``.ci/run``) a missing chromium or
poppler-utils is a failure; elsewhere these tests skip and say what to install.
"""

import io
import re
import subprocess

import numpy as np
import pytest

from gep.report.html import SECTIONS

from .cdp import load_page
from .conftest import need


@pytest.fixture(scope="module")
def page(report_files):
    browser = need("chromium", "rendering report.html")
    return load_page(browser, report_files["report.html"].as_uri())


def test_every_image_loads_and_the_console_is_clean(page):
    assert page["errors"] == []
    assert len(page["images"]) == 6            # category, service, two maps, ranked townships, waterfall
    for img in page["images"]:
        assert img["complete"] and img["w"] > 100 and img["h"] > 100, img
    # nothing but the page itself and its data URIs: it works offline
    assert [u for u in page["requests"] if not (u.startswith("file:") or u.startswith("data:"))] == []
    # the embedded font is the one the page uses, and it loaded
    assert ["GEP CJK", "loaded"] in page["fonts"]


def test_the_page_is_not_blank_and_says_what_it_should(page):
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(page["png"])).convert("L"), dtype=float)
    assert img.shape[0] > 3000                      # a long page, fully rendered
    assert img.std() > 20                           # text and charts, not an empty canvas
    assert (img < 128).mean() > 0.01                # enough dark pixels (text)
    text = page["text"]
    for _, zh, en in SECTIONS:
        assert zh in text and en in text
    assert "1,104.58" in text                       # GEP 2021 of the example, 亿元
    assert "达标 met" in text and "未达标 not met" in text


def test_the_pdf_has_its_pages(report_files):
    need("pdftoppm", "checking report.pdf")
    if "report.pdf" not in report_files:
        need("chromium", "printing report.pdf")
    pdf = report_files["report.pdf"]
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert "A4" in info
    texts = [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout for i in range(1, pages + 1)]
    # every section starts a page, in order
    starts = []
    for _, zh, en in SECTIONS:
        hits = [i for i, t in enumerate(texts) if f"{zh} {en}" in " ".join(t.split())]
        assert hits, (zh, en)
        starts.append(hits[0])
    assert starts == sorted(starts) and len(set(starts)) == len(SECTIONS)
    assert pages >= len(SECTIONS)
    # every page renders to something that is not blank
    out = pdf.parent / "pages"
    out.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "30", "-gray", str(pdf), str(out / "p")], check=True)
    from PIL import Image

    pngs = sorted(out.glob("p-*.pgm")) or sorted(out.glob("p-*.png"))
    assert len(pngs) == pages
    for p in pngs:
        arr = np.asarray(Image.open(p), dtype=float)
        assert (arr < 200).mean() > 0.002, p.name
