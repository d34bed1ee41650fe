"""The verification QR code decodes to the URL with the token, and the same inputs give the same bytes, in this
process and in another one (the server and an offline counter client must print the same notice)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pyzbar import pyzbar

from shared.notices import render_notice
from shared.notices.qr import qr_runs
from tests.notices.conftest import TOKEN, render_page, sample_data

ROOT = Path(__file__).resolve().parents[2]
URL = "https://zwfw.dg.example.gov.cn/verify/" + TOKEN
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="module")
def acceptance_pdf(templates) -> bytes:
    return render_notice(sample_data(), templates["acceptance"])


def _decode(image: Image.Image) -> list[str]:
    return [s.data.decode() for s in pyzbar.decode(image) if s.type == "QRCODE"]


def test_qr_code_on_the_page_decodes_to_the_verification_url(acceptance_pdf) -> None:
    assert _decode(render_page(acceptance_pdf, dpi=200)) == [URL]


@pytest.mark.skipif(shutil.which("pdftoppm") is None and not IN_CI,
                    reason="pdftoppm (Debian poppler-utils) is not installed; CI installs it")
def test_qr_code_decodes_when_poppler_renders_the_page(acceptance_pdf, tmp_path) -> None:
    (tmp_path / "n.pdf").write_bytes(acceptance_pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "n.pdf"),
                    str(tmp_path / "page")], check=True)
    assert _decode(Image.open(tmp_path / "page.png")) == [URL]


def test_qr_code_carries_the_token_not_the_case_number() -> None:
    runs = qr_runs(URL)
    image = Image.new("1", (runs.size * 8, runs.size * 8), 1)
    for row, col, length in runs.runs:
        image.paste(0, (col * 8, row * 8, (col + length) * 8, (row + 1) * 8))
    assert _decode(image.convert("L")) == [URL]
    assert runs.size >= 21 + 8, "a full QR code (version 1 is 21 modules) with its quiet zone, never Micro QR"


def test_same_inputs_give_identical_bytes_in_process(templates, acceptance_pdf) -> None:
    assert render_notice(sample_data(), templates["acceptance"]) == acceptance_pdf


def test_different_inputs_give_different_bytes(templates, acceptance_pdf) -> None:
    assert render_notice(sample_data(case_number="DG2026112200018"), templates["acceptance"]) != acceptance_pdf


def test_same_inputs_give_identical_bytes_in_another_process(templates) -> None:
    script = ("import hashlib, sys\n"
              "from shared.notices import TemplateSet, render_notice\n"
              "from tests.notices.conftest import sample_data\n"
              "pdf = render_notice(sample_data(), TemplateSet.defaults()['correction'])\n"
              "sys.stdout.write(hashlib.sha256(pdf).hexdigest())\n")
    # A different hash seed changes set and dict-of-str iteration order: output must not depend on it.
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    other = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                           check=True, timeout=120).stdout
    here = hashlib.sha256(render_notice(sample_data(), templates["correction"])).hexdigest()
    assert other == here


def test_creation_date_and_file_id_come_from_the_input(acceptance_pdf) -> None:
    assert b"/CreationDate (D:20261122000000+08'00')" in acceptance_pdf
    assert b"NotoSerifCJK" in acceptance_pdf, "the notice embeds the CJK font (as a subset)"
