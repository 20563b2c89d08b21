"""Take-home labels: a PDF per hand-over, one page per bottle, every print audited."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import reportlab
from pypdf import PdfReader

from mooring.audit.models import Action, AuditEvent
from mooring.core.errors import CapabilityDenied, NotFoundOrForbidden
from mooring.takehomes.labels import (
    FONT_DIRS,
    find_font_files,
    label_fonts,
    qr_payload,
    render_labels,
)
from mooring.takehomes.services import takehome_labels_print
from tests.takehomes.conftest import days

pytestmark = pytest.mark.django_db


def test_the_label_carries_what_the_person_and_a_clinician_need(ready, issue, harbor):
    harbor.phone = "555-0100"
    harbor.save()
    bottles = issue(ready(), days(1, 2))
    pdf = render_labels(bottles, compress=False)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 2  # one page per bottle
    text = _text(pdf)
    patient = bottles[0].patient
    for expected in [
        bottles[0].code,
        bottles[1].code,
        patient.mrn,
        patient.legal_family_name,
        "Harbor Clinic",
        "555-0100",
        "Methadone",
        "30.00 mg",
        "3.0 mL",
        "Lot L2026-01",
        "Prescriber: Ada Okafor, MD",
        "KEEP OUT OF REACH OF CHILDREN",
    ]:
        assert expected in text, expected


def test_the_qr_code_names_the_bottle():
    class Bottle:
        uuid = "0f0e0d0c-0000-4000-8000-000000000001"
        code = "TH-7K3Q9"

    assert qr_payload(Bottle()) == "mooring:takehome:0f0e0d0c-0000-4000-8000-000000000001:TH-7K3Q9"


def test_printing_is_audited_as_a_print(ready, issue, ben):
    bottles = issue(ready(), days(1, 3))
    pdf = takehome_labels_print(actor=ben, bottles=bottles)
    assert pdf.startswith(b"%PDF")
    event = AuditEvent.objects.get(action=Action.PRINT)
    assert event.object_type == "takehome_label"
    assert event.patient_id == bottles[0].patient_id
    assert event.detail["bottles"] == [b.code for b in bottles]


def test_front_desk_may_not_print_and_ridge_never_sees_harbor(
    ready, issue, personas, actor_for, ridge
):
    bottles = issue(ready(), days(1, 1))
    with pytest.raises(CapabilityDenied):
        takehome_labels_print(actor=actor_for(personas["dan"]), bottles=bottles)
    with pytest.raises(NotFoundOrForbidden):
        takehome_labels_print(actor=actor_for(personas["sam"], ridge), bottles=bottles)
    assert not AuditEvent.objects.filter(action=Action.PRINT).exists()


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _dejavu_installed() -> bool:
    return any((Path(d) / "DejaVuSans.ttf").is_file() for d in FONT_DIRS)


@pytest.mark.skipif(not _dejavu_installed(), reason="DejaVu Sans is not installed here")
def test_a_name_outside_latin_1_prints_as_written(ready, issue):
    assert label_fonts().family == "DejaVu Sans"
    bottles = issue(ready(given="Nguyễn Thị Đào"), days(1, 1))
    assert "Nguyễn Thị Đào" in _text(render_labels(bottles, compress=False))


def test_without_dejavu_the_labels_fall_back_to_the_font_reportlab_ships(monkeypatch):
    monkeypatch.setattr("mooring.takehomes.labels.FONT_DIRS", ())
    regular, bold, family = find_font_files("")
    assert (regular.name, bold.name, family) == ("Vera.ttf", "VeraBd.ttf", "Vera")
    assert regular.is_file()
    assert bold.is_file()


def test_a_font_folder_in_the_settings_comes_first(tmp_path):
    shipped = Path(reportlab.__file__).parent / "fonts"
    (tmp_path / "DejaVuSans.ttf").write_bytes((shipped / "Vera.ttf").read_bytes())
    (tmp_path / "DejaVuSans-Bold.ttf").write_bytes((shipped / "VeraBd.ttf").read_bytes())
    regular, bold, family = find_font_files(str(tmp_path))
    assert (regular.parent, bold.parent, family) == (tmp_path, tmp_path, "DejaVu Sans")
