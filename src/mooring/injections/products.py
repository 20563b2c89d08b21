"""Which injectable product an order may be given as, and where each product is injected.

The schedule numbers (intervals, doses) live in :data:`mooring.rules.injectables.INJECTABLE_SPECS`.
Here are only the links between the order's medication and the rules' product keys, and the
injection sites each label names (a choice list, not a tunable number).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from django.db import models
from django.utils.translation import gettext_lazy as _

from mooring.medications.models import Medication
from mooring.rules.injectables import InjectableProduct


class InjectionProduct(models.TextChoices):
    SUBLOCADE = InjectableProduct.SUBLOCADE.value, _("Sublocade (monthly buprenorphine)")
    SUBLOCADE_RAPID_START = (
        InjectableProduct.SUBLOCADE_RAPID_START.value,
        _("Sublocade, rapid start (monthly buprenorphine)"),
    )
    BRIXADI_WEEKLY = InjectableProduct.BRIXADI_WEEKLY.value, _("Brixadi weekly buprenorphine")
    BRIXADI_MONTHLY = InjectableProduct.BRIXADI_MONTHLY.value, _("Brixadi monthly buprenorphine")
    NALTREXONE_XR = InjectableProduct.NALTREXONE_XR.value, _("Extended-release naltrexone 380 mg")


class InjectionSite(models.TextChoices):
    ABDOMEN_LEFT = "abdomen_left", _("Abdomen, left")
    ABDOMEN_RIGHT = "abdomen_right", _("Abdomen, right")
    GLUTEAL_LEFT = "gluteal_left", _("Buttock (gluteal), left")
    GLUTEAL_RIGHT = "gluteal_right", _("Buttock (gluteal), right")
    THIGH_LEFT = "thigh_left", _("Thigh, left")
    THIGH_RIGHT = "thigh_right", _("Thigh, right")
    UPPER_ARM_LEFT = "upper_arm_left", _("Upper arm, left")
    UPPER_ARM_RIGHT = "upper_arm_right", _("Upper arm, right")


S = InjectionSite
_ABDOMEN = (S.ABDOMEN_LEFT, S.ABDOMEN_RIGHT)
_GLUTEAL = (S.GLUTEAL_LEFT, S.GLUTEAL_RIGHT)
_BRIXADI_SITES = (
    *_ABDOMEN,
    *_GLUTEAL,
    S.THIGH_LEFT,
    S.THIGH_RIGHT,
    S.UPPER_ARM_LEFT,
    S.UPPER_ARM_RIGHT,
)

# Labels: Sublocade abdominal subcutaneous; Brixadi subcutaneous buttock, thigh, abdomen or
# upper arm; Vivitrol gluteal intramuscular, alternating buttocks.
PRODUCT_SITES: Mapping[str, tuple[InjectionSite, ...]] = MappingProxyType(
    {
        InjectionProduct.SUBLOCADE: _ABDOMEN,
        InjectionProduct.SUBLOCADE_RAPID_START: _ABDOMEN,
        InjectionProduct.BRIXADI_WEEKLY: _BRIXADI_SITES,
        InjectionProduct.BRIXADI_MONTHLY: _BRIXADI_SITES,
        InjectionProduct.NALTREXONE_XR: _GLUTEAL,
    }
)

# The order's medication -> the products it may be given as. Monthly buprenorphine is
# either Sublocade or Brixadi; the first injection names which, later ones follow it.
MEDICATION_PRODUCTS: Mapping[str, tuple[InjectionProduct, ...]] = MappingProxyType(
    {
        Medication.NALTREXONE_XR: (InjectionProduct.NALTREXONE_XR,),
        Medication.BUPRENORPHINE_XR_WEEKLY: (InjectionProduct.BRIXADI_WEEKLY,),
        Medication.BUPRENORPHINE_XR_MONTHLY: (
            InjectionProduct.SUBLOCADE,
            InjectionProduct.SUBLOCADE_RAPID_START,
            InjectionProduct.BRIXADI_MONTHLY,
        ),
    }
)

INJECTABLE_MEDICATIONS = frozenset(MEDICATION_PRODUCTS)
