"""Printable take-home labels: one page per bottle, sized for a 4 x 3 inch label printer.

Each label carries what the person, a pharmacist or an emergency clinician needs: who the dose
is for, what and how much, the date to take it, the clinic to call, the lot, the prescriber,
the child-safety warning, and a QR code of the bottle's public id for the return check-in.
Drawn as vectors (no images, nothing fetched); :func:`render_labels` writes no audit row —
printing goes through ``takehome_labels_print``, which does.

Names must print as written: "Nguyễn Thị Đào" or "Łukasz Wróbel" are outside the Latin-1
that PDF's built-in Helvetica can draw. The labels embed DejaVu Sans (Latin, Greek and
Cyrillic) from the machine's fonts (Debian and Ubuntu: ``fonts-dejavu-core``; or the folder
in ``MOORING_LABEL_FONT_DIR``), and fall back to the Vera font that ReportLab ships, which
covers Western European names only (a warning is logged at the first print).
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import qrcode
import reportlab
from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from mooring.takehomes.models import TakeHomeBottle

LABEL_SIZE = (4 * inch, 3 * inch)
MARGIN = 0.15 * inch
QR_SIZE = 1.05 * inch

logger = logging.getLogger(__name__)

# Where Linux distributions and Homebrew put DejaVu Sans; MOORING_LABEL_FONT_DIR comes first.
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/dejavu",  # Alpine
    "/usr/share/fonts/TTF",  # Arch
    "/opt/homebrew/share/fonts",
    "/usr/local/share/fonts",
)
DEJAVU = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
VERA = ("Vera.ttf", "VeraBd.ttf")


@dataclass(frozen=True)
class LabelFonts:
    regular: str
    bold: str
    family: str  # the file family used, for the log and the tests


def find_font_files(extra_dir: str = "") -> tuple[Path, Path, str]:
    """The regular and bold files of the widest-coverage font found, and its family."""
    for folder in (extra_dir, *FONT_DIRS):
        if not folder:
            continue
        regular, bold = (Path(folder) / name for name in DEJAVU)
        if regular.is_file() and bold.is_file():
            return regular, bold, "DejaVu Sans"
    shipped = Path(reportlab.__file__).parent / "fonts"
    return shipped / VERA[0], shipped / VERA[1], "Vera"


@functools.cache
def label_fonts() -> LabelFonts:
    """Register the label fonts with ReportLab once per process."""
    regular, bold, family = find_font_files(settings.MOORING_LABEL_FONT_DIR)
    if family != "DejaVu Sans":
        logger.warning(
            "Take-home labels use the Vera font: names outside Western European scripts will "
            "not print. Install DejaVu Sans (Debian: fonts-dejavu-core) or set "
            "MOORING_LABEL_FONT_DIR."
        )
    pdfmetrics.registerFont(TTFont("MooringLabel", str(regular)))
    pdfmetrics.registerFont(TTFont("MooringLabel-Bold", str(bold)))
    return LabelFonts("MooringLabel", "MooringLabel-Bold", family)


def qr_payload(bottle: TakeHomeBottle) -> str:
    """What the QR code says: scanned at check-in, it finds the bottle by its public id."""
    return f"mooring:takehome:{bottle.uuid}:{bottle.code}"


def render_labels(bottles: Iterable[TakeHomeBottle], *, compress: bool = True) -> bytes:
    """A PDF with one label page per bottle, in date order."""
    pks = [b.pk for b in bottles]
    rows = list(
        TakeHomeBottle.objects.filter(pk__in=pks)
        .select_related("patient", "order", "order__prescriber", "clinic", "stock_bottle__product")
        .order_by("patient_id", "for_date", "id")
    )
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LABEL_SIZE, pageCompression=1 if compress else 0)
    canvas.setTitle(_("Take-home labels"))
    canvas.setCreator("Mooring")
    for bottle in rows:
        _draw_label(canvas, bottle)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _draw_label(canvas: Canvas, bottle: TakeHomeBottle) -> None:
    fonts = label_fonts()
    regular, bold = fonts.regular, fonts.bold
    width, height = LABEL_SIZE
    order, patient, clinic = bottle.order, bottle.patient, bottle.clinic
    _draw_qr(canvas, qr_payload(bottle), width - MARGIN - QR_SIZE, height - MARGIN - QR_SIZE)
    x, y = MARGIN, height - MARGIN - 10
    beside_qr = width - 2 * MARGIN - QR_SIZE - 6
    _fit(canvas, x, y, clinic.name, bold, 10, beside_qr)
    canvas.setFont(regular, 8)
    if clinic.phone:
        y -= 10
        canvas.drawString(x, y, _("Phone: %(phone)s") % {"phone": clinic.phone})
    y -= 16
    name = f"{patient.legal_given_name} {patient.legal_family_name}"
    _fit(canvas, x, y, name, bold, 11, beside_qr)
    y -= 11
    canvas.setFont(regular, 8)
    canvas.drawString(x, y, _("MRN %(mrn)s") % {"mrn": patient.mrn})
    y -= 16
    canvas.setFont(bold, 10)
    canvas.drawString(x, y, order.get_medication_display())
    y -= 12
    amount = _("%(mg)s mg") % {"mg": formats.number_format(bottle.amount_mg, 2)}
    if bottle.volume_ml is not None:
        amount += " " + _("in %(ml)s mL") % {"ml": formats.number_format(bottle.volume_ml, 1)}
    canvas.drawString(x, y, amount)
    y -= 14
    canvas.setFont(bold, 11)
    canvas.drawString(
        x, y, _("Take on %(day)s") % {"day": formats.date_format(bottle.for_date, "D j M Y")}
    )
    y -= 14
    canvas.setFont(regular, 7.5)
    prescriber = order.prescriber.label if order.prescriber else ""
    canvas.drawString(x, y, _("Prescriber: %(name)s") % {"name": prescriber})
    y -= 9
    canvas.drawString(
        x,
        y,
        _("Lot %(lot)s · issued %(day)s")
        % {
            "lot": bottle.lot,
            "day": formats.date_format(bottle.issued_at.astimezone(clinic.tz).date(), "j M Y"),
        },
    )
    canvas.setFont(bold, 12)
    canvas.drawRightString(width - MARGIN, height - MARGIN - QR_SIZE - 14, bottle.code)
    # The warning sits on its own band at the foot of the label, where it cannot be missed.
    canvas.setFont(bold, 8)
    canvas.drawString(MARGIN, MARGIN + 19, _("KEEP OUT OF REACH OF CHILDREN."))
    canvas.setFont(regular, 7)
    canvas.drawString(
        MARGIN, MARGIN + 10, _("This medicine can kill a child or anyone it is not prescribed for.")
    )
    canvas.drawString(MARGIN, MARGIN + 2, _("Bring the bottle back, even when empty."))


def _fit(
    canvas: Canvas, x: float, y: float, text: str, font: str, size: float, max_width: float
) -> None:
    """Draw ``text`` on one line, shrinking the type (not below 6 pt) so long names fit."""
    while size > 6 and stringWidth(text, font, size) > max_width:
        size -= 0.5
    canvas.setFont(font, size)
    canvas.drawString(x, y, text)


def _draw_qr(canvas: Canvas, payload: str, x: float, y: float) -> None:
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = QR_SIZE / len(matrix)
    canvas.setFillColorRGB(0, 0, 0)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(
                    x + col_index * cell,
                    y + QR_SIZE - (row_index + 1) * cell,
                    cell,
                    cell,
                    stroke=0,
                    fill=1,
                )
