"""amoCRM's archive rules as the tests expect them (docs/amocrm-platform.md §7), written down apart
from the build's own tables so that a wrong table in the build cannot pass its tests."""

LOGO_SIZES = {
    "images/logo.png": (130, 100),
    "images/logo_min.png": (84, 84),
    "images/logo_medium.png": (240, 84),
    "images/logo_main.png": (400, 272),
    "images/logo_small.png": (108, 108),
    "images/logo_dp.png": (174, 109),
}
